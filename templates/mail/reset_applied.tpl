Your Postern password was changed

Hello {{USERNAME}},

the new password of your account took effect on {{WHEN}}. Every session
was logged out.

If this was not you, contact the people who run this site at once.

{{BASE_URL}}/login
