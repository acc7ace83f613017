Your password was changed

Hello {{USERNAME}},

the new password of your account took effect on {{WHEN}}. Every session
was logged out.
{{#TWOFA_OFF}}
The reset was proven without your authenticator app, so two-step
verification is now off. Turn it on again from your contacts page.
{{/TWOFA_OFF}}
If this was not you, contact the people who run this site at once.

{{BASE_URL}}/login
