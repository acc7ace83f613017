/*
 * policy.c: the rules as plain functions.  Every page that lets an
 * address or a domain in asks here, so the rule is written once.
 */
#include <string.h>

#include "policy.h"

enum r1_verdict
policy_r1_address(enum recovery_rule rule, const char *addr_reg,
    const char *const *own, size_t nown, int platform_verified,
    const char **conflict)
{
	size_t	 i;

	*conflict = NULL;
	/* A broken record on a managed domain must never lock the owner out. */
	for (i = 0; i < nown; i++)
		if (strcmp(own[i], addr_reg) == 0) {
			*conflict = own[i];
			return R1_OWN_DOMAIN;
		}
	/* Only verified domains count, so nobody blocks others by claiming. */
	if (rule == RECOVERY_PLATFORM && platform_verified) {
		*conflict = addr_reg;
		return R1_PLATFORM_DOMAIN;
	}
	return R1_ALLOWED;
}

enum r1_verdict
policy_r1_domain(const char *dom_reg, const char *const *addrs,
    size_t naddrs, const char **conflict)
{
	size_t	 i;

	*conflict = NULL;
	for (i = 0; i < naddrs; i++)
		if (strcmp(addrs[i], dom_reg) == 0) {
			*conflict = addrs[i];
			return R1_OWN_DOMAIN;
		}
	return R1_ALLOWED;
}
