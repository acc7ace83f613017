/*
 * test_messages.c: the words the programs take from
 * templates/messages.tpl.  Every outcome has its message, every page
 * template its title, and a span of time reads as a person writes it:
 * a hoster who rewords the file gets no blank heading or error.
 * Run from the source tree (make test does), where templates/ is.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "outcome.h"
#include "render.h"
#include "tap.h"

#define TEMPLATES "templates"

/* Not pages: the frame, the error page, the words, a text download. */
static int
is_page(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".tpl") == 0 &&
	    strcmp(name, "layout.tpl") != 0 &&
	    strcmp(name, "error.tpl") != 0 &&
	    strcmp(name, "messages.tpl") != 0 &&
	    strcmp(name, "recovery_code_text.tpl") != 0;
}

static void
test_outcomes(void)
{
	struct flow_said said;
	struct buf	 b;
	int		 o, missing = 0;

	memset(&said, 0, sizeof(said));
	snprintf(said.what, sizeof(said.what), "%s", "example.org");
	for (o = 0; o < OUT_NOUTCOMES; o++) {
		/* These two are all in the section the flow names. */
		said.detail = o == OUT_BAD_PHONE ? "PHONE_EMPTY" :
		    o == OUT_BAD_DOMAIN		 ? "DOMAIN_EMPTY" :
						   NULL;
		buf_init(&b);
		if (!message_text(o, &said, 0, 0, &b) || b.len == 0) {
			printf("# no message for %s\n", outcome_name(o));
			missing++;
		}
		buf_free(&b);
	}
	is_int(missing, 0, "every outcome has words in messages.tpl");
}

static void
test_titles(void)
{
	struct dirent *de;
	struct buf     b;
	DIR	      *d;
	int	       pages = 0, missing = 0;

	if ((d = opendir(TEMPLATES)) == NULL) {
		ok(0, "templates/ opens (run from the source tree)");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_page(de->d_name))
			continue;
		pages++;
		buf_init(&b);
		if (!message_section("PAGE_", de->d_name, &b) || b.len == 0) {
			printf("# no PAGE_ title for %s\n", de->d_name);
			missing++;
		}
		buf_free(&b);
	}
	closedir(d);
	ok(pages > 20, "the page templates are there (%d)", pages);
	is_int(missing, 0, "every page template has a title in messages.tpl");
}

static void
span_is(long long s, const char *want)
{
	struct buf b;

	buf_init(&b);
	ok(message_span(s, &b), "%lld s in words", s);
	is_str(b.p != NULL ? b.p : "", want, "%lld s reads \"%s\"", s, want);
	buf_free(&b);
}

static void
test_spans(void)
{
	span_is(86400, "24 hours");
	span_is(2 * 86400, "2 days");
	span_is(3600, "1 hour");
	span_is(60, "1 minute");
	span_is(900, "15 minutes");
	span_is(90, "90 seconds");
}

static void
title_is(const char *tpl, const char *want)
{
	struct buf b;

	buf_init(&b);
	(void)message_section("PAGE_", tpl, &b);
	is_str(b.p != NULL ? b.p : "", want, "%s is titled \"%s\"", tpl, want);
	buf_free(&b);
}

/* The account's own pages keep the titles they had before. */
static void
test_account_titles(void)
{
	title_is("account_password.tpl", "Change your password");
	title_is("account_delete.tpl", "Delete your account");
	title_is("account_delete_cancel.tpl", "Cancel the deletion");
	title_is("account_delete_cancelled.tpl", "Deletion cancelled");
	title_is("account_export.tpl", "Export your data");
}

int
main(void)
{
	if (!render_init(TEMPLATES, NULL)) {
		ok(0, "the templates load (run from the source tree)");
		return done_testing();
	}
	test_outcomes();
	test_titles();
	test_spans();
	test_account_titles();
	return done_testing();
}
