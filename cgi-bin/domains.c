/*
 * domains.c: /domains, /domains/verify, /domains/remove -- the domains
 * an account manages on the platform, and their ownership proof.
 *
 * Rule R1 works both ways here: a domain is refused while one of the
 * account's addresses shares its registrable domain, and verifying a
 * domain under recovery_rule = platform tells every other account whose
 * address is on it to replace that address (without naming anyone).
 */
#include <stdio.h>
#include <string.h>

#include "postern.h"
#include "dns.h"
#include "domains.h"

struct list_ctx {
	struct req	*r;
	size_t		 n;
};

static void
list_one(const struct managed_domain *d, void *arg)
{
	struct list_ctx		*lc = arg;
	struct render_dict	*row;

	row = render_section(lc->r->page, "DOMAIN");
	render_set(row, "NAME", d->name);
	if (d->verified_at != 0)
		render_show(row, "VERIFIED");
	else {
		render_show(row, "PENDING");
		render_set(row, "TXT_NAME", DNS_CHALLENGE_LABEL);
		render_set(row, "TXT_VALUE", d->challenge);
		render_set(row, "TXT_PREFIX", DNS_CHALLENGE_PREFIX);
	}
	lc->n++;
}

/* The page: the account's domains, the add form and maybe an error. */
static void
domains_page(struct req *r, int status, const char *error, const char *typed)
{
	struct list_ctx	 lc = { r, 0 };

	if (!domains_each(r->app->db, r->acct.id, list_one, &lc)) {
		page_storage_error(r);
		return;
	}
	if (lc.n == 0)
		render_show(r->page, "NONE");
	if (error != NULL)
		page_set_error(r, error);
	render_set(r->page, "TYPED", typed);
	page_render(r, status, "domains.tpl", "Your domains");
}

static void
domains_get_page(struct req *r)
{
	domains_page(r, 200, NULL, "");
}

/* Normalise the typed domain, or answer 400 with the form kept. */
static int
domains_typed(struct req *r, const char *typed, char name[DOMAIN_MAX + 1])
{
	enum domain_error	 err;

	if ((err = domain_normalise(typed, name)) != DOMAIN_OK) {
		domains_page(r, 400, domain_error_text(err), typed);
		return 0;
	}
	return 1;
}

