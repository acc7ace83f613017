Your Postern reset code

Hello {{USERNAME}},

someone asked to reset the password of your Postern account. This code
proves that this address is yours:

{{CODE}}

It works for 15 minutes. If you did not ask, ignore this mail: nothing
changes without the code, and you will hear of any change at once.
