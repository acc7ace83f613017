#ifndef POSTERN_FLOW_SIGNUP_H
#define POSTERN_FLOW_SIGNUP_H

#include "flow.h"

/*
 * flow_signup.c: a new account and the verification of its address.
 *
 * An address that already has an account gets the same answer as a
 * successful signup, and its owner is mailed instead, so the form
 * cannot be used to find out who has an account; both count toward
 * the address's limit alike.  An address held by an account that never
 * verified it is no one's yet (R5): the new signup takes its place, and
 * whoever reads the mailbox decides which one lives.
 */

#define SIGNUP_VERIFY_TTL (24 * 3600)

enum outcome flow_signup(struct flow *, const char *username,
    const char *email, const char *password);
/* Is the verification link t good (peek), or use it (verify)? */
enum outcome flow_verify(struct flow *, const char *t, int use);

#define FLOW_SIGNUP_TEMPLATES "mail/verify.tpl", "mail/signup_taken.tpl"

#endif /* !POSTERN_FLOW_SIGNUP_H */
