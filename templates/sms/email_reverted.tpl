the address change of {{USERNAME}} was undone; all sessions were logged out.
