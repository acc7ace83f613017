Two-step verification changed on your account

Hello {{USERNAME}},

{{WHAT}} for your account on {{WHEN}} from {{IP}}.

If this was not you, log in and check your account now.

{{BASE_URL}}/contacts/2fa
