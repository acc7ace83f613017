A recovery contact was added to your account

Hello {{USERNAME}},

{{#PHONE}}the phone{{/PHONE}}{{#ADDRESS}}the address{{/ADDRESS}} {{WHAT}} was added as a recovery contact of your account
on {{WHEN}} from {{IP}}.

If this was not you, someone has your password or a logged-in session:
log in, remove the contact and change your password.

{{BASE_URL}}/contacts
