Someone tried to sign up with your address

Hello,

someone tried to create a new account with this address, which
already belongs to an account. Nothing was changed.
{{#PENDING}}
That account has not been confirmed yet: its confirmation link, mailed
to this address, works until {{UNTIL}}. If you did not create it,
ignore that link; after that time you can sign up with this address.
{{/PENDING}}
If it was you, log in instead, or reset your password:

{{BASE_URL}}/login

If it was not you, you need to do nothing.
