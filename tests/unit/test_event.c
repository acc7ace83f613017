/*
 * test_event.c: the activity page says every kind of event in words.
 * Each kind of enum event_kind has one stored name, and
 * templates/activity.tpl, rendered as /account/activity renders it,
 * words every one in the What column instead of showing that name;
 * a number in the Detail column comes with what it counts, and each
 * cause (enum event_why) is worded, never shown as its stored name.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "event.h"
#include "render.h"
#include "tap.h"

/*
 * The cells of the activity page's one event row for a stored kind
 * and detail: what (the What column) and detail (the Detail column).
 */
static int
activity_row(const char *kind, const char *detailtext, char *what,
    size_t whatsz, char *detail, size_t detailsz)
{
	static const char *const cell[] = { "<td>", "</td>" };
	struct render_dict	*d;
	struct event		 e;
	struct buf		 out;
	const char		*p, *q;
	int			 i, ok = 0;

	memset(&e, 0, sizeof(e));
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	snprintf(e.detail, sizeof(e.detail), "%s", detailtext);
	d = render_dict_new();
	event_show(render_section(d, "EVENT"), &e);
	buf_init(&out);
	if (!render_text("activity.tpl", d, &out) ||
	    (p = strstr(out.p, "<tr class=\"event\"")) == NULL)
		goto out;
	/* When, What, From, Detail. */
	for (i = 0; i < 4; i++) {
		if ((p = strstr(p, cell[0])) == NULL ||
		    (q = strstr(p, cell[1])) == NULL)
			goto out;
		p += strlen(cell[0]);
		if (i == 1)
			snprintf(what, whatsz, "%.*s", (int)(q - p), p);
		if (i == 3)
			snprintf(detail, detailsz, "%.*s", (int)(q - p), p);
		p = q;
	}
	ok = 1;
out:
	buf_free(&out);
	render_dict_free(d);
	return ok;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Each cause with a kind the code records it with. */
static const struct {
	enum event_why why;
	const char    *kind;
} causes[] = {
	{ EVENT_WHY_THIS_BROWSER, "login_locked" },
	{ EVENT_WHY_STRANGERS, "totp_locked" },
	{ EVENT_WHY_EVERY_BROWSER, "login_locked" },
	{ EVENT_WHY_TWOFA, "login" },
	{ EVENT_WHY_HOSTER_LOCK, "reset_rejected" },
	{ EVENT_WHY_HOSTER_DISABLE, "delete_cancelled" },
	{ EVENT_WHY_HOSTER_CANCEL, "reset_rejected" },
	{ EVENT_WHY_OWNER_PASSWORD, "reset_rejected" },
	{ EVENT_WHY_RESET_WITHOUT_TOTP, "twofa_disabled" },
	{ EVENT_WHY_LINK, "delete_cancelled" },
	{ EVENT_WHY_EMAIL_REVERT, "delete_cancelled" },
	{ EVENT_WHY_CONFIRMED, "reset_applied" },
	{ EVENT_WHY_DEADLINE, "reset_applied" },
};

static void
test_causes(void)
{
	enum event_why w, back;
	const char    *name;
	char	       what[256], detail[256];
	size_t	       i;
	int	       seen[EVENT_NWHYS] = { 0 };

	ok(event_why_name(EVENT_WHY_NONE) == NULL && !event_why_of("", &back),
	    "no cause is an empty detail");
	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		w = causes[i].why;
		seen[w] = 1;
		name = event_why_name(w);
		ok(name != NULL && event_why_of(name, &back) && back == w,
		    "cause %d has a stored name, %s, that names it back",
		    (int)w, name != NULL ? name : "(none)");
		if (name == NULL)
			continue;
		ok(activity_row(causes[i].kind, name, what, sizeof(what),
		       detail, sizeof(detail)) &&
			detail[0] != '\0' && strcmp(detail, name) != 0 &&
			strchr(detail, '_') == NULL,
		    "%s with %s says why in words: \"%s\"", causes[i].kind,
		    name, detail);
	}
	for (w = EVENT_WHY_NONE + 1; w < EVENT_NWHYS; w++)
		ok(seen[w], "cause %d is checked above", (int)w);
	ok(activity_row("reset_rejected", "", what, sizeof(what), detail,
	       sizeof(detail)) &&
		detail[0] == '\0',
	    "a change the owner stopped has no cause to show");
	ok(activity_row("reset_pending", "email:0 phone:12 recovery-code:0",
	       what, sizeof(what), detail, sizeof(detail)) &&
		detail[0] != '\0' && strpbrk(detail, ":0123456789_") == NULL &&
		strstr(detail, "recovery-code") == NULL &&
		strstr(detail, ", ") != NULL,
	    "a reset's proofs read in words, "
	    "without the ids of contacts: \"%s\"",
	    detail);
	ok(activity_row("contact_added", "link", what, sizeof(what), detail,
	       sizeof(detail)) &&
		strcmp(detail, "link") == 0,
	    "data that looks like a cause's name shows as it is");
}

int
main(void)
{
	static const char *const tpls[] = { "activity.tpl", NULL };
	enum event_kind		 k, back;
	const char		*name;
	char			 what[256], detail[256];

	if (!render_init("templates", tpls)) {
		printf("Bail out! templates/ does not load\n");
		return 1;
	}
	for (k = 0; k < EVENT_NKINDS; k++) {
		name = event_kind_name(k);
		ok(name != NULL && event_kind_of(name, &back) && back == k,
		    "event kind %d has a stored name, %s, that names it back",
		    (int)k, name != NULL ? name : "(none)");
		if (name == NULL)
			continue;
		ok(activity_row(name, "from the test", what, sizeof(what),
		       detail, sizeof(detail)) &&
			what[0] != '\0' && strcmp(what, name) != 0 &&
			strchr(what, '_') == NULL,
		    "the activity page says %s in words: \"%s\"", name, what);
	}
	ok(activity_row("sessions_ended", "3", what, sizeof(what), detail,
	       sizeof(detail)) &&
		strstr(detail, "3") != NULL && !all_digits(detail),
	    "ending 3 other sessions says what the 3 "
	    "counts: \"%s\"",
	    detail);
	ok(activity_row("password_changed", "2", what, sizeof(what), detail,
	       sizeof(detail)) &&
		strstr(detail, "2") != NULL && !all_digits(detail),
	    "so does a password change: \"%s\"", detail);
	ok(activity_row("sessions_revoked", "2", what, sizeof(what), detail,
	       sizeof(detail)) &&
		strstr(detail, "2") != NULL && !all_digits(detail),
	    "and the hoster's revoke: \"%s\"", detail);
	ok(activity_row("login", "with two-step verification", what,
	       sizeof(what), detail, sizeof(detail)) &&
		strcmp(detail, "with two-step verification") == 0,
	    "words an older version stored show as they are");
	test_causes();
	ok(activity_row("made_up_kind", "x", what, sizeof(what), detail,
	       sizeof(detail)) &&
		strcmp(what, "made_up_kind") == 0 && strcmp(detail, "x") == 0,
	    "a kind this version does not know shows as it is stored");
	ok(!event_kind_of("made_up_kind", &back), "and names no kind");
	return done_testing();
}
