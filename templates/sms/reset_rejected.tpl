Postern: the password change of {{USERNAME}} was stopped. Your password is unchanged.
