the password of {{USERNAME}} was changed. Not you? Reset it:
{{BASE_URL}}/reset
