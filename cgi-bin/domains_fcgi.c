/*
 * domains_fcgi.c: /domains, /domains/verify, /domains/remove -- the domains
 * an account manages on the platform, and their ownership proof.  The
 * rules are in lib/flow_domains.c, which `postern domain add` calls
 * too; these handlers map its outcomes to pages.
 */
#include "postern.h"
#include "dns.h"
#include "domains.h"
#include "flow_domains.h"

struct list_ctx {
	struct req *r;
	size_t	    n;
};

static void
list_one(const struct managed_domain *d, void *arg)
{
	struct list_ctx	   *lc = arg;
	struct render_dict *row;

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
	struct list_ctx lc = { r, 0 };

	if (!domains_each(r->app->db, r->acct.id, list_one, &lc)) {
		page_storage_error(r);
		return;
	}
	if (lc.n == 0)
		render_show(r->page, "NONE");
	render_set(r->page, "TYPED", typed);
	page_render(r, status, "domains.tpl");
}

/* The list (the add form empty), after a refusal by a listed one. */
static void
domains_list_form(struct req *r, int status)
{
	domains_page(r, status, "");
}

/* The add form again, after a refusal, with what was typed. */
static void
domains_add_form(struct req *r, int status)
{
	domains_page(r, status, req_arg(r, "domain"));
}

/*
 * One handler for the three forms: each names a domain and calls its
 * flow; a refusal shows the page again with the reason (form).
 */
static void
domains_post(struct req *r, enum outcome (*flow)(struct flow *, const char *),
    void (*form)(struct req *, int), const char *notice)
{
	enum outcome o;

	if ((o = flow(&r->flow, req_arg(r, "domain"))) == OUT_OK) {
		page_notice(r, notice);
		page_redirect(r, "/domains");
	} else
		page_refuse(r, o, form);
}

static void
domains_add_post(struct req *r)
{
	domains_post(r, flow_domain_add, domains_add_form, "DOMAIN_ADDED");
}

static void
domains_verify_post(struct req *r)
{
	domains_post(r, flow_domain_verify, domains_list_form,
	    "DOMAIN_VERIFIED");
}

static void
domains_remove_post(struct req *r)
{
	domains_post(r, flow_domain_remove, domains_list_form,
	    "DOMAIN_REMOVED");
}

/* The verify and remove buttons name a domain of the list. */
#define LISTED_FIELDS FIELDS({ "domain", FIELD_LISTED, FIELD_REQUIRED, NULL })

static const struct route routes[] = {
	{ "/domains", HTTP_GET, NULL, ROUTE_SESSION, NULL, domains_list_form },
	{ "/domains", HTTP_POST, domains_add_post, ROUTE_SESSION,
	    FIELDS({ "domain", FIELD_DOMAIN, FIELD_REQUIRED, NULL }),
	    domains_add_form },
	{ "/domains/verify", HTTP_POST, domains_verify_post, ROUTE_SESSION,
	    LISTED_FIELDS, NULL },
	{ "/domains/remove", HTTP_POST, domains_remove_post, ROUTE_SESSION,
	    LISTED_FIELDS, NULL },
};

static const char *const templates[] = { "domains.tpl", FLOW_DOMAINS_TEMPLATES,
	NULL };

APP_MAIN(.name = "postern-domains", APP_ROUTES(routes), .templates = templates)
