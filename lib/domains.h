#ifndef POSTERN_DOMAINS_H
#define POSTERN_DOMAINS_H

#include <stdint.h>

#include "config.h"
#include "crypto.h"
#include "domain_name.h"
#include "policy.h"

struct db;

/*
 * domains.c: the managed domains of accounts (table domains), and the
 * R1 checks that need the database: they gather the facts here and ask
 * policy.c for the verdict.
 */

struct managed_domain {
	int64_t account_id; /* 0: none found */
	char	name[DOMAIN_MAX + 1];
	char	registrable[DOMAIN_MAX + 1];
	char	challenge[TOKEN_TEXT]; /* the TXT value to publish */
	int64_t created_at;
	int64_t verified_at; /* 0: pending */
};

/* The result of an R1 check, with the name to show a person. */
struct r1_check {
	enum r1_verdict verdict;
	char		domain[DOMAIN_MAX + 1];
	char		address[255]; /* domains_check_domain: whose */
};

int domains_each(struct db *, int64_t			     account_id,
    void (*fn)(const struct managed_domain *, void *), void *arg);
/* Every domain of every account, for `postern domain list`. */
int domains_each_all(struct db *,
    void (*fn)(const struct managed_domain *, void *), void *arg);
int domains_get(struct db *, int64_t account_id, const char *name,
    struct managed_domain *);
/* Has an account other than account_id verified exactly this name? */
int domains_verified_elsewhere(struct db *, int64_t account_id,
    const char *name, int *found);
int domains_add(struct db *, int64_t account_id, const char *name,
    const char *registrable, int64_t now, int verified,
    struct managed_domain *);
int domains_set_verified(struct db *, int64_t account_id, const char *name,
    int64_t now);
int domains_remove(struct db *, int64_t account_id, const char *name);

/* R1 for an address entering account_id (0 at signup). */
int domains_check_address(struct db *, enum recovery_rule, int64_t account_id,
    const char *email, struct r1_check *);
/* R1 the other way: may account_id add a domain with this registrable?
 * Every address counts: primary and recovery, verified or pending. */
int domains_check_domain(struct db *, int64_t account_id,
    const char *registrable, struct r1_check *);
/*
 * Call fn for every address (primary or recovery email) of an account
 * other than except that is on the registrable domain reg: it must be
 * replaced (platform rule).
 */
int domains_each_account_on(struct db *, const char *reg, int64_t except,
    void (*fn)(int64_t account_id, const char *email, void *), void *arg);

#endif /* !POSTERN_DOMAINS_H */
