{{WHAT}} for {{USERNAME}}. Not you? Log in and check.
