The password of your account was changed

Hello {{USERNAME}},

the password of your account was changed on {{WHEN}} from {{IP}}.
Every other browser logged in to the account was logged out.

If this was NOT you, reset your password now with one of your other
addresses or phones: the reset waits a while, but the new password
cannot stop it.

{{BASE_URL}}/reset
