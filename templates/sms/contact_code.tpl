your code:
{{CODE}}
It works for 15 minutes.
