{{WHAT}} was added as a recovery contact of {{USERNAME}}. Not you? Log in and check.
