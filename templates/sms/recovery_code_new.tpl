a new recovery code was made for {{USERNAME}}. Not you? Log in and check.
