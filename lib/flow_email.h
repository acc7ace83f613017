#ifndef POSTERN_FLOW_EMAIL_H
#define POSTERN_FLOW_EMAIL_H

#include "flow.h"

/*
 * flow_email.c: changing the primary address (R5, R8).
 *
 * The request asks for the password, and with 2FA on a code from the
 * authenticator typed with it (twofa_recent may accept one typed that
 * long before in the session).  The current address stays until the
 * new one is confirmed by the link sent to it; then the old address is
 * told, with a link that restores it for 7 days.  Every revert link
 * stays good for its 7 days whatever happens after it: a later change
 * never voids one mailed for an earlier one, and using a later one
 * never beats an earlier one.  A confirmed or restored address wins
 * over any account that holds it unverified: an unverified signup
 * never reserves an address against its owner.
 */

#define EMAIL_CONFIRM_TTL 3600
#define EMAIL_REVERT_TTL  (7 * 86400)

/* Ask to change the flow's account's address to email (as typed). */
enum outcome flow_email_request(struct flow *, const char *password,
    const char *code, const char *email);
/*
 * The address a confirm (revert 0) or revert link t names, for its
 * page, into said.what; for a revert, *voids: whether using it voids
 * the waiting resets (policy_revert_voids_resets()), and if so
 * said.when, the deadline of the reset it would void (0: none waits),
 * and said.until, the link's own end.  voids may be NULL for a confirm.
 */
enum outcome flow_email_peek(struct flow *, int revert, const char *t,
    int *voids);
/* The new address confirmed by its link; *account_id receives whose. */
enum outcome flow_email_confirm(struct flow *, const char *t,
    int64_t *account_id);
/* The old address restored by its link: every session ends. */
enum outcome flow_email_revert(struct flow *, const char *t);

/* The notices these flows render, for a program's template list. */
#define FLOW_EMAIL_TEMPLATES \
	"mail/email_confirm.tpl", "mail/email_changed.tpl", \
	    "mail/email_changed_old.tpl", "sms/email_changed.tpl", \
	    "mail/email_reverted.tpl", "sms/email_reverted.tpl", \
	    "mail/email_taken.tpl"

#endif /* !POSTERN_FLOW_EMAIL_H */
