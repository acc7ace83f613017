Your code

Hello {{USERNAME}},

this is the code to confirm this address as a recovery contact of your
account:

{{CODE}}

It works for 15 minutes. If you did not ask for it, ignore this mail:
this address stays unconfirmed.
