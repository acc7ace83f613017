/*
 * test_query.c: db.c's query API, the one door the data modules go
 * through to storage (internal.h), on an in-memory database:
 *
 *  - a statement is prepared once and found again by its SQL's address;
 *  - integers, text, blobs and NULL bind and read back as they went in,
 *    rows come in order and then the end, and a statement reset with
 *    db_done() runs again from the start;
 *  - a text column is copied cut to its buffer;
 *  - the single use (db_claim): of two tries only the first wins, and a
 *    storage error is an error, never a win;
 *  - the id of an inserted row, and the rows a statement changed;
 *  - db_query() binds a row query as db_run() binds a write, and a
 *    type it does not know is a storage error.
 */
#include <stdint.h>
#include <string.h>

#include "tap.h"

#include "db.h"
#include "internal.h"

static const char create_sql[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY,"
    " n INTEGER, s TEXT NOT NULL, b BLOB, used_at INTEGER) STRICT";
static const char insert_sql[] = "INSERT INTO t (n, s, b) VALUES (?1, ?2, ?3)";
static const char select_sql[] =
    "SELECT id, n, s, b FROM t WHERE id >= ?1 ORDER BY id";
static const char use_sql[] =
    "UPDATE t SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL";
static const char bad_sql[] = "UPDATE t SET s = NULL WHERE id = ?1";

static void
test_rows(struct db *db)
{
	struct db_stmt *st;
	const void     *p;
	const char     *s;
	size_t		n;
	char		small[4];

	ok(db_run(db, insert_sql, "itb", (int64_t)-7, "first", "\0\1\2",
	       (size_t)3) &&
		db_last_id(db) == 1,
	    "a row with a blob: id 1");
	ok(db_run(db, insert_sql, "itb", INT64_MAX, "second", NULL,
	       (size_t)0) &&
		db_last_id(db) == 2 && db_changes(db) == 1,
	    "a row with a NULL blob: id 2, one row changed");

	st = db_prepare(db, select_sql);
	ok(st != NULL && st == db_prepare(db, select_sql),
	    "a statement is prepared once and found again");
	if (st == NULL)
		return;
	ok(db_bind_int(st, 1, 1), "an integer binds");
	ok(db_step(st) == DB_ROW, "the first row");
	is_int(db_column_int(st, 1), -7, "a negative integer reads back");
	s = db_column_text(st, 2, &n);
	ok(s != NULL && n == 5 && strcmp(s, "first") == 0,
	    "text reads back with its length");
	p = db_column_blob(st, 3, &n);
	ok(p != NULL && n == 3 && memcmp(p, "\0\1\2", 3) == 0,
	    "a blob reads back whole, zero bytes and all");
	ok(!db_column_null(st, 3), "a blob is not NULL");
	ok(db_step(st) == DB_ROW, "the second row");
	ok(db_column_int(st, 1) == INT64_MAX, "a 64-bit integer reads back");
	db_column_copy(st, 2, small, sizeof(small));
	is_str(small, "sec", "a text copy is cut to its buffer");
	ok(db_column_null(st, 3) && db_column_blob(st, 3, &n) == NULL &&
		n == 0,
	    "a NULL blob is NULL, of no bytes");
	ok(db_step(st) == DB_DONE, "then the end");
	db_done(st);

	ok(db_bind_int(st, 1, 2) && db_step(st) == DB_ROW &&
		db_column_int(st, 0) == 2 && db_step(st) == DB_DONE,
	    "reset, it runs again with new bindings");
	db_done(st);
	ok(db_step(st) == DB_DONE,
	    "bindings were cleared: NULL matches "
	    "no id");
	db_done(st);
	db_done(NULL);
}

static void
test_claim(struct db *db)
{
	int won = -1;

	ok(db_claim(db, &won, use_sql, "ii", (int64_t)1, (int64_t)100) &&
		won == 1,
	    "the first use wins");
	ok(db_claim(db, &won, use_sql, "ii", (int64_t)1, (int64_t)101) &&
		won == 0,
	    "a second use of the same row does not");
	ok(db_claim(db, &won, use_sql, "ii", (int64_t)99, (int64_t)101) &&
		won == 0,
	    "nor a use of no row");
	won = -1;
	ok(!db_claim(db, &won, bad_sql, "i", (int64_t)1) && won == 0,
	    "a storage error is an error and never a win");
	ok(db_run(db, use_sql, "ii", (int64_t)2, (int64_t)1) &&
		db_changes(db) == 1,
	    "db_run: changes() tells the rows changed");
}

static void
test_query(struct db *db)
{
	struct db_stmt *st;
	size_t		n;

	st = db_query(db,
	    "SELECT id, s FROM t WHERE n = ?1 AND s = ?2 AND "
	    "b = ?3",
	    "itb", (int64_t)-7, "first", "\0\1\2", (size_t)3);
	ok(st != NULL && db_step(st) == DB_ROW && db_column_int(st, 0) == 1 &&
		strcmp(db_column_text(st, 1, &n), "first") == 0 &&
		db_step(st) == DB_DONE,
	    "db_query: an integer, text and a blob "
	    "bind and find their row");
	db_done(st);
	ok(db_query(db, select_sql, "x", (int64_t)1) == NULL,
	    "db_query: a type it does not know is an error");
	st = db_query(db, select_sql, "");
	ok(st != NULL && db_step(st) == DB_DONE,
	    "db_query: nothing bound is NULL, which matches no id");
	db_done(st);
}

static void
test_tx(struct db *db)
{
	ok(!db_in_tx(db), "no transaction open");
	ok(db_begin(db) && db_in_tx(db) && db_need_tx(db, "test"),
	    "a helper finds its caller's transaction");
	ok(db_run(db, insert_sql, "itb", (int64_t)3, "third", NULL, (size_t)0),
	    "a write inside it");
	db_rollback(db);
	ok(!db_in_tx(db), "rolled back, none open");
}

int
main(void)
{
	struct db *db;

	if ((db = db_open(":memory:", 0)) == NULL) {
		ok(0, "an in-memory database opens");
		return done_testing();
	}
	ok(db_run(db, create_sql, ""), "a table");
	test_rows(db);
	test_claim(db);
	test_query(db);
	test_tx(db);
	db_close(db);
	return done_testing();
}
