#ifndef POSTERN_RESET_H
#define POSTERN_RESET_H

#include <stdint.h>

#include "crypto.h"
#include "event.h"
#include "policy.h"

struct config;
struct db;

/*
 * reset.c: password resets (R3, R4) in the database, and the two ends
 * of a pending change -- applying it (on confirm, at the deadline) and
 * rejecting it -- with the notices they owe every channel.  Applying
 * is shared by the reset program, the login (which applies a due
 * change first) and `postern mailer` (which applies every due one).
 */

#define RESET_CODE_TTL (15 * 60)
#define RESET_TRIES    5
/* Links live a day past the deadline. */
#define RESET_LINK_GRACE 86400

enum reset_state {
	RESET_REQUESTED, /* codes sent, waiting for proofs */
	RESET_PENDING,	 /* proven: waits for its deadline (R4) */
	RESET_APPLIED,
	RESET_REJECTED,
	RESET_VOID,    /* five failures, a newer ask, a lock */
	RESET_REPLACED /* a newer pending change took its place */
};

/* The state's name in the resets table. */
const char *reset_state_name(enum reset_state);

struct reset {
	int64_t		 id; /* 0: none */
	int64_t		 account_id;
	enum reset_state state;
	int64_t		 created_at;
	int64_t		 codes_expire_at;
	int		 failures;
	char		 new_hash[PWHASH_TEXT];
	int64_t		 deadline;
	char		 proofs[256]; /* "kind:channel ..." as proven */
};

/*
 * The record of a reset's proofs, "kind:channel" words joined by
 * spaces (kinds and channels only, never a code): written when the
 * reset is proven, read back when it is applied.  reset_proofs_text()
 * writes as much as fits in outsz; reset_proofs_read() fills at most
 * max proofs (their since unknown: 0) and returns how many.
 */
#define RESET_PROOFS_MAX 8 /* a try's code fields */

void   reset_proofs_text(const struct proof *, size_t n, char *out,
      size_t outsz);
size_t reset_proofs_read(const char *text, struct proof *, size_t max);
/*
 * Record a reset asked for by name or address, as typed, from the
 * browser whose cookie hashes to browser (R8: the request, and every
 * try at it, belong to that browser).  The request does this and
 * nothing else, the same way whether or not the name is an account's,
 * so neither its answer nor its timing tells which.
 */
int reset_ask(struct db *, const char *typed, const char *ip,
    const unsigned char browser[HASH_BYTES], int64_t now);
/*
 * Take the oldest recorded ask (any when typed is NULL, else only one
 * of browser typed as typed or as other, NULL for none, ignoring case
 * as account_by_login() does) and turn it into a request with a
 * separate code sent to each verified channel old enough to prove a
 * reset (R9; a younger one is told, without a code) -- for a known,
 * unlocked account under its limit; the rest only leave an event.
 * Inside the caller's transaction; *got is 0 when there was none.
 */
int reset_ask_next(struct db *, const struct config *,
    const unsigned char codes_key[KEY_BYTES], const char *typed,
    const char *other, const unsigned char *browser, int64_t now, int *got);
/*
 * Every ask of one browser typed as typed or as other, inside the
 * caller's transaction: a proof of the reset must not wait for the
 * mailer.
 */
int reset_asks_process_for(struct db *, const struct config *,
    const unsigned char codes_key[KEY_BYTES], const char *typed,
    const char *other, const unsigned char browser[HASH_BYTES], int64_t now);
/* What the two above render, for a program's template list. */
#define RESET_ASK_TEMPLATES "mail/reset_code.tpl", "sms/reset_code.tpl"

/* A new request of the browser; its older open ones become void, never
 * another browser's. */
int reset_request(struct db *, int64_t account_id,
    const unsigned char browser[HASH_BYTES], int64_t now, struct reset *);
/* The browser's live request for an account (codes not expired, tries
 * left). */
int reset_live_request(struct db *, int64_t account_id,
    const unsigned char browser[HASH_BYTES], int64_t now, struct reset *);
/*
 * Count a refused proof; at RESET_TRIES the request and its codes are
 * void (no other request's).
 */
int reset_fail(struct db *, const struct reset *, int64_t now);
/* The request is proven: the change waits until deadline, and the
 * request's codes are void.  Any older pending change is replaced
 * (*replaced set). */
int reset_make_pending(struct db *, struct reset *, const char *new_hash,
    const char *proofs, int64_t now, int64_t deadline, int *replaced);
/* The pending change of an account, if any. */
int reset_pending(struct db *, int64_t account_id, struct reset *);
/* The newest pending change that this browser proved, if any. */
int reset_pending_of_browser(struct db *,
    const unsigned char browser[HASH_BYTES], struct reset *);
/* What a confirm or reject link stores to name its change. */
#define RESET_LINK_DATA 24
void reset_link_data(const struct reset *, char out[RESET_LINK_DATA]);
/*
 * Were confirm links mailed for the pending change rs, and can they
 * still be used?  (R4 mails them only to addresses that were no proof
 * and are old enough by R9: an account may have none.)
 */
int reset_confirm_mailed(struct db *, const struct reset *rs, int64_t now,
    int *mailed);
int reset_get(struct db *, int64_t id, struct reset *);
/* The oldest pending change of the account (account_id 0: of any)
 * whose deadline has passed; r->id is 0 when there is none. */
int reset_next_due(struct db *, int64_t account_id, int64_t now,
    struct reset *);

/*
 * Apply a pending change now (how: EVENT_WHY_CONFIRMED or
 * EVENT_WHY_DEADLINE, recorded): the password changes, every session
 * ends, every channel is told; *applied is set.  A change of an
 * account whose recovery the hoster closed (account_recovery_closed())
 * is stopped instead, as reset_cancel_all() stops it, and so is not
 * applied.
 */
int reset_apply(struct db *, const struct config *, const struct reset *,
    const char *ip, enum event_why how, int64_t now, int *applied);
/* Cancel a pending change: codes and links voided, every channel told. */
int reset_reject(struct db *, const struct config *, const struct reset *,
    const char *ip, int64_t now);
/*
 * The hoster's brakes (flow_admin.c), inside the caller's transaction:
 * every open request of the account is void with its codes (*requests:
 * how many), and a pending change is stopped as a reject stops it
 * (*stopped), the event recorded with why and every channel told,
 * with section (NULL for none) shown in the notice.
 */
int reset_cancel_all(struct db *, const struct config *, int64_t account_id,
    const char *ip, enum event_why why, const char *section, int64_t now,
    int *requests, int *stopped);
/* The notices the three above render, for the template list of a
 * program that calls them (struct program). */
#define RESET_NOTICE_TEMPLATES \
	"mail/reset_applied.tpl", "sms/reset_applied.tpl", \
	    "mail/reset_rejected.tpl", "sms/reset_rejected.tpl"

/* Void any request or pending change of the account (R5: a revert). */
int reset_void_all(struct db *, int64_t account_id, int64_t now);

/* For `postern resets`. */
int reset_each_pending(struct db *, void (*fn)(const struct reset *, void *),
    void *arg);

#endif /* !POSTERN_RESET_H */
