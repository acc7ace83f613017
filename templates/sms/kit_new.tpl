a new recovery kit was made for {{USERNAME}}. Not you? Log in and check.
