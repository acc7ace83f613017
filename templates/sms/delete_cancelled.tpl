the deletion of {{USERNAME}} was cancelled. The account stays.
