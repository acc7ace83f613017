/*
 * ref_insert.c: the reference of the POST /domains case of `make bench`.
 *
 * A bare libfcgi program that reads the form body and, per request,
 * runs one INSERT in a BEGIN IMMEDIATE transaction on a WAL database
 * (synchronous = NORMAL and a 5 s busy_timeout, like lib/db.c), then
 * answers 303 like Postern's Post/Redirect/Get.  Every statement is
 * prepared once.  The database is $BENCH_REF_DB.
 *
 * A storage error answers 503 and is logged to stderr (lighttpd's
 * breakage log), where bench/bench.py looks for SQLITE_BUSY.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>
#include <sqlite3.h>

#define REF_MAX_BODY 8192

static sqlite3	    *ref_db;
static sqlite3_stmt *ref_begin, *ref_insert, *ref_commit, *ref_rollback;

static int
ref_open(const char *path)
{
	if (sqlite3_open_v2(path, &ref_db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX,
		NULL) != SQLITE_OK)
		return 0;
	sqlite3_extended_result_codes(ref_db, 1);
	sqlite3_busy_timeout(ref_db, 5000);
	if (sqlite3_exec(ref_db,
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;"
		"CREATE TABLE IF NOT EXISTS items ("
		"  id INTEGER PRIMARY KEY,"
		"  account_id INTEGER NOT NULL,"
		"  name TEXT NOT NULL,"
		"  created_at INTEGER NOT NULL"
		") STRICT;",
		NULL, NULL, NULL) != SQLITE_OK)
		return 0;
	return sqlite3_prepare_v3(ref_db, "BEGIN IMMEDIATE", -1,
		   SQLITE_PREPARE_PERSISTENT, &ref_begin, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v3(ref_db,
		"INSERT INTO items (account_id, name,"
		" created_at) VALUES (?1, ?2, ?3)",
		-1, SQLITE_PREPARE_PERSISTENT, &ref_insert,
		NULL) == SQLITE_OK &&
	    sqlite3_prepare_v3(ref_db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT,
		&ref_commit, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v3(ref_db, "ROLLBACK", -1,
		SQLITE_PREPARE_PERSISTENT, &ref_rollback, NULL) == SQLITE_OK;
}

/* Run a statement without rows; 1 when it is done. */
static int
ref_step(sqlite3_stmt *st)
{
	int rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE;
}

/* The one write: 1 when committed. */
static int
ref_write(const char *name, size_t len)
{
	if (!ref_step(ref_begin))
		return 0;
	if (sqlite3_bind_int64(ref_insert, 1, 1) != SQLITE_OK ||
	    sqlite3_bind_text(ref_insert, 2, name, (int)len,
		SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(ref_insert, 3, (sqlite3_int64)time(NULL)) !=
		SQLITE_OK ||
	    !ref_step(ref_insert) || !ref_step(ref_commit)) {
		sqlite3_clear_bindings(ref_insert);
		ref_step(ref_rollback);
		return 0;
	}
	sqlite3_clear_bindings(ref_insert);
	return 1;
}

int
main(void)
{
	static char  body[REF_MAX_BODY + 1];
	FCGX_Request fr;
	const char  *path, *clen, *name;
	size_t	     len, namelen;
	int	     got;

	if ((path = getenv("BENCH_REF_DB")) == NULL || !ref_open(path)) {
		fprintf(stderr, "refinsert: cannot open $BENCH_REF_DB: %s\n",
		    ref_db != NULL ? sqlite3_errmsg(ref_db) : "unset");
		return 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "refinsert: libfcgi initialisation failed\n");
		return 1;
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		clen = FCGX_GetParam("CONTENT_LENGTH", fr.envp);
		len = clen != NULL ? strtoul(clen, NULL, 10) : 0;
		if (len > REF_MAX_BODY)
			len = REF_MAX_BODY;
		got = FCGX_GetStr(body, (int)len, fr.in);
		body[got > 0 ? got : 0] = '\0';
		/* The first field's value, raw: all a name needs here. */
		name = strchr(body, '=');
		name = name != NULL ? name + 1 : body;
		namelen = strcspn(name, "&");
		if (ref_write(name, namelen))
			FCGX_FPrintF(fr.out,
			    "Status: 303 See Other\r\n"
			    "Location: /refinsert\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n"
			    "Content-Length: 0\r\n\r\n");
		else {
			fprintf(stderr, "refinsert: database: %s\n",
			    sqlite3_errmsg(ref_db));
			FCGX_FPrintF(fr.out,
			    "Status: 503 Service Unavailable"
			    "\r\nContent-Type: text/plain; charset=utf-8\r\n"
			    "Content-Length: 0\r\n\r\n");
		}
	}
	FCGX_Finish_r(&fr);
	sqlite3_close_v2(ref_db);
	return 0;
}
