/*
 * message.c: an outcome in words (message.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "render.h"
#include "when.h"

/* When a limit lets one more in: a time, and how long until then. */
static void
message_try_again(struct render_dict *d, int64_t until, int64_t now)
{
	struct render_dict *again;
	char		    when[WHEN_TEXT];
	int64_t		    wait, minutes;

	/* Rounded up to the minute: never too early. */
	wait = until > now ? until - now : 1;
	minutes = (wait + 59) / 60;
	when_text((until + 59) / 60 * 60, when);
	again = render_section(d, "TRY_AGAIN");
	render_set(again, "UNTIL", when);
	if (minutes < 90) {
		render_set_int(again, "MINUTES", minutes);
		render_show(again, "IN_MINUTES");
		if (minutes != 1)
			render_show(again, "PLURAL");
	} else {
		render_set_int(again, "HOURS", (minutes + 59) / 60);
		render_show(again, "IN_HOURS");
	}
}

int
message_text(enum outcome o, const struct flow_said *said, int64_t now,
    int title, struct buf *out)
{
	struct render_dict *d;
	struct buf	    name;
	char		    when[WHEN_TEXT];
	int		    ok;

	buf_init(&name);
	if ((d = render_dict_new()) == NULL)
		return 0;
	buf_printf(&name, "%s%s", outcome_name(o), title ? "_TITLE" : "");
	render_show(d, name.p);
	render_set(d, "WHAT", said->what);
	render_set(d, "OTHER", said->other);
	render_set_int(d, "LEFT", said->left);
	render_show(d, said->left == 1 ? "ONE_LEFT" : "MANY_LEFT");
	if (said->detail != NULL)
		render_show(d, said->detail);
	if (said->when != 0) {
		when_text(said->when, when);
		render_set(d, "WHEN", when);
	}
	if (!title && said->until != 0)
		message_try_again(d, said->until, now);
	ok = !name.failed && render_message(d, out);
	render_dict_free(d);
	buf_free(&name);
	return ok;
}

int
message_key(const char *prefix, const char *name, struct buf *out)
{
	size_t i;

	buf_puts(out, prefix);
	/* "login_2fa.tpl" names PAGE_LOGIN_2FA. */
	for (i = 0; name[i] != '\0' && strcmp(name + i, ".tpl") != 0; i++)
		buf_printf(out, "%c", toupper((unsigned char)name[i]));
	return !out->failed;
}

int
message_section(const char *prefix, const char *name, struct buf *out)
{
	struct render_dict *d;
	struct buf	    section;
	int		    ok;

	buf_init(&section);
	(void)message_key(prefix, name, &section);
	if ((d = render_dict_new()) == NULL) {
		buf_free(&section);
		return 0;
	}
	if (!section.failed)
		render_show(d, section.p);
	ok = !section.failed && render_message(d, out);
	render_dict_free(d);
	buf_free(&section);
	return ok;
}

int
message_span(int64_t s, struct buf *out)
{
	struct render_dict *d, *span;
	int		    ok;

	if ((d = render_dict_new()) == NULL)
		return 0;
	span = render_section(d, "SPAN");
	if (s % 86400 == 0 && s >= 86400 * 2) {
		render_set_int(span, "N", s / 86400);
		render_show(span, "DAYS");
	} else if (s % 3600 == 0) {
		render_set_int(span, "N", s / 3600);
		render_show(span, s == 3600 ? "HOUR" : "HOURS");
	} else if (s % 60 == 0) {
		render_set_int(span, "N", s / 60);
		render_show(span, s == 60 ? "MINUTE" : "MINUTES");
	} else {
		render_set_int(span, "N", s);
		render_show(span, "SECONDS");
	}
	ok = render_message(d, out);
	render_dict_free(d);
	return ok;
}
