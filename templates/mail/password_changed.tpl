The password of your account was changed

Hello {{USERNAME}},

the password of your account was changed on {{WHEN}} from {{IP}}.
Every other browser logged in to the account was logged out.
{{#EMAIL_CHANGE_STOPPED}}
A change of the account's address that was waiting for confirmation
was stopped: its confirm link no longer works.
{{/EMAIL_CHANGE_STOPPED}}

If this was NOT you, reset your password now with one of your other
addresses or phones: the reset waits a while, but the new password
cannot stop it.

{{BASE_URL}}/reset
