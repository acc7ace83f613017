/*
 * test_render.c: render_init's template list.  A program loads
 * layout.tpl, error.tpl and what it lists; a template it renders
 * without listing still works, with one warning on stderr (which the
 * end-to-end harness turns into a failure); a listed template that is
 * missing or broken stops start-up, and one that is fine costs no memory
 * until its first use.
 */
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "render.h"
#include "tap.h"

static char tmpdir[] = "/tmp/postern-test-render-XXXXXX";
static char errpath[512];

static void
write_file(const char *name, const char *text)
{
	char  path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

/* What the code under test wrote to stderr since the last call. */
static int
stderr_has(const char *needle, int *count)
{
	static long seen;
	char	    text[4096];
	const char *p;
	size_t	    n;
	FILE	   *f;

	fflush(stderr);
	*count = 0;
	if ((f = fopen(errpath, "r")) == NULL)
		return 0;
	fseek(f, seen, SEEK_SET);
	n = fread(text, 1, sizeof(text) - 1, f);
	seen += (long)n;
	fclose(f);
	text[n] = '\0';
	for (p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		(*count)++;
	return *count > 0;
}

/* Bytes malloc hands out now; 0 where that cannot be known. */
static size_t
heap_used(void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

/* A template with n sections, each with a value: about n * 200 bytes
 * parsed. */
static void
write_big(const char *name, int n)
{
	char  path[512];
	FILE *f;
	int   i;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fputs("{{%AUTOESCAPE context=\"HTML\"}}", f);
	for (i = 0; i < n; i++)
		fprintf(f, "{{#S%d}}<p>Line %d of {{NAME}}</p>{{/S%d}}\n", i,
		    i, i);
	fclose(f);
}

static int
expand(const char *tpl, const char *want)
{
	struct render_dict *d = render_dict_new();
	struct buf	    out;
	int		    ok;

	buf_init(&out);
	render_set(d, "NAME", "<Bob>");
	ok = render_text(tpl, d, &out) && !out.failed &&
	    strcmp(out.p, want) == 0;
	if (!ok)
		printf("#   %s gave '%s'\n", tpl, out.p != NULL ? out.p : "");
	buf_free(&out);
	render_dict_free(d);
	return ok;
}

int
main(void)
{
	static const char *const listed[] = { "a.tpl", "big.tpl", NULL };
	static const char *const missing[] = { "a.tpl", "none.tpl", NULL };
	static const char *const broken[] = { "broken.tpl", NULL };
	struct render_dict	*d;
	struct buf		 out;
	size_t			 at_start, at_init, at_use;
	int			 fd, n;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	/* The log's stderr copy goes to a file this test reads. */
	snprintf(errpath, sizeof(errpath), "%s.stderr", tmpdir);
	if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		perror(errpath);
		return 2;
	}
	close(fd);
	log_open("test_render", 1);

	write_file("layout.tpl",
	    "{{%AUTOESCAPE context=\"HTML\"}}"
	    "<main>{{CONTENT:none}}</main>");
	write_file("error.tpl", "{{%AUTOESCAPE context=\"HTML\"}}oops");
	write_file("login.tpl", "{{%AUTOESCAPE context=\"HTML\"}}log in");
	write_file("a.tpl", "A {{NAME}}");
	write_file("b.tpl", "B {{NAME}}");
	write_file("broken.tpl", "{{#OPEN}} never closed");
	write_file("messages.tpl",
	    "{{! one per line }}\n"
	    "{{#ONE}}First {{WHAT}}.{{/ONE}}\n"
	    "{{#TWO}}Second.{{/TWO}}\n"
	    "{{#AGAIN}} Try again at {{UNTIL}}.{{/AGAIN}}\n");

	write_big("big.tpl", 1000);

	at_start = heap_used();
	ok(render_init(tmpdir, listed),
	    "layout, error, login and the "
	    "listed templates load");
	at_init = heap_used();
	ok(expand("a.tpl", "A <Bob>"), "a listed template expands");
	d = render_dict_new();
	buf_init(&out);
	ok(render_page("big.tpl", d, &out) && !out.failed &&
		strstr(out.p, "<main>") != NULL,
	    "so does a large one");
	buf_free(&out);
	render_dict_free(d);
	at_use = heap_used();
	if (at_start == 0)
		ok(1, "# SKIP malloc's figures are not known here");
	else {
		ok(at_init - at_start < (at_use - at_init) / 4,
		    "a listed template costs its process no memory until it "
		    "is first shown (%zu bytes at start-up, %zu on first use)",
		    at_init - at_start, at_use - at_init);
	}
	d = render_dict_new();
	buf_init(&out);
	render_show(d, "ONE");
	render_show(d, "AGAIN");
	render_set(d, "WHAT", "<x>");
	render_set(d, "UNTIL", "noon");
	ok(render_message(d, &out) && !out.failed &&
		strcmp(out.p, "First <x>. Try again at noon.") == 0,
	    "a message is the sections shown, on one line, not escaped "
	    "(the page escapes it)");
	if (out.p != NULL)
		printf("#   got '%s'\n", out.p);
	buf_free(&out);
	render_dict_free(d);
	ok(!stderr_has("not in this program's list", &n), "without a warning");
	ok(expand("b.tpl", "B <Bob>"),
	    "a template the list lacks still "
	    "expands");
	ok(stderr_has("templates: b.tpl is not in this program's list", &n) &&
		n == 1,
	    "with one warning that names it");
	ok(expand("b.tpl", "B <Bob>") &&
		!stderr_has("not in this program's list", &n),
	    "the second time it is loaded already: no warning");
	d = render_dict_new();
	buf_init(&out);
	ok(!render_text("none.tpl", d, &out),
	    "a template that does not "
	    "exist does not expand");
	buf_free(&out);
	render_dict_free(d);

	ok(!render_init(tmpdir, missing),
	    "a listed template that is not "
	    "there stops start-up");
	ok(stderr_has("none.tpl does not load", &n), "and the log names it");
	ok(!render_init(tmpdir, broken),
	    "so does a listed template that "
	    "does not parse");
	ok(stderr_has("broken.tpl does not load", &n),
	    "and the log names "
	    "it");

	tap_remove_dir(tmpdir);
	unlink(errpath);
	return done_testing();
}
