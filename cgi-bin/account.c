/*
 * account.c: /account, the overview of the logged-in account.  This
 * program also answers every path no other program claims (the web
 * server sends them here), so an unknown address gets Postern's own
 * 404 page.
 */
#include <stdio.h>

#include "postern.h"
#include "domains.h"

static void
account_get(struct req *r)
{
	struct r1_check	 c;

	/* Platform rule: someone verified the domain this address is on. */
	if (r->app->cfg.recovery_rule == RECOVERY_PLATFORM) {
		if (!domains_check_address(r->app->db, RECOVERY_PLATFORM,
		    r->acct.id, r->acct.email, &c)) {
			page_storage_error(r);
			return;
		}
		if (c.verdict != R1_ALLOWED) {
			render_show(r->page, "ADDRESS_ON_DOMAIN");
			render_set(r->page, "CONFLICT", c.domain);
		}
	}
	render_set(r->page, "USERNAME", r->acct.username);
	render_set(r->page, "EMAIL", r->acct.email);
	render_show(r->page, r->acct.email_verified_at != 0 ?
	    "VERIFIED" : "NOT_VERIFIED");
	page_render(r, 200, "account.tpl", "Your account");
}

static void
root_get(struct req *r)
{
	page_redirect(r, r->sess.id != 0 && r->sess.stage == SESSION_FULL ?
	    "/account" : "/login");
}

static const struct route routes[] = {
	{ "/", HTTP_GET, root_get, 0 },
	{ "/account", HTTP_GET, account_get, ROUTE_SESSION },
};

int
main(void)
{
	return app_main("postern-account", routes,
	    sizeof(routes) / sizeof(routes[0]));
}
