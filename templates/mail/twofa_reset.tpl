Two-step verification was turned off on your account

Hello {{USERNAME}},

the people who run this site turned off two-step verification for your
account on {{WHEN}}, after checking who asked them to. Your password is
unchanged. You can turn two-step verification on again, with a new
authenticator, once you are logged in.

If you did not ask them, contact them now: someone may be trying to
take your account.

{{BASE_URL}}/contacts/2fa
