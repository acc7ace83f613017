Someone asked to move an account to your address

Hello,

someone asked to move their account to this address, which
already belongs to an account. Nothing was changed, and nothing was
sent to them.

If it was you, log in to the account this address belongs to instead:

{{BASE_URL}}/login

If it was not you, you need to do nothing.
