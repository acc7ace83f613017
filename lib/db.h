#ifndef POSTERN_DB_H
#define POSTERN_DB_H

#include <stddef.h>
#include <stdint.h>

/*
 * db.c: SQLite, migrations and transactions; the one file that uses
 * SQLite's API.  lib/'s data modules query through internal.h.
 */

struct db;
struct sqlite3;

/* Open (and with create, make) the database; sets WAL, busy_timeout,
 * foreign keys.  Does not migrate.  Logs a warning when others may read
 * the file. */
struct db *db_open(const char *path, int create);
void	   db_close(struct db *);
/* Take every bit for others off the database's files (-wal, -shm too);
 * new files never get one (db.c says what they get). */
int db_protect_files(struct db *);
/* Is the connection writable?  SQLite opens a read-only file read-only. */
int db_writable(struct db *);
/* Open the connection again, if the file is writable now. */
int db_reopen(struct db *);
/* The schema version the file has, and the one this build knows. */
int db_version(struct db *, int *version);
int db_latest_version(void);
/* Is the schema the one this build knows?  When not, logs what to do:
 * `postern migrate` for an older one, or that a newer one means this
 * program is older than the database (a downgrade). */
int db_current(struct db *);
/* Bring the schema to the latest version, each step in a transaction. */
int db_migrate(struct db *);
/* The same, up to the given version only (tests of a migration). */
int db_migrate_to(struct db *, int version);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int db_begin(struct db *);
/* BEGIN (deferred): several reads from one snapshot; end with commit. */
int  db_begin_read(struct db *);
int  db_commit(struct db *);
void db_rollback(struct db *);
/* Is a transaction open on the connection? */
int db_in_tx(struct db *);
/*
 * For a helper whose writes must commit with its caller's (the flow
 * owns the transaction, flow.h): 1 when one is open.  Calling it
 * outside one is a programmer's mistake: an assertion, or with NDEBUG
 * a log line naming who and 0, which the caller turns into a storage
 * failure.
 */
int db_need_tx(struct db *, const char *who);
/* Copy the WAL into the database without waiting (postern mailer). */
int db_checkpoint(struct db *);
/* Run PRAGMA integrity_check; 1 when "ok". */
int db_integrity_ok(struct db *);
/*
 * Copy the database, as of one moment, to a new file at path (mode 0600;
 * an existing file is never replaced), and check the copy's integrity.
 * Writers go on meanwhile.  *pages is the copy's size in pages.
 */
int db_backup(struct db *, const char *path, int *pages);

/* The engine's own connection, for tests that look under the API. */
struct sqlite3 *db_handle(struct db *);

#endif /* !POSTERN_DB_H */
