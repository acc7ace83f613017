Postern reset code:
{{CODE}}
It works for 15 minutes. Not you? Ignore this.
