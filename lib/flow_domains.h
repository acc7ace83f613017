#ifndef POSTERN_FLOW_DOMAINS_H
#define POSTERN_FLOW_DOMAINS_H

#include <stdint.h>

#include "flow.h"

/*
 * flow_domains.c: the domains an account manages on the platform, and
 * their ownership proof (R1 both ways).  A domain is refused while one
 * of the account's addresses shares its registrable domain; verifying
 * one under recovery_rule = platform tells every other account whose
 * address is on it to replace that address (without naming anyone).
 * The pages and `postern domain add` use the same flows, so each rule
 * has one implementation.  Domains are no way into an account: they
 * need a session, not R8's proof.
 */

/* Put a domain (as typed) on the flow's account's list, pending. */
enum outcome flow_domain_add(struct flow *, const char *typed);
/* Look its TXT record up now; verified when it is there. */
enum outcome flow_domain_verify(struct flow *, const char *typed);
/* Take a domain off the list. */
enum outcome flow_domain_remove(struct flow *, const char *typed);
/*
 * The hoster vouches for a domain of account_id (`postern domain
 * add`): put on its list, verified, as a DNS proof would.
 */
enum outcome flow_domain_vouch(struct flow *, int64_t account_id,
    const char *typed);

/* What these flows render, for a program's template list. */
#define FLOW_DOMAINS_TEMPLATES "mail/address_on_domain.tpl"

#endif /* !POSTERN_FLOW_DOMAINS_H */
