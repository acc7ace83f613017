Confirm your new address

Hello {{USERNAME}},

someone asked to make this the address of the account
{{USERNAME}}. If it was you, open this link and press the button:

{{LINK}}

The link works once and for one hour. If it was not you, ignore this
mail: nothing changes without the button.
