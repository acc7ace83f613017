Two-step verification changed on your account

Hello {{USERNAME}},

{{#TURNED_ON}}two-step verification turned on{{/TURNED_ON}}{{#TURNED_OFF}}two-step verification turned off{{/TURNED_OFF}} for your account on {{WHEN}} from {{IP}}.

If this was not you, log in and check your account now.

{{BASE_URL}}/contacts/2fa
