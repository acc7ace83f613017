#ifndef POSTERN_LINK_H
#define POSTERN_LINK_H

#include <stdint.h>

#include "crypto.h"

struct db;

/*
 * link.c: single-use tokens sent in mailed links (R7).  Only a BLAKE2b
 * hash is stored; a token is consumed by one conditional UPDATE that
 * must change exactly one row, so two racing requests cannot both use
 * it.
 */

/* What a link does; link.c names each as the links table stores it. */
enum link_kind {
	LINK_VERIFY,	    /* verifies a new account's address */
	LINK_EMAIL_CONFIRM, /* confirms a new primary address */
	LINK_EMAIL_REVERT,  /* undoes an address change (R5) */
	LINK_RESET_CONFIRM, /* applies a pending reset at once */
	LINK_RESET_REJECT,  /* stops a pending reset (R4) */
	LINK_DELETE_CANCEL, /* stops a pending deletion of the account */
	LINK_NKINDS
};

struct link {
	int64_t id; /* 0: unknown, used, expired or wrong kind */
	int64_t account_id;
	int64_t expires_at;
	char	data[256]; /* kind-specific text */
	int64_t num;	   /* kind-specific number */
};

int link_create(struct db *, enum link_kind, int64_t account_id,
    const char *data, int64_t num, int64_t now, int64_t ttl,
    char token_out[TOKEN_TEXT]);
/* Read-only: is the token valid now?  For the GET page. */
int link_peek(struct db *, enum link_kind, const char *token, int64_t now,
    struct link *);
/* Use the token once.  id stays 0 when it was not usable. */
int link_consume(struct db *, enum link_kind, const char *token, int64_t now,
    struct link *);
/* The newest live (unused, unexpired) link of this kind, if any. */
int link_live(struct db *, enum link_kind, int64_t account_id, int64_t now,
    struct link *);
/* How many live links of this kind carry data (*n). */
int link_count_live(struct db *, enum link_kind, const char *data, int64_t now,
    int *n);
/* Void every unused link of this kind for the account. */
int link_void(struct db *, enum link_kind, int64_t account_id, int64_t now);
/*
 * The same for those of which voids(id, theirs) says so, link id being
 * the one just used: the rule (policy.c) decides which go.
 */
int link_void_where(struct db *, enum link_kind, int64_t account_id,
    int64_t id, int (*voids)(int64_t id, int64_t other), int64_t now);
int link_purge(struct db *, int64_t now);

#endif /* !POSTERN_LINK_H */
