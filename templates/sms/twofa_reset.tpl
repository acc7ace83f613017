two-step verification of {{USERNAME}} was turned off by the people who run the site. Not you? Contact them now.
