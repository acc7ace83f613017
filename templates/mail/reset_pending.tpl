A new password for your Postern account is waiting

Hello {{USERNAME}},

someone proved they own your account and chose a new password, from
{{IP}}. It takes effect on {{DEADLINE}}. Until then your old
password keeps working.
{{#REPLACED}}
It replaces a password change that was already waiting.
{{/REPLACED}}
If this was NOT you, stop it with this link:

{{REJECT_LINK}}
{{#CONFIRM}}
If it was you and you do not want to wait, confirm it with this link:

{{CONFIRM_LINK}}
{{/CONFIRM}}
Each link opens a page with one button; nothing happens until you press it.
