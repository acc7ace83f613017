The address of your account was changed

Hello {{USERNAME}},

the address of your account changed to {{MASKED}} on {{WHEN}}.
The old address received a link to undo the change.

If this was not you, contact the people who run this site.
