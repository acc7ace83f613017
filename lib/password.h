#ifndef POSTERN_PASSWORD_H
#define POSTERN_PASSWORD_H

/* password.c: what a new password must be.                           */

/* Password length 8-256 characters (counted as UTF-8 code points). */
int validate_password_length(const char *pw);
/* 1 if the password is common or too easily guessed (libzxcvbn's
 * dictionaries of common passwords, names and words, with the user's
 * own name and address as extra words). */
int password_is_weak(const char *pw, const char *username, const char *email);

#endif /* !POSTERN_PASSWORD_H */
