#ifndef POSTERN_FLOW_H
#define POSTERN_FLOW_H

#include <stdint.h>

#include "crypto.h"
#include "link.h"
#include "outcome.h"

struct account;
struct config;
struct db;
struct render_dict;
struct session;

/*
 * flow.h: the context every flow of lib/flow_*.c works in.  A flow is
 * what a person (or the hoster, through bin/postern) does with an
 * account: it takes this context and plain inputs, gathers facts from
 * the database, asks policy.c for the verdict, makes the change and
 * the messages it causes in ONE transaction that it begins and ends
 * itself, and answers an outcome.  The programs in cgi-bin/ only map
 * outcomes to pages; no rule is decided there.
 */

/* What an outcome says besides its kind, for the message's values. */
struct flow_said {
	char	    what[256];	/* WHAT: a name, address or domain */
	char	    other[256]; /* OTHER */
	const char *detail;	/* a section inside the message */
	int	    left;	/* LEFT: tries that remain */
	int64_t	    when;	/* WHEN: a date, e.g. R9's */
	int64_t	    until;	/* TRY_AGAIN: when a limit reopens */
};

struct flow {
	struct db	    *db;
	const struct config *cfg;
	const struct keys   *keys;
	int64_t		     now;
	const char	    *ip;    /* "postern" for the hoster */
	const char	    *agent; /* "" when none */
	/*
	 * The hash of the browser's own cookie (app.c), which outlives
	 * sessions: failures from a browser that has logged in to an
	 * account before are counted apart (device.c), and a reset's
	 * tries belong to the browser that asked.  NULL for bin/postern.
	 */
	const unsigned char *browser;
	/*
	 * A whole login gives the browser a new cookie (device_renew()):
	 * its token, for app.c to send; "" when none.
	 */
	char		      browser_renewed[TOKEN_TEXT];
	const struct session *sess; /* NULL: not logged in */
	const struct account *acct; /* the session's, or NULL */
	struct flow_said      said;
};

/* A flow for the hoster's command (bin/postern): no browser, no
 * session; ip names the command in events. */
void flow_init(struct flow *, struct db *, const struct config *,
    const struct keys *, int64_t now);

/*
 * Transactions, owned by the flow.  flow_begin() starts a write
 * transaction (BEGIN IMMEDIATE).  flow_commit() ends it and passes o
 * on, or OUT_STORAGE when the commit fails; flow_rollback() undoes it
 * and passes o on; flow_storage() undoes it after a storage error.
 * The flow ends it on every path: helpers that write inside it check
 * that it is open (flow_in_tx(), db_need_tx()), and app.c rolls back
 * and logs one a handler left open, a mistake.
 */
enum outcome flow_begin(struct flow *);
enum outcome flow_commit(struct flow *, enum outcome o);
enum outcome flow_rollback(struct flow *, enum outcome o);
enum outcome flow_storage(struct flow *);
/* Rolled back with a limit's outcome and the time it lets one more in. */
enum outcome flow_limited(struct flow *, enum outcome o, int64_t until);
/* Set said.what (and said.other) for the message. */
void flow_what(struct flow *, const char *what, const char *other);
/*
 * May a new password be chosen (signup, reset, change)?  OUT_OK,
 * OUT_PASSWORD_LENGTH or OUT_PASSWORD_WEAK; the account's name and
 * address count as words it must not be made of.
 */
enum outcome flow_new_password(const char *pw, const char *username,
    const char *email);
/* Is the flow's write transaction open?  db_need_tx(): asserts, or
 * logs and answers 0 (a storage failure) under NDEBUG. */
int flow_in_tx(const struct flow *, const char *who);
/*
 * A mailed link: a new single-use token of kind (link_create()) and its
 * address, base_url + path + "?t=" token, into d's value name.
 */
int flow_link(struct flow *, enum link_kind kind, int64_t account_id,
    const char *data, int64_t num, int64_t ttl, const char *path,
    struct render_dict *d, const char *name);

#endif /* !POSTERN_FLOW_H */
