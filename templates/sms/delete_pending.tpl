the account {{USERNAME}} will be deleted on {{DEADLINE}}. Not you? Cancel it:
{{CANCEL_LINK}}
