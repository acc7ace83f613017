/*
 * domains.c: /domains, /domains/verify, /domains/remove -- the domains
 * an account manages on the platform, and their ownership proof.  The
 * rules are in lib/flow_domains.c, which `postern domain add` calls
 * too; these handlers map its outcomes to pages.
 */
#include "postern.h"
#include "dns.h"
#include "domains.h"
#include "flow_domains.h"

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

/* The page: the account's domains, the add form, and what was typed. */
static void
domains_page(struct req *r, int status, const char *typed)
{
	struct list_ctx	 lc = { r, 0 };

	if (!domains_each(r->app->db, r->acct.id, list_one, &lc)) {
		page_storage_error(r);
		return;
	}
	if (lc.n == 0)
		render_show(r->page, "NONE");
	render_set(r->page, "TYPED", typed);
	page_render(r, status, "domains.tpl");
}

static void
domains_get_page(struct req *r)
{
	domains_page(r, 200, "");
}

/*
 * One handler for the three forms: each names a domain and calls its
 * flow; a refusal shows the list again with the reason (and what was
 * typed into the add form).
 */
static void
domains_post(struct req *r, enum outcome (*flow)(struct flow *,
    const char *), int keep_typed, const char *notice)
{
	const char	*typed = req_arg(r, "domain");
	enum outcome	 o;
	int		 status;

	if ((o = flow(&r->flow, typed)) == OUT_OK) {
		page_notice(r, notice);
		page_redirect(r, "/domains");
	} else if ((status = page_refused(r, o)) != 0)
		domains_page(r, status, keep_typed ? typed : "");
}

static void
domains_add_post(struct req *r)
{
	domains_post(r, flow_domain_add, 1, "DOMAIN_ADDED");
}

static void
domains_verify_post(struct req *r)
{
	domains_post(r, flow_domain_verify, 0, "DOMAIN_VERIFIED");
}

static void
domains_remove_post(struct req *r)
{
	domains_post(r, flow_domain_remove, 0, "DOMAIN_REMOVED");
}

#define DOMAIN_FIELDS	FIELDS({ "domain", FIELD_DOMAIN, FIELD_REQUIRED, NULL })

static const struct route routes[] = {
	{ "/domains", HTTP_GET, domains_get_page, ROUTE_SESSION, NULL },
	{ "/domains", HTTP_POST, domains_add_post, ROUTE_SESSION,
	    DOMAIN_FIELDS },
	{ "/domains/verify", HTTP_POST, domains_verify_post, ROUTE_SESSION,
	    DOMAIN_FIELDS },
	{ "/domains/remove", HTTP_POST, domains_remove_post, ROUTE_SESSION,
	    DOMAIN_FIELDS },
};

static const char *const templates[] = {
	"domains.tpl", FLOW_DOMAINS_TEMPLATES, NULL
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
