a new password for {{USERNAME}} takes effect on {{DEADLINE}}.{{#REJECT}} Not you? Stop it:
{{REJECT_LINK}}{{/REJECT}}{{#YOUNG}} This number can stop it from {{USABLE}}.{{/YOUNG}}
