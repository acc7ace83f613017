#ifndef POSTERN_FLOW_RESET_H
#define POSTERN_FLOW_RESET_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "reset.h"

/*
 * flow_reset.c: a forgotten password (R3, R4, R8, R9).
 *
 * /reset records an ask, the same for every name; the mailer (or the
 * proof, whichever comes first) turns it into a request with a code for
 * every channel old enough to prove a reset.  The request and every try
 * at it belong to the browser that asked: failures typed elsewhere
 * never void the owner's codes.  A proof is enough by R3, counted only
 * from ways old enough by R9; only a wrong code costs one of the five
 * tries, and a TOTP guess is looked at only beside another right proof
 * (so someone who knows only a name gets none).  Success makes a
 * pending change that waits reset_delay while every channel is told,
 * old ones with links to stop it or (addresses that were not a proof)
 * confirm it.  From a session that began before the change, confirming
 * needs the authenticator's code and stopping the password or that
 * code.
 */

/* The most code fields a proof may carry. */
#define RESET_MAX_CODES RESET_PROOFS_MAX

/* Ask for codes for a name or address, as typed. */
enum outcome flow_reset_ask(struct flow *, const char *typed);
/*
 * Prove a reset of name with the typed codes and choose password;
 * *replaced is set when it replaced a change already pending.
 */
enum outcome flow_reset_prove(struct flow *, const char *name,
    const char *const *codes, size_t ncodes, const char *password,
    int *replaced);

/* What the page after a proof says of the change it made. */
struct reset_waiting {
	int64_t deadline; /* 0: none pending for this browser now */
	int	mailed;	  /* confirm links went to other addresses */
	int	twofa;	  /* an older session may confirm with a code */
};
/* The newest change this browser proved that is still pending. */
enum outcome flow_reset_waiting(struct flow *, struct reset_waiting *);

/*
 * What a page about a pending change shows, before its button: the
 * change a mailed link (t) names, or, with t NULL, the one the flow's
 * session may act on.  *deadline is when it takes effect; *need_code is
 * set when the button needs the authenticator's code (confirming from
 * a session).
 */
enum outcome flow_reset_peek(struct flow *, int confirm, const char *t,
    int64_t *deadline, int *need_code);
/* Apply the pending change now: by its link t, or from a session with
 * the authenticator's code. */
enum outcome flow_reset_confirm(struct flow *, const char *t,
    const char *code);
/* Stop the pending change: by its link t, or from a session with the
 * password or the authenticator's code. */
enum outcome flow_reset_reject(struct flow *, const char *t,
    const char *password, const char *code);

/*
 * What the mailer does on every pass and a login first, each change or
 * ask in its own transaction.  Apply every change whose deadline has
 * passed (account_id 0: all; a locked or disabled account's is stopped
 * instead), *n the number applied (R4 needs no cron).
 */
enum outcome flow_reset_apply_due(struct flow *, int64_t account_id, int *n);
/* Turn every recorded ask into a request and its codes
 * (reset_ask_next()); *n the number handled.  Needs the flow's keys. */
enum outcome flow_reset_asks_process(struct flow *, int *n);

/* The notices these flows render, for a program's template list. */
#define FLOW_RESET_TEMPLATES "mail/reset_pending.tpl", "sms/reset_pending.tpl"

#endif /* !POSTERN_FLOW_RESET_H */
