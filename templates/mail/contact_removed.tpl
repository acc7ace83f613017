A recovery contact was removed from your account

Hello {{USERNAME}},

{{#PHONE}}the phone{{/PHONE}}{{#ADDRESS}}the address{{/ADDRESS}} {{WHAT}} was removed from the recovery contacts of your account
on {{WHEN}} from {{IP}}.

If this was not you, log in and check your contacts now.

{{BASE_URL}}/contacts
