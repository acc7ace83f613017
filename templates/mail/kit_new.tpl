A new recovery kit was made for your account

Hello {{USERNAME}},

a new recovery kit was made for your account on {{WHEN}} from {{IP}}.
Any older kit no longer works.

If this was not you, log in and check your account now.

{{BASE_URL}}/contacts/kit
