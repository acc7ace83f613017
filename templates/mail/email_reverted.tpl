The address change of your Postern account was undone

Hello {{USERNAME}},

the address change of your account was undone on {{WHEN}}. Every
session was logged out, and any waiting password reset or address change
was cancelled.

If you did not make the change, reset your password now:

{{BASE_URL}}/reset
