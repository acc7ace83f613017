The password change of your account was stopped

Hello {{USERNAME}},

the waiting password change of your account was stopped on {{WHEN}}.
The password the reset would have set was not set, and every reset
code is void.
{{#BY_HOSTER}}
It was stopped because the people who run this site switched off
automatic recovery for your account. If you need to get back in,
please contact them.
{{/BY_HOSTER}}
{{#BY_PASSWORD_CHANGE}}
It was stopped because the password was changed, with the current
password, from a browser logged in to the account.
{{/BY_PASSWORD_CHANGE}}
{{#BY_ADMIN}}
It was cancelled by the people who run this site.
{{/BY_ADMIN}}
If you did not ask for the reset, someone may have access to one of
your addresses or phones.
