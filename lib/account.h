#ifndef POSTERN_ACCOUNT_H
#define POSTERN_ACCOUNT_H

#include <stdint.h>

#include "crypto.h"

struct db;

/* account.c: the accounts table. */

struct account {
	int64_t	 id;		/* 0: not found */
	char	 username[33];
	char	 email[255];
	int64_t	 email_verified_at;	/* 0: not verified */
	int64_t	 created_at;
	int64_t	 locked_at;	/* 0: not locked by the hoster */
	char	 pw_hash[PWHASH_TEXT];
};

/* By username or email, case-insensitively. */
int	 account_by_login(struct db *, const char *name_or_email,
	    struct account *);
int	 account_by_id(struct db *, int64_t id, struct account *);
int	 account_name_taken(struct db *, const char *username, int *taken);
int	 account_email_taken(struct db *, const char *email, int *taken);
int	 account_create(struct db *, const char *username, const char *email,
	    const char *pw_hash, int64_t now, int64_t *id);
int	 account_set_verified(struct db *, int64_t id, int64_t now);
int	 account_set_password(struct db *, int64_t id, const char *pw_hash);
int	 account_set_locked(struct db *, int64_t id, int64_t locked_at);

/* Call fn for every account, in name order; for `postern users`. */
int	 account_each(struct db *,
	    void (*fn)(const struct account *, void *), void *arg);
/* Remove accounts never verified and older than before. */
int	 account_purge_unverified(struct db *, int64_t before, int *n);

#endif /* !POSTERN_ACCOUNT_H */
