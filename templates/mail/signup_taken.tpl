Someone tried to sign up with your address

Hello,

someone tried to create a new Postern account with this address, which
already belongs to an account. Nothing was changed.

If it was you, log in instead, or reset your password:

{{BASE_URL}}/login

If it was not you, you need to do nothing.
