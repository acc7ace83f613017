the account {{USERNAME}} was deleted by the people who run the site.
