#ifndef POSTERN_INTERNAL_H
#define POSTERN_INTERNAL_H

/*
 * internal.h: what lib/ shares inside itself and the programs do not
 * see.  SQL lives only in lib/, and only as prepared statements that
 * db.c keeps for the life of the process.
 */

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct db;

/*
 * The prepared statement for sql, made once per process and found again
 * by the address of the string, so sql must be a string literal.  The
 * caller binds, steps, and must call db_done() on every path: a
 * statement left un-reset pins an old snapshot and the next write
 * fails with SQLITE_BUSY_SNAPSHOT.
 */
sqlite3_stmt	*db_prepare(struct db *, const char *sql);
void		 db_done(sqlite3_stmt *);
/*
 * Run a statement that returns no rows, binding ?1, ?2, ... from the
 * arguments as types says, one letter each: 'i' an int64_t, 't' a
 * const char * (NULL binds NULL), 'b' a const void * and a size_t.
 * Integer arguments must really be int64_t (cast literals).  Returns 1
 * on success; db_changes() then tells how many rows changed.
 */
int		 db_run(struct db *, const char *sql, const char *types, ...);
/* Step a statement that returns no rows; 1 on SQLITE_DONE. */
int		 db_exec_stmt(struct db *, sqlite3_stmt *);
/* Log the connection's last error with a context. */
void		 db_log_error(struct db *, const char *context);
sqlite3		*db_handle(struct db *);
/* Rows changed by the last statement. */
int		 db_changes(struct db *);

/* Bind helpers that log nothing; 1 on success. */
int		 db_bind_text(sqlite3_stmt *, int, const char *);
int		 db_bind_int(sqlite3_stmt *, int, int64_t);
int		 db_bind_blob(sqlite3_stmt *, int, const void *, size_t);
/* Copy a text column into out (cut to outsz-1 bytes), "" when NULL. */
void		 db_column_copy(sqlite3_stmt *, int, char *out, size_t outsz);

#endif /* !POSTERN_INTERNAL_H */
