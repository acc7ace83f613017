Your reset code

Hello {{USERNAME}},

someone asked to reset the password of your account.
{{#CODE_SENT}}This code proves that this address is yours:

{{CODE}}

It works for 15 minutes, in the browser that asked for it. If you did
not ask, ignore this mail: nothing changes without the code, and you
will hear of any change at once.
{{/CODE_SENT}}{{#YOUNG}}This address was added to the account less than a day ago, so it cannot
help recover the account yet: a new way in counts from {{USABLE}}.
If you did not ask, nothing changes: your other addresses were told.
{{/YOUNG}}
