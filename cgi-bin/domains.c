/*
 * domains.c: /domains, /domains/verify, /domains/remove -- the domains
 * an account manages on the platform, and their ownership proof.
 *
 * Rule R1 works both ways here: a domain is refused while one of the
 * account's addresses shares its registrable domain, and verifying a
 * domain under recovery_rule = platform tells every other account whose
 * address is on it to replace that address (without naming anyone).
 * Those rules live in lib/domains.c (domains_claim, domains_verify),
 * which `postern domain add` calls too; the handlers here map how a
 * flow ended to a page.
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

/*
 * The page for how a flow ended: the list again, or the form with the
 * reason and typed kept.
 */
static void
domains_answer(struct req *r, enum domains_outcome o, const char *name,
    const char *typed, const struct r1_check *c)
{
	char	 msg[1200];

	switch (o) {
	case DOMAINS_DONE:
		page_redirect(r, "/domains");
		return;
	case DOMAINS_SUFFIX:
		snprintf(msg, sizeof(msg), "%s is a public suffix, shared by "
		    "many owners: you can only manage a name below it.", name);
		break;
	case DOMAINS_LISTED:
		snprintf(msg, sizeof(msg), "%s is already on your list.", name);
		break;
	case DOMAINS_UNLISTED:
		snprintf(msg, sizeof(msg), "That domain is not on your list.");
		break;
	case DOMAINS_ELSEWHERE:
		snprintf(msg, sizeof(msg), "%s is managed by another account. "
		    "If it is yours, ask your hoster for help.", name);
		break;
	case DOMAINS_R1:
		snprintf(msg, sizeof(msg), "You cannot manage %s while your "
		    "address %s is on %s: a broken DNS record could then "
		    "lock you out. Replace that address with a personal one "
		    "first.", name, c->address, c->domain);
		break;
	default:
		page_storage_error(r);
		return;
	}
	domains_page(r, 422, msg, typed);
}

static void
domains_add_post(struct req *r)
{
	const char		*typed;
	char			 name[DOMAIN_MAX + 1];
	struct r1_check		 c;

	if ((typed = req_field(r, "domain")) == NULL ||
	    !domains_typed(r, typed, name))
		return;
	domains_answer(r, domains_claim(r->app->db, r->acct.id, name,
	    r->http.ip, r->now, &c), name, typed, &c);
}

static void
domains_verify_post(struct req *r)
{
	const char		*typed;
	char			 name[DOMAIN_MAX + 1], qname[DOMAIN_MAX + 32];
	char			 want[TOKEN_TEXT + 32], msg[1200];
	struct managed_domain	 d;
	struct r1_check		 c;
	int			 found;

	if ((typed = req_field(r, "domain")) == NULL ||
	    !domains_typed(r, typed, name))
		return;
	if (!domains_get(r->app->db, r->acct.id, name, &d)) {
		page_storage_error(r);
		return;
	}
	if (d.account_id == 0 || d.verified_at != 0) {
		domains_answer(r, d.account_id == 0 ? DOMAINS_UNLISTED :
		    DOMAINS_DONE, name, "", NULL);
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
	domains_answer(r, domains_verify(r->app->db, &r->app->cfg, r->acct.id,
	    d.name, 0, r->http.ip, r->now, &c), d.name, "", &c);
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
	"domains.tpl", DOMAINS_NOTICE_TEMPLATES, NULL
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
