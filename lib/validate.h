#ifndef POSTERN_VALIDATE_H
#define POSTERN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* validate.c: syntax of what people type.  (Passwords: password.h.)  */

/* Usernames: 3-32 of a-z 0-9 . _ -, first a letter or digit.  The
 * check folds case; out receives the lower-case form. */
int validate_username(const char *in, char out[33]);
/* RFC 5321 mailbox, at most 254 bytes, no control characters.  out
 * receives the address with its domain in lower case (255 bytes). */
int validate_email(const char *in, char out[255]);

#endif /* !POSTERN_VALIDATE_H */
