/*
 * ref_floor.cc: the memory reference of `make bench`.
 *
 * What an idle FastCGI process of Postern's stack costs before any of
 * Postern's own code: a bare libfcgi program that maps the shared
 * libraries account.fcgi maps (libsodium, SQLite, ctemplate, libidn2,
 * libpsl, liboath, libzxcvbn, libfcgi, and through them libstdc++, libm, libgcc_s and
 * libunistring) and does once what using each of them takes --
 * sodium_init, opening a WAL database and preparing a statement,
 * loading a template -- then, per request, runs the statement and
 * expands the template with AUTOESCAPE.  bench/bench.py checks that it
 * maps the same libraries as account.fcgi, loads both with wrk alike,
 * and reports their resident memory side by side.
 *
 * libidn2, libpsl, liboath and libzxcvbn are only mapped (the Makefile
 * links them with --no-as-needed), as in an idle account.fcgi, whose
 * start-up checks the configuration's ASCII addresses without calling
 * them, which checks a TOTP code only when an R8 form carries one, and
 * which weighs a new password only on /account/password.
 * $BENCH_REF_DB is the database (bench.py's, with its items table) and
 * $BENCH_FLOOR_TPL the template.  Written in C++ because ctemplate is.
 */
#include <stdio.h>
#include <stdlib.h>

#include <string>

#include <ctemplate/template.h>
#include <fcgiapp.h>
#include <sodium.h>
#include <sqlite3.h>

static sqlite3	    *floor_db;
static sqlite3_stmt *floor_item;

static bool
floor_open(const char *path)
{
	if (sqlite3_open_v2(path, &floor_db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
		NULL) != SQLITE_OK)
		return false;
	sqlite3_busy_timeout(floor_db, 5000);
	return sqlite3_exec(floor_db, "PRAGMA journal_mode = WAL", NULL, NULL,
		   NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(floor_db,
		"SELECT name, created_at FROM items "
		"WHERE id = ?1",
		-1, &floor_item, NULL) == SQLITE_OK;
}

/*
 * One page: an item looked up by its key (an indexed read, like
 * Postern's; the table is what the POST /domains reference wrote, maybe
 * nothing) through the template, or a 503.
 */
static void
floor_answer(FCGX_Request *fr, const std::string &tpl, unsigned long n)
{
	ctemplate::TemplateDictionary dict("floor");
	std::string		      page;
	int			      rc;
	bool			      ok;

	sqlite3_bind_int64(floor_item, 1, (sqlite3_int64)(n % 1000 + 1));
	rc = sqlite3_step(floor_item);
	ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	if (ok) {
		dict.SetValue("REQUEST", std::to_string(n));
		if (rc == SQLITE_ROW)
			dict.SetValue("ITEM",
			    (const char *)sqlite3_column_text(floor_item, 0));
		ok = ctemplate::ExpandTemplate(tpl, ctemplate::DO_NOT_STRIP,
		    &dict, &page);
	}
	sqlite3_reset(floor_item);
	if (!ok) {
		fprintf(stderr, "reffloor: %s\n", sqlite3_errmsg(floor_db));
		FCGX_FPrintF(fr->out,
		    "Status: 503 Service Unavailable\r\n"
		    "Content-Type: text/plain\r\n\r\nstorage error\n");
		return;
	}
	FCGX_FPrintF(fr->out,
	    "Status: 200 OK\r\nContent-Type: text/html; "
	    "charset=utf-8\r\nContent-Length: %lu\r\n\r\n",
	    (unsigned long)page.size());
	FCGX_PutStr(page.data(), (int)page.size(), fr->out);
}

int
main()
{
	FCGX_Request  fr;
	const char   *db, *tpl;
	unsigned long n = 0;

	if ((db = getenv("BENCH_REF_DB")) == NULL ||
	    (tpl = getenv("BENCH_FLOOR_TPL")) == NULL) {
		fprintf(stderr,
		    "reffloor: BENCH_REF_DB and BENCH_FLOOR_TPL "
		    "must be set\n");
		return 1;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "reffloor: libsodium does not start\n");
		return 1;
	}
	if (!floor_open(db)) {
		fprintf(stderr, "reffloor: %s: %s\n", db,
		    floor_db != NULL ? sqlite3_errmsg(floor_db) :
				       "cannot open");
		return 1;
	}
	if (!ctemplate::LoadTemplate(tpl, ctemplate::DO_NOT_STRIP)) {
		fprintf(stderr, "reffloor: %s does not load\n", tpl);
		return 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "reffloor: libfcgi initialisation failed\n");
		return 1;
	}
	/* The template's name as ctemplate takes it, made once. */
	const std::string name(tpl);

	while (FCGX_Accept_r(&fr) >= 0)
		floor_answer(&fr, name, n++);
	FCGX_Finish_r(&fr);
	return 0;
}
