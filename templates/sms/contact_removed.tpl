{{#PHONE}}the phone{{/PHONE}}{{#ADDRESS}}the address{{/ADDRESS}} {{WHAT}} was removed from the recovery contacts of {{USERNAME}}. Not you? Log in and check.
