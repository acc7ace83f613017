{{#TURNED_ON}}two-step verification turned on{{/TURNED_ON}}{{#TURNED_OFF}}two-step verification turned off{{/TURNED_OFF}} for {{USERNAME}}. Not you? Log in and check.
