/*
 * flow_domains.c: /domains and below, and `postern domain add`
 * (flow_domains.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "config.h"
#include "dns.h"
#include "domain_name.h"
#include "domains.h"
#include "event.h"
#include "flow_domains.h"
#include "outbox.h"
#include "render.h"

/* A name as typed, judged, with the account's row for it. */
struct typed_domain {
	char		      name[DOMAIN_MAX + 1]; /* normalised */
	char		      reg[DOMAIN_MAX + 1];  /* registrable */
	int		      suffix;		    /* a public suffix */
	struct managed_domain d; /* account_id 0: not listed */
};

/*
 * The typed name judged into t; then the write transaction begun and
 * the account's row for it (if any) read.  Every check runs inside
 * that transaction: two tabs acting at once must not both pass.
 */
static enum outcome
domains_start(struct flow *f, int64_t account_id, const char *typed,
    struct typed_domain *t)
{
	enum domain_error err;

	if ((err = domain_normalise(typed, t->name)) != DOMAIN_OK) {
		f->said.detail = domain_error_name(err);
		return OUT_BAD_DOMAIN;
	}
	flow_what(f, t->name, NULL);
	if (!domain_registrable(t->name, t->reg, &t->suffix) ||
	    flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if (!domains_get(f->db, account_id, t->name, &t->d))
		return flow_storage(f);
	return OUT_OK;
}

/*
 * May account_id hold name, whose registrable domain is reg?  Not when
 * another account has verified it, and not while one of the account's
 * own addresses is on it (R1; the refusal is recorded).  Inside the
 * transaction.
 */
static enum outcome
domains_may_hold(struct flow *f, int64_t account_id, const char *name,
    const char *reg)
{
	struct r1_check c;
	int		elsewhere;

	if (!domains_verified_elsewhere(f->db, account_id, name, &elsewhere) ||
	    !domains_check_domain(f->db, account_id, reg, &c))
		return OUT_STORAGE;
	if (elsewhere)
		return OUT_DOMAIN_ELSEWHERE;
	if (c.verdict == R1_ALLOWED)
		return OUT_OK;
	flow_what(f, name, c.address);
	return event_add(f->db, account_id, EVENT_R1_REFUSED, f->ip, name,
		   f->now) ?
	    OUT_DOMAIN_R1 :
	    OUT_STORAGE;
}

/* End a refused flow: an R1 refusal is recorded, nothing else kept. */
static enum outcome
domains_refused(struct flow *f, enum outcome o)
{
	if (o == OUT_STORAGE)
		return flow_storage(f);
	return o == OUT_DOMAIN_R1 ? flow_commit(f, o) : flow_rollback(f, o);
}

enum outcome
flow_domain_add(struct flow *f, const char *typed)
{
	struct typed_domain t;
	enum outcome	    o;

	if ((o = domains_start(f, f->acct->id, typed, &t)) != OUT_OK)
		return o;
	if (t.suffix)
		return flow_rollback(f, OUT_DOMAIN_SUFFIX);
	if (t.d.account_id != 0)
		return flow_rollback(f, OUT_DOMAIN_KNOWN);
	if ((o = domains_may_hold(f, f->acct->id, t.name, t.reg)) != OUT_OK)
		return domains_refused(f, o);
	if (!domains_add(f->db, f->acct->id, t.name, t.reg, f->now, 0, &t.d) ||
	    !event_add(f->db, f->acct->id, EVENT_DOMAIN_ADDED, f->ip, t.name,
		f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

struct replace_ctx {
	struct flow *f;
	const char  *reg;
	int	     ok;
};

/* Platform rule: an account's address is on a newly verified domain.
 * The mail does not say who verified it. */
static void
domains_tell_replace(int64_t account_id, const char *email, void *arg)
{
	struct replace_ctx *rc = arg;
	struct flow	   *f = rc->f;
	struct render_dict *d;

	if ((d = render_dict_new()) == NULL) {
		rc->ok = 0;
		return;
	}
	render_set(d, "EMAIL", email);
	render_set(d, "DOMAIN", rc->reg);
	render_set(d, "BASE_URL", f->cfg->base_url);
	if (!outbox_mail(f->db, email, "mail/address_on_domain.tpl", d, f->now,
		NULL) ||
	    !event_add(f->db, account_id, EVENT_ADDRESS_MUST_CHANGE, NULL,
		rc->reg, f->now))
		rc->ok = 0;
	render_dict_free(d);
}

/*
 * name is proven account_id's: its TXT record was found, or (vouch)
 * the hoster says so and it is first put on the list.  Under
 * recovery_rule = platform every other account with an address on its
 * registrable domain is mailed to replace it (R1).  OUT_OK too when it
 * was verified already.
 */
static enum outcome
domains_proven(struct flow *f, int64_t account_id, const char *typed,
    int vouch)
{
	struct typed_domain t;
	struct replace_ctx  rc = { f, NULL, 1 };
	enum outcome	    o;

	if ((o = domains_start(f, account_id, typed, &t)) != OUT_OK)
		return o;
	if (t.d.account_id == 0 && !vouch)
		return flow_rollback(f, OUT_NO_DOMAIN);
	if (t.d.verified_at != 0)
		return flow_rollback(f, OUT_OK);
	if (t.suffix)
		return flow_rollback(f, OUT_DOMAIN_SUFFIX);
	/* Checked again at proof: the facts may have changed since. */
	if ((o = domains_may_hold(f, account_id, t.name, t.reg)) != OUT_OK)
		return domains_refused(f, o);
	if (t.d.account_id == 0 ?
		!domains_add(f->db, account_id, t.name, t.reg, f->now, 1,
		    &t.d) :
		!domains_set_verified(f->db, account_id, t.name, f->now))
		return flow_storage(f);
	rc.reg = t.reg;
	if (!event_add(f->db, account_id, EVENT_DOMAIN_VERIFIED, f->ip, t.name,
		f->now) ||
	    (f->cfg->recovery_rule == RECOVERY_PLATFORM &&
		(!domains_each_account_on(f->db, t.reg, account_id,
		     domains_tell_replace, &rc) ||
		    !rc.ok)))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}

enum outcome
flow_domain_verify(struct flow *f, const char *typed)
{
	struct managed_domain d;
	char		      name[DOMAIN_MAX + 1], qname[DOMAIN_MAX + 32];
	char		      want[TOKEN_TEXT + 32];
	enum domain_error     err;
	int		      found;

	if ((err = domain_normalise(typed, name)) != DOMAIN_OK) {
		f->said.detail = domain_error_name(err);
		return OUT_BAD_DOMAIN;
	}
	if (!domains_get(f->db, f->acct->id, name, &d))
		return OUT_STORAGE;
	if (d.account_id == 0)
		return OUT_NO_DOMAIN;
	if (d.verified_at != 0)
		return OUT_OK;
	/* The look-up runs outside any transaction: it may take seconds. */
	snprintf(qname, sizeof(qname), "%s.%s", DNS_CHALLENGE_LABEL, d.name);
	snprintf(want, sizeof(want), "%s%s", DNS_CHALLENGE_PREFIX,
	    d.challenge);
	if (!dns_txt_has(f->cfg->dns_server, qname, want, &found) || !found) {
		flow_what(f, d.name, NULL);
		return OUT_DOMAIN_NOT_FOUND;
	}
	return domains_proven(f, f->acct->id, d.name, 0);
}

enum outcome
flow_domain_vouch(struct flow *f, int64_t account_id, const char *typed)
{
	return domains_proven(f, account_id, typed, 1);
}

enum outcome
flow_domain_remove(struct flow *f, const char *typed)
{
	struct typed_domain t;
	enum outcome	    o;

	if ((o = domains_start(f, f->acct->id, typed, &t)) != OUT_OK)
		return o;
	if (t.d.account_id == 0)
		return flow_rollback(f, OUT_NO_DOMAIN);
	if (!domains_remove(f->db, f->acct->id, t.d.name) ||
	    !event_add(f->db, f->acct->id, EVENT_DOMAIN_REMOVED, f->ip,
		t.d.name, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
