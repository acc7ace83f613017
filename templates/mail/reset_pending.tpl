A new password for your account is waiting

Hello {{USERNAME}},

someone proved they own your account and chose a new password, from
{{IP}}. It takes effect on {{DEADLINE}}. Until then your old
password keeps working.
{{#REPLACED}}
It replaces a password change that was already waiting.
{{/REPLACED}}{{#REJECT}}
If this was NOT you, stop it with this link:

{{REJECT_LINK}}
{{/REJECT}}{{#CONFIRM}}
If it was you and you do not want to wait, confirm it with this link:

{{CONFIRM_LINK}}
{{/CONFIRM}}{{#YOUNG}}
This address was added to the account less than a day ago, so it
cannot stop or confirm the change: a new way in counts from {{USABLE}}.
If this was NOT you, stop it from one of your older addresses or
phones, or from a browser that is logged in to your account.
{{/YOUNG}}
Each link opens a page with one button; nothing happens until you press it.
