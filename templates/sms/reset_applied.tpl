the new password of {{USERNAME}} is in force; all sessions were logged out.
