{{#PHONE}}the phone{{/PHONE}}{{#ADDRESS}}the address{{/ADDRESS}} {{WHAT}} was added as a recovery contact of {{USERNAME}}. Not you? Log in and check.
