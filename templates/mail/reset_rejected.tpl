The password change of your Postern account was stopped

Hello {{USERNAME}},

the waiting password change of your account was stopped on {{WHEN}}.
Your password is unchanged, and every reset code is void.

If you did not ask for the reset, someone may have access to one of
your addresses or phones.
