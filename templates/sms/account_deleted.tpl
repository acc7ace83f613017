Postern: the account {{USERNAME}} was deleted.
