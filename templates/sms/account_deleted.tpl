the account {{USERNAME}} was deleted.
