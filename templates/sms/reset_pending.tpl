Postern: a new password for {{USERNAME}} takes effect {{DEADLINE}}. Not you? Stop it:
{{REJECT_LINK}}
