Your account was deleted

Hello {{USERNAME}},

your account was deleted on {{WHEN}}, as was asked for. Its recovery
contacts, domains, sessions and activity are gone, and this is the
last message you get from us about it.
