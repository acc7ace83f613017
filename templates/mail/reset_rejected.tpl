The password change of your account was stopped

Hello {{USERNAME}},

the waiting password change of your account was stopped on {{WHEN}}.
Your password is unchanged, and every reset code is void.
{{#BY_HOSTER}}
It was stopped because the people who run this site switched off
automatic recovery for your account. If you need to get back in,
please contact them.
{{/BY_HOSTER}}
{{#BY_ADMIN}}
It was cancelled by the people who run this site.
{{/BY_ADMIN}}
If you did not ask for the reset, someone may have access to one of
your addresses or phones.
