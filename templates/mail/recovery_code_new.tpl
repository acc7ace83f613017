A new recovery code was made for your account

Hello {{USERNAME}},

a new recovery code was made for your account on {{WHEN}} from {{IP}}.
Any older recovery code no longer works.

If this was not you, log in and make a new one now.

{{BASE_URL}}/contacts/recovery-code
