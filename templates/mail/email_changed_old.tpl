The address of your account was changed

Hello {{USERNAME}},

the address of your account changed from this one to {{MASKED}}
on {{WHEN}}.

If this was NOT you, undo it with this link (it works for 7 days and
logs out every session):

{{LINK}}

The link opens a page with one button; nothing happens until you press it.
