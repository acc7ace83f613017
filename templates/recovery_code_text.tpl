Postern recovery code of {{USERNAME}}, made {{MADE}}

{{CODE}}

Keep this somewhere safe. If you forget your password, open
{{RESET_URL}}
and type this code where the page asks for codes. Case, spaces and
dashes do not matter. A newer code replaces this one.
