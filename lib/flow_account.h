#ifndef POSTERN_FLOW_ACCOUNT_H
#define POSTERN_FLOW_ACCOUNT_H

#include <stdint.h>

#include "event.h"
#include "flow.h"
#include "policy.h"
#include "reset.h"

struct buf;

/*
 * flow_account.c: what the account pages do: ending sessions, changing
 * the password, deleting and exporting the account, and the facts its
 * overview shows.
 *
 * Each change here asks R8's proof in its own form (the password, and
 * the authenticator with 2FA): a session left open somewhere, or
 * borrowed, must not be able to shut its owner out, take the account
 * over, delete it or carry its data away.  Ending the session one is
 * in is logging out, and needs none.
 */

/*
 * End session id of the flow's account, or every other one (id 0);
 * *ended receives how many.  OUT_OK, a proof's refusal, or
 * OUT_NO_SESSION_ID.
 */
enum outcome flow_sessions_end(struct flow *, int64_t id, const char *password,
    const char *code, int *ended);

/*
 * A new password, chosen as at signup (length, common passwords), in
 * force at once: every session ends, this browser goes on in a new one
 * (cookie: its token, for the handler to set), and every channel is
 * told (R8: a way in changed).  It is young for reset_delay
 * (policy_password_mature()).
 */
enum outcome flow_password_change(struct flow *, const char *password,
    const char *new_password, const char *code, char cookie[TOKEN_TEXT]);

/*
 * Delete the account after reset_delay (R4's time lock: whoever got
 * past R8 with a phished password must not erase the account before
 * its owner hears of it).  Every channel is told at once with a link
 * that cancels the deletion, and every page shows a banner until then.
 * OUT_DELETE_PENDING (said.when) when one is pending already.
 */
enum outcome flow_delete_request(struct flow *, const char *password,
    const char *code);
/*
 * Cancel the pending deletion: by its mailed link t (no session
 * needed: the owner may be logged out everywhere), or, with t NULL,
 * from the flow's session with R8's proof.  Every channel is told.
 */
enum outcome flow_delete_cancel(struct flow *, const char *t,
    const char *password, const char *code);
/* What the cancel link t's page shows: *deadline, or why not. */
enum outcome flow_delete_peek(struct flow *, const char *t, int64_t *deadline);
/*
 * Carry out every deletion whose deadline has passed (account_id 0:
 * all; else that account's only), each in its own transaction, the
 * account's channels told first; *n receives how many.  `postern
 * mailer` does this on every pass and a login first, as with R4's
 * resets, so no cron is needed.
 */
enum outcome flow_delete_due(struct flow *, int64_t account_id, int *n);

/*
 * The account's data as one JSON document into out: profile, contacts,
 * domains, sessions and events -- never a password hash, secret, code
 * or token.  The export is recorded as an event.
 */
enum outcome flow_export(struct flow *, const char *password, const char *code,
    struct buf *out);

/* How well the account could be recovered today, for its overview. */
struct standing {
	struct ways    ways;
	int	       recovery_emails; /* verified, primary not counted */
	int	       kit;		/* a kit exists */
	int	       kits;		/* this site makes kits */
	int64_t	       last_login;	/* before this session; 0 none */
	char	       last_login_ip[64];
	enum next_step next;
};

enum outcome flow_standing(struct flow *, struct standing *);

/* The notices these flows render, for a program's template list;
 * flow_delete_due()'s alone, for the login's. */
#define DELETE_NOTICE_TEMPLATES \
	"mail/account_deleted.tpl", "sms/account_deleted.tpl"
#define FLOW_ACCOUNT_TEMPLATES \
	"mail/password_changed.tpl", "sms/password_changed.tpl", \
	    "mail/delete_pending.tpl", "sms/delete_pending.tpl", \
	    "mail/delete_cancelled.tpl", "sms/delete_cancelled.tpl", \
	    DELETE_NOTICE_TEMPLATES, RESET_NOTICE_TEMPLATES

/*
 * Inside the flow's transaction: stop a's pending deletion, if there is
 * one (*stopped), voiding its cancel links and recording why.
 * The owner's way back (a revert, a cancel) calls it; telling the
 * channels is the caller's.
 */
int flow_delete_stop(struct flow *, const struct account *, enum event_why why,
    int *stopped);

#endif /* !POSTERN_FLOW_ACCOUNT_H */
