Your account will be deleted

Hello {{USERNAME}},

someone logged in to your account asked on {{WHEN}} from {{IP}} to
delete it. On {{DEADLINE}} the account and everything in it (recovery
contacts, domains, sessions, activity) will be gone for good.

If this was NOT you, or you changed your mind, cancel it with this link:

{{CANCEL_LINK}}

The link opens a page with one button; nothing happens until you press it.
