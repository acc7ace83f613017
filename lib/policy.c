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

static int
proof_same(const struct proof *a, const struct proof *b)
{
	if (a->kind != b->kind)
		return 0;
	return (a->kind != PROOF_EMAIL && a->kind != PROOF_PHONE) ||
	    a->channel == b->channel;
}

enum r3_verdict
policy_r3(const struct proof *p, size_t n, int twofa)
{
	size_t	 i, j, distinct = 0;
	int	 non_email = 0, dup;

	for (i = 0; i < n; i++) {
		for (dup = 0, j = 0; j < i && !dup; j++)
			dup = proof_same(&p[i], &p[j]);
		if (dup)
			continue;
		distinct++;
		if (p[i].kind != PROOF_EMAIL)
			non_email = 1;
	}
	if (distinct == 0)
		return R3_NO_PROOF;
	if (!twofa)
		return R3_OK;
	/* One stolen mailbox must never be enough when 2FA is on. */
	if (distinct < 2)
		return R3_NEED_TWO;
	if (!non_email)
		return R3_NEED_NON_EMAIL;
	return R3_OK;
}
