/*
 * test_routes.c: a route table that app.c could not serve is refused at
 * start-up (app_routes_fit), before any request meets it.
 */
#include "tap.h"
#include "app.h"

static void
handler(struct req *r)
{
	(void)r;
}

static void
form(struct req *r, int status)
{
	(void)r;
	(void)status;
}

/* One program of the one route rt. */
static int
fits(struct route rt)
{
	struct program p = { .name = "test", .routes = &rt, .nroutes = 1 };

	return app_routes_fit(&p);
}

int
main(void)
{
	ok(fits((struct route){ "/a", HTTP_GET, handler, 0, NULL, NULL }),
	    "a handler that takes no field fits");
	ok(fits((struct route){ "/a", HTTP_GET, NULL, 0, NULL, form }),
	    "a page that is only its form fits");
	ok(!fits((struct route){ "/a", HTTP_GET, NULL, 0, NULL, NULL }),
	    "a route with neither a handler nor a form is refused");
	ok(!fits((struct route){ "/a", HTTP_POST, handler, 0,
	       FIELDS({ "username", FIELD_USERNAME, FIELD_REQUIRED, NULL }),
	       NULL }),
	    "a judged field with no form to show again is refused");
	ok(fits((struct route){ "/a", HTTP_POST, handler, 0,
	       FIELDS({ "username", FIELD_USERNAME, FIELD_REQUIRED, NULL }),
	       form }),
	    "  and fits with one");
	ok(!fits((struct route){ "/a", HTTP_POST, handler, 0,
	       FIELDS({ "a", FIELD_BUTTON, 0, NULL },
		   { "b", FIELD_BUTTON, 0, NULL },
		   { "c", FIELD_BUTTON, 0, NULL },
		   { "d", FIELD_BUTTON, 0, NULL },
		   { "e", FIELD_BUTTON, 0, NULL },
		   { "f", FIELD_BUTTON, 0, NULL },
		   { "g", FIELD_BUTTON, 0, NULL },
		   { "h", FIELD_BUTTON, 0, NULL },
		   { "i", FIELD_BUTTON, 0, NULL }),
	       form }),
	    "more fields than a request holds are refused");
	return done_testing();
}
