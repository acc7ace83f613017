#ifndef POSTERN_INTERNAL_H
#define POSTERN_INTERNAL_H

/*
 * internal.h: what lib/ shares inside itself and the programs do not
 * see: the query API of db.c, the one door to storage.  SQL lives only
 * in lib/'s data modules (account.c, contacts.c, ...), and only as
 * statements that db.c prepares once and keeps for the life of the
 * process; no file but db.c uses the engine's (SQLite's) API.
 *
 * The API is the engine's whole surface towards the data modules, so
 * that another engine (PostgreSQL, for hosters with several web nodes)
 * can implement it in its own db file without touching them or the
 * flows.  Parameters are numbered ?1, ?2, ... in the SQL and from 1
 * here; columns from 0.  db_prepare(), db_query() and the functions
 * that run a whole statement (db_exec_stmt(), db_run(), db_claim())
 * log their failures; after the others the caller logs with its own
 * context (db_log_error()).  Every failure ends in the flow's storage
 * outcome (a 503 page).
 *
 * SQL the data modules keep that is SQLite's own, for the day another
 * engine implements this API (the schema, with STRICT, WITHOUT ROWID
 * and PRAGMA, is db.c's and would be that engine's own):
 *  - "?N" parameters (PostgreSQL: "$N", a rewrite its db_prepare()
 *    can do);
 *  - "x IS ?N" to compare with a value that may be NULL (onetime.c,
 *    reset.c; IS NOT DISTINCT FROM), and "?N IS NULL" on an untyped
 *    parameter (contacts.c, reset.c; PostgreSQL wants a cast);
 *  - case-insensitive names and addresses: COLLATE NOCASE on columns
 *    and in comparisons (account.c, contacts.c, reset.c), and LIKE,
 *    which ignores ASCII case in SQLite (domains.c; citext and ILIKE).
 * ON CONFLICT ... DO UPDATE, RETURNING, window functions and LIMIT
 * are both engines'.
 */

#include <stddef.h>
#include <stdint.h>

struct db;
/* A prepared statement, owned by the connection (opaque). */
struct db_stmt;

/* What db_step() found. */
enum db_step {
	DB_ERROR = 0, /* the engine failed: log with db_log_error() */
	DB_ROW,	      /* a row, whose columns db_column_*() read */
	DB_DONE	      /* no (more) rows: the statement ran to its end */
};

/*
 * The prepared statement for sql, made once per process and found again
 * by the address of the string, so sql must be a string literal (or a
 * static array).  The caller binds, steps, and must call db_done() on
 * every path: a statement left un-reset pins an old snapshot and the
 * next write fails with SQLITE_BUSY_SNAPSHOT.  NULL (logged) when it
 * cannot be prepared.
 */
struct db_stmt *db_prepare(struct db *, const char *sql);
/* Reset st and clear its bindings; NULL does nothing. */
void db_done(struct db_stmt *st);

/* Bind parameter i (from 1); 1 on success.  Text and blobs are copied;
 * a NULL text or blob binds SQL NULL. */
int db_bind_int(struct db_stmt *, int i, int64_t);
int db_bind_text(struct db_stmt *, int i, const char *);
int db_bind_blob(struct db_stmt *, int i, const void *, size_t);
int db_bind_null(struct db_stmt *, int i);

/* The next row, the end, or an error. */
enum db_step db_step(struct db_stmt *);
/* Step a statement that returns no rows; 1 on success, logged if not. */
int db_exec_stmt(struct db *, struct db_stmt *);

/*
 * Columns of the current row, from 0.  Pointers are borrowed: valid
 * until the next db_step() or db_done() on st, and copied before they
 * are kept.
 */
int64_t db_column_int(struct db_stmt *, int col);
int	db_column_null(struct db_stmt *, int col);
/* NULL for SQL NULL; *n (if n is not NULL) gets the length in bytes. */
const char *db_column_text(struct db_stmt *, int col, size_t *n);
const void *db_column_blob(struct db_stmt *, int col, size_t *n);
/* Copy a text column into out (cut to outsz-1 bytes), "" when NULL. */
void db_column_copy(struct db_stmt *, int col, char *out, size_t outsz);

/*
 * Run a statement that returns no rows, binding ?1, ?2, ... from the
 * arguments as types says, one letter each: 'i' an int64_t, 't' a
 * const char * (NULL binds NULL), 'b' a const void * and a size_t
 * (NULL binds NULL).  Integer arguments must really be int64_t (cast
 * literals).  Returns 1 on success; db_changes() then tells how many
 * rows changed.
 */
int db_run(struct db *, const char *sql, const char *types, ...);
/*
 * The single use: db_run() of an UPDATE or DELETE whose WHERE lets it
 * change a row only once (e.g. "... WHERE id = ?1 AND used_at IS
 * NULL"), and *won = 1 when this call changed exactly one row.  Of two
 * racing requests only one wins.  0 on a storage error (*won = 0).
 */
int db_claim(struct db *, int *won, const char *sql, const char *types, ...);
/*
 * A statement that returns rows, prepared and bound as db_run() binds;
 * NULL on a storage error.  The caller steps through it and db_done()s
 * it.
 */
struct db_stmt *db_query(struct db *, const char *sql, const char *types, ...);
/*
 * The first column of the row a query gives, as an integer, in *v, and
 * *found = 1 (found may be NULL); *v = 0 and *found = 0 when it gives
 * none.  Bound as db_run() binds; the statement runs to its end (the
 * row of an UPDATE ... RETURNING changes only then).  0 on a storage
 * error, logged with context.
 */
int db_query_int(struct db *, int64_t *v, int *found, const char *context,
    const char *sql, const char *types, ...);
/* Rows changed by the last statement. */
int db_changes(struct db *);
/* The id (INTEGER PRIMARY KEY) of the row the last INSERT made
 * (PostgreSQL: lastval()). */
int64_t db_last_id(struct db *);
/* Log the connection's last error with a context. */
void db_log_error(struct db *, const char *context);

#endif /* !POSTERN_INTERNAL_H */
