#ifndef POSTERN_VALIDATE_H
#define POSTERN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* validate.c: syntax of what people type.                            */

/* Usernames: 3-32 of a-z 0-9 . _ -, first a letter or digit.  The
 * check folds case; out receives the lower-case form. */
int	 validate_username(const char *in, char out[33]);
/* RFC 5321 mailbox, at most 254 bytes, no control characters.  out
 * receives the address with its domain in lower case (255 bytes). */
int	 validate_email(const char *in, char out[255]);
/* Password length 8-256 characters (counted as UTF-8 code points). */
int	 validate_password_length(const char *pw);
/* 1 if the password is common or too easily guessed (libzxcvbn's
 * dictionaries of common passwords, names and words, with the user's
 * own name and address as extra words). */
int	 password_is_weak(const char *pw, const char *username,
	    const char *email);

#endif /* !POSTERN_VALIDATE_H */
