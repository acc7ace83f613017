5 wrong authenticator codes for {{USERNAME}}; codes are refused until {{UNTIL}}. Not you? Change your password.
