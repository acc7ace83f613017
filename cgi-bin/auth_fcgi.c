/*
 * auth_fcgi.c: the FastCGI authorizer that protects the hoster's other
 * services with Postern's login (lib/authz.c, DESIGN section 9).
 */
#include "postern.h"
#include "authz.h"

static const char *const templates[] = { NULL };

static const struct program program = {
	.name = "postern-auth",
	.templates = templates,
	.serve = authz_serve,
};

int
main(void)
{
	return app_main(&program);
}
