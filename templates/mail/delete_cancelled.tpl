Your account will not be deleted

Hello {{USERNAME}},

the deletion of your account was cancelled on {{WHEN}} from {{IP}}.
The account stays as it was.

If you did not cancel it, log in and check your account.

{{BASE_URL}}/account
