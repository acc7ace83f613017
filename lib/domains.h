#ifndef POSTERN_DOMAINS_H
#define POSTERN_DOMAINS_H

#include <stdint.h>

#include "config.h"
#include "crypto.h"
#include "domain.h"
#include "policy.h"

struct db;

/*
 * domains.c: the managed domains of accounts (table domains), and the
 * R1 checks that need the database: they gather the facts here and ask
 * policy.c for the verdict.
 */

struct managed_domain {
	int64_t	 account_id;	/* 0: none found */
	char	 name[DOMAIN_MAX + 1];
	char	 registrable[DOMAIN_MAX + 1];
	char	 challenge[TOKEN_TEXT];	/* the TXT value to publish */
	int64_t	 created_at;
	int64_t	 verified_at;	/* 0: pending */
};

/* The result of an R1 check, with the name to show a person. */
struct r1_check {
	enum r1_verdict	 verdict;
	char		 domain[DOMAIN_MAX + 1];
	char		 address[255];	/* domains_check_domain: whose */
};

int	 domains_each(struct db *, int64_t account_id,
	    void (*fn)(const struct managed_domain *, void *), void *arg);
/* Every domain of every account, for `postern domain list`. */
int	 domains_each_all(struct db *,
	    void (*fn)(const struct managed_domain *, void *), void *arg);
int	 domains_get(struct db *, int64_t account_id, const char *name,
	    struct managed_domain *);
/* Has an account other than account_id verified exactly this name? */
int	 domains_verified_elsewhere(struct db *, int64_t account_id,
	    const char *name, int *found);
int	 domains_add(struct db *, int64_t account_id, const char *name,
	    const char *registrable, int64_t now, int verified,
	    struct managed_domain *);
int	 domains_set_verified(struct db *, int64_t account_id,
	    const char *name, int64_t now);
int	 domains_remove(struct db *, int64_t account_id, const char *name);

/* R1 for an address entering account_id (0 at signup). */
int	 domains_check_address(struct db *, enum recovery_rule,
	    int64_t account_id, const char *email, struct r1_check *);
/* R1 the other way: may account_id add a domain with this registrable?
 * Every address counts: primary and recovery, verified or pending. */
int	 domains_check_domain(struct db *, int64_t account_id,
	    const char *registrable, struct r1_check *);
/*
 * Call fn for every address (primary or recovery email) of an account
 * other than except that is on the registrable domain reg: it must be
 * replaced (platform rule).
 */
int	 domains_each_account_on(struct db *, const char *reg, int64_t except,
	    void (*fn)(int64_t account_id, const char *email, void *),
	    void *arg);

/*
 * The flows, shared by the pages and `postern domain add` so that each
 * rule has one implementation.  Each runs in its own transaction and
 * says how it ended; a refusal changes nothing but the event it
 * records.  name is normalised (domain_normalise()); ip goes into the
 * events.
 */
enum domains_outcome {
	DOMAINS_DONE = 0,
	DOMAINS_STORAGE,	/* storage error: nothing changed */
	DOMAINS_SUFFIX,		/* a public suffix: only names below it */
	DOMAINS_LISTED,		/* already on the account's list */
	DOMAINS_UNLISTED,	/* not on the account's list */
	DOMAINS_ELSEWHERE,	/* verified by another account */
	DOMAINS_R1		/* an address of the account is on it: the
				 * r1_check says which */
};

/* Put name on the account's list, pending its DNS proof. */
enum domains_outcome domains_claim(struct db *, int64_t account_id,
	    const char *name, const char *ip, int64_t now, struct r1_check *);
/*
 * name is proven the account's: its TXT record was found, or (add) the
 * hoster vouches for it and it is first put on the list.  Under
 * recovery_rule = platform every other account with an address on its
 * registrable domain is mailed to replace it (R1).  DOMAINS_DONE too
 * when it was verified already.
 */
enum domains_outcome domains_verify(struct db *, const struct config *,
	    int64_t account_id, const char *name, int add, const char *ip,
	    int64_t now, struct r1_check *);
/* What domains_verify() renders, for a program's template list. */
#define DOMAINS_NOTICE_TEMPLATES	"mail/address_on_domain.tpl"

#endif /* !POSTERN_DOMAINS_H */
