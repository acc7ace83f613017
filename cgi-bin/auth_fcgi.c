/*
 * auth_fcgi.c: the FastCGI authorizer that protects the hoster's other
 * services with Postern's login (lib/authz.c, DESIGN section 9).
 */
#include "postern.h"
#include "authz.h"

static const char *const templates[] = { NULL };

APP_MAIN(.name = "postern-auth", .templates = templates, .serve = authz_serve)