static void
domains_add_post(struct req *r)
{
	const char		*typed;
	char			 name[DOMAIN_MAX + 1], reg[DOMAIN_MAX + 1];
	char			 msg[1200];
	struct managed_domain	 d;
	struct r1_check		 c;
	int			 suffix, elsewhere;
	struct db		*db = r->app->db;

	if ((typed = req_field(r, "domain")) == NULL ||
	    !domains_typed(r, typed, name))
		return;
	if (!domain_registrable(name, reg, &suffix)) {
		page_storage_error(r);
		return;
	}
	if (suffix) {
		snprintf(msg, sizeof(msg), "%s is a public suffix, shared by "
		    "many owners: you can only manage a name below it.", name);
		domains_page(r, 422, msg, typed);
		return;
	}
	if (!db_begin(db) || !domains_get(db, r->acct.id, name, &d) ||
	    !domains_verified_elsewhere(db, r->acct.id, name, &elsewhere) ||
	    !domains_check_domain(db, r->acct.id, reg, &c))
		goto fail;
	if (d.account_id != 0) {
		db_rollback(db);
		snprintf(msg, sizeof(msg), "%s is already on your list.", name);
		domains_page(r, 422, msg, typed);
		return;
	}
	if (elsewhere) {
		db_rollback(db);
		snprintf(msg, sizeof(msg), "%s is managed by another account. "
		    "If it is yours, ask your hoster for help.", name);
		domains_page(r, 422, msg, typed);
		return;
	}
	if (c.verdict != R1_ALLOWED) {
		if (!event_add(db, r->acct.id, "r1_refused", r->http.ip, name,
		    r->now) || !db_commit(db))
			goto fail;
		snprintf(msg, sizeof(msg), "You cannot manage %s while your "
		    "address %s is on %s: a broken DNS record could then "
		    "lock you out. Replace that address with a personal one "
		    "first.", name, c.address, c.domain);
		domains_page(r, 422, msg, typed);
		return;
	}
	if (!domains_add(db, r->acct.id, name, reg, r->now, 0, &d) ||
	    !event_add(db, r->acct.id, "domain_added", r->http.ip, name,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/domains");
	return;
fail:
	page_storage_error(r);
}

struct notify_ctx {
	struct req	*r;
	const char	*reg;
	int		 ok;
};

/* Platform rule: an account's address is on a newly verified domain. */
static void
notify_replace(int64_t account_id, const char *email, void *arg)
{
	struct notify_ctx	*nc = arg;
	struct render_dict	*d;

	if ((d = render_dict_new()) == NULL) {
		nc->ok = 0;
		return;
	}
	render_set(d, "EMAIL", email);
	render_set(d, "DOMAIN", nc->reg);
	render_set(d, "BASE_URL", nc->r->app->cfg.base_url);
	if (!outbox_mail(nc->r->app->db, email, "mail/address_on_domain.tpl",
	    d, nc->r->now, NULL) ||
	    !event_add(nc->r->app->db, account_id, "address_must_change",
	    NULL, nc->reg, nc->r->now))
		nc->ok = 0;
	render_dict_free(d);
}

static void
domains_verify_post(struct req *r)
{
	const char		*typed;
	char			 name[DOMAIN_MAX + 1], qname[DOMAIN_MAX + 32];
	char			 want[TOKEN_TEXT + 32], msg[1200];
	struct managed_domain	 d;
	struct notify_ctx	 nc;
	int			 found, elsewhere;
	struct db		*db = r->app->db;

	if ((typed = req_field(r, "domain")) == NULL ||
	    !domains_typed(r, typed, name))
		return;
	if (!domains_get(db, r->acct.id, name, &d)) {
		page_storage_error(r);
		return;
	}
	if (d.account_id == 0) {
		domains_page(r, 422, "That domain is not on your list.", "");
		return;
	}
	if (d.verified_at != 0) {
		page_redirect(r, "/domains");
		return;
	}
	/* The look-up runs outside any transaction: it may take seconds. */
	snprintf(qname, sizeof(qname), "%s.%s", DNS_CHALLENGE_LABEL, d.name);
	snprintf(want, sizeof(want), "%s%s", DNS_CHALLENGE_PREFIX,
	    d.challenge);
	if (!dns_txt_has(r->app->cfg.dns_server, qname, want, &found))
		found = 0;
	if (!found) {
		snprintf(msg, sizeof(msg), "We did not find the TXT record "
		    "for %s yet. Check the name and value below; DNS changes "
		    "can take a while to appear.", d.name);
		domains_page(r, 422, msg, "");
		return;
	}
	if (!db_begin(db) ||
	    !domains_verified_elsewhere(db, r->acct.id, d.name, &elsewhere))
		goto fail;
	if (elsewhere) {
		db_rollback(db);
		snprintf(msg, sizeof(msg), "%s is managed by another account.",
		    d.name);
		domains_page(r, 422, msg, "");
		return;
	}
	nc.r = r;
	nc.reg = d.registrable;
	nc.ok = 1;
	if (!domains_set_verified(db, r->acct.id, d.name, r->now) ||
	    !event_add(db, r->acct.id, "domain_verified", r->http.ip, d.name,
	    r->now))
		goto fail;
	if (r->app->cfg.recovery_rule == RECOVERY_PLATFORM &&
	    (!domains_each_account_on(db, d.registrable, r->acct.id,
	    notify_replace, &nc) || !nc.ok))
		goto fail;
	if (!db_commit(db))
		goto fail;
	page_redirect(r, "/domains");
	return;
fail:
	page_storage_error(r);
}

static void
domains_remove_post(struct req *r)
{
	const char		*typed;
	char			 name[DOMAIN_MAX + 1];
	struct managed_domain	 d;
	struct db		*db = r->app->db;

	if ((typed = req_field(r, "domain")) == NULL ||
	    !domains_typed(r, typed, name))
		return;
	if (!db_begin(db) || !domains_get(db, r->acct.id, name, &d))
		goto fail;
	if (d.account_id == 0) {
		db_rollback(db);
		domains_page(r, 422, "That domain is not on your list.", "");
		return;
	}
	if (!domains_remove(db, r->acct.id, d.name) ||
	    !event_add(db, r->acct.id, "domain_removed", r->http.ip, d.name,
	    r->now) || !db_commit(db))
		goto fail;
	page_redirect(r, "/domains");
	return;
fail:
	page_storage_error(r);
}

static const struct route routes[] = {
	{ "/domains", HTTP_GET, domains_get_page, ROUTE_SESSION },
	{ "/domains", HTTP_POST, domains_add_post, ROUTE_SESSION },
	{ "/domains/verify", HTTP_POST, domains_verify_post, ROUTE_SESSION },
	{ "/domains/remove", HTTP_POST, domains_remove_post, ROUTE_SESSION },
};

static const char *const templates[] = {
	"domains.tpl", "mail/address_on_domain.tpl", NULL
};

static const struct program program = {
	.name = "postern-domains",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.templates = templates,
};

int
main(void)
{
	return app_main(&program);
}
