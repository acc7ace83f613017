The address change of your account was undone

Hello {{USERNAME}},

the address change of your account was undone on {{WHEN}}. Every
session was logged out, and any waiting {{#VOIDS_RESETS}}password reset or
{{/VOIDS_RESETS}}address change was cancelled.
{{#RESET_STAYS}}
A password reset is waiting and takes effect on {{DEADLINE}}. This
address is too new to stop a reset, so the undo left it waiting. If you
did not ask for it, log in with your password and stop it:

{{BASE_URL}}/login
{{/RESET_STAYS}}{{#REPLACED}}
This address is no longer the account's: the link that undid the
change was mailed to the old address. If you did not use it, someone
who reads that old mailbox did. Log in with your password at once: a
password reset they start waits before it takes effect, and every page
of your account lets you stop it with your password.

{{BASE_URL}}/login
{{/REPLACED}}{{#RESTORED}}
If you did not make the change, reset your password now:

{{BASE_URL}}/reset
{{/RESTORED}}