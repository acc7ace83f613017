{{#CODE_SENT}}your reset code:
{{CODE}}
It works for 15 minutes. Not you? Ignore this.{{/CODE_SENT}}{{#YOUNG}}a reset of {{USERNAME}} was asked for. This number counts for recovery from {{USABLE}}.{{/YOUNG}}
