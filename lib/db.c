/*
 * db.c: the one SQLite connection of a process, its schema and its
 * prepared statements.
 *
 * Each program opens the database after the spawner has forked and
 * keeps it for its life.  Statements are prepared the first time they
 * are used and kept in a small table keyed by the address of their SQL
 * text, so a request costs no parsing.  Writes run in BEGIN IMMEDIATE
 * transactions: a deferred one that reads and then writes would fail at
 * once with SQLITE_BUSY_SNAPSHOT whatever busy_timeout says.
 */
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "internal.h"
#include "log.h"

#define DB_BUSY_MS 5000
/* WAL frames (pages) written between two checkpoint attempts. */
#define DB_WAL_STEP 1000
/* Past this many, a checkpoint waits for readers to restart the WAL. */
#define DB_WAL_RESTART (4 * DB_WAL_STEP)
#define DB_WAL_WAIT_MS 100
#define DB_MAX_STMTS   256

/* A cached statement; the API's handle points at one (internal.h). */
struct db_stmt {
	struct db    *db;
	const char   *sql;
	sqlite3_stmt *stmt;
};

struct db {
	char	       *path;
	sqlite3	       *h;
	struct db_stmt	stmts[DB_MAX_STMTS];
	size_t		nstmts;
	int		wal_next; /* frames at which to checkpoint */
	int		busy_ms;  /* how long db_busy() waits */
	struct timespec busy_since;
};

/*
 * Forward migrations, in order; migration i brings the schema from
 * version i to i+1.  Never edit one that has shipped: add another.
 */
static const char *const migrations[] = {
	/* 1: accounts, sessions, links, events, rate limits, outbox. */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  email_verified_at INTEGER NOT NULL DEFAULT 0,"
	"  pw_hash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  locked_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  stage INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  twofa_at INTEGER NOT NULL DEFAULT 0,"
	"  ip TEXT NOT NULL,"
	"  user_agent TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX sessions_account ON sessions(account_id);"
	"CREATE TABLE links ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  data TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER"
	") STRICT;"
	"CREATE INDEX links_account ON links(account_id, kind);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ip TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE INDEX events_account ON events(account_id, at);"
	"CREATE TABLE rate_limits ("
	"  key TEXT PRIMARY KEY,"
	"  window_start INTEGER NOT NULL,"
	"  count INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('mail', 'sms')),"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (status IN ('queued', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  done_at INTEGER,"
	"  last_error TEXT"
	") STRICT;"
	"CREATE INDEX outbox_due ON outbox(status, next_at);"
	"CREATE INDEX outbox_recipient ON outbox(recipient, created_at);",

	/*
	 * 2: managed domains (R1).  A domain is pending until its owner
	 * proves control; once verified it belongs to one account only.
	 */
	"CREATE TABLE domains ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  registrable TEXT NOT NULL,"
	"  challenge TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (account_id, name)"
	") STRICT;"
	"CREATE UNIQUE INDEX domains_verified_name ON domains(name)"
	"  WHERE verified_at != 0;"
	"CREATE INDEX domains_registrable ON domains(registrable, verified_at);"
	/* The per-address mail limit compares addresses ignoring case. */
	"CREATE INDEX outbox_recipient_nocase ON outbox("
	"  recipient COLLATE NOCASE, created_at);",

	/*
	 * 3: recovery contacts (R2), one-time codes typed by people, the
	 * recovery code and kit (only hashes), and TOTP (the secret sealed
	 * under a key that lives outside the database).
	 */
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),"
	"  value TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (account_id, kind, value)"
	") STRICT;"
	"CREATE INDEX contacts_value ON contacts(value COLLATE NOCASE);"
	"CREATE TABLE codes ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  purpose TEXT NOT NULL,"
	"  contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,"
	"  code_hash BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  used_at INTEGER"
	") STRICT;"
	"CREATE INDEX codes_account ON codes(account_id, purpose);"
	"ALTER TABLE accounts ADD COLUMN recovery_code_hash BLOB;"
	"ALTER TABLE accounts ADD COLUMN recovery_code_at INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN kit_hash BLOB;"
	"ALTER TABLE accounts ADD COLUMN kit_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN totp_secret BLOB;"
	"ALTER TABLE accounts ADD COLUMN totp_enabled_at INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER NOT NULL"
	"  DEFAULT 0;",

	/*
	 * 4: password resets (R3, R4).  A row is a request (codes sent);
	 * once proven it holds the new hash, pending until its deadline,
	 * then applied, or rejected, voided or replaced.
	 */
	"CREATE TABLE resets ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  state TEXT NOT NULL CHECK (state IN ('requested', 'pending',"
	"    'applied', 'rejected', 'void', 'replaced')),"
	"  created_at INTEGER NOT NULL,"
	"  codes_expire_at INTEGER NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  new_hash TEXT,"
	"  proofs TEXT NOT NULL DEFAULT '',"
	"  proven_at INTEGER NOT NULL DEFAULT 0,"
	"  deadline INTEGER NOT NULL DEFAULT 0,"
	"  closed_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX resets_account ON resets(account_id, state);"
	"CREATE INDEX resets_due ON resets(state, deadline);",

	/*
	 * 5: reset asks.  POST /reset only records what was typed, the
	 * same way for every name, so its timing tells nothing; the mailer
	 * turns asks into codes.
	 */
	"CREATE TABLE reset_asks ("
	"  id INTEGER PRIMARY KEY,"
	"  typed TEXT NOT NULL,"
	"  ip TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	") STRICT;",

	/*
	 * 6: one B-tree page per row written where there were two.  A
	 * domain is found by (account, name) and an event by (account,
	 * sequence), so both tables are clustered on that key WITHOUT
	 * ROWID, and the registrable index only holds verified domains
	 * (what other accounts are checked against).  Adding a domain
	 * wrote 5 pages: now 2.  Events of no account use account 0; a
	 * trigger does what ON DELETE CASCADE did.
	 */
	"CREATE TABLE domains_v6 ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  registrable TEXT NOT NULL,"
	"  challenge TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  verified_at INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (account_id, name)"
	") STRICT, WITHOUT ROWID;"
	"INSERT INTO domains_v6 SELECT account_id, name, registrable,"
	"  challenge, created_at, verified_at FROM domains;"
	"DROP TABLE domains;"
	"ALTER TABLE domains_v6 RENAME TO domains;"
	"CREATE UNIQUE INDEX domains_verified_name ON domains(name)"
	"  WHERE verified_at != 0;"
	"CREATE INDEX domains_verified_registrable ON domains(registrable)"
	"  WHERE verified_at != 0;"
	"CREATE TABLE events_v6 ("
	"  account_id INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ip TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (account_id, seq)"
	") STRICT, WITHOUT ROWID;"
	"INSERT INTO events_v6 SELECT coalesce(account_id, 0),"
	"  row_number() OVER (PARTITION BY account_id ORDER BY id),"
	"  at, kind, ip, detail FROM events;"
	"DROP TABLE events;"
	"ALTER TABLE events_v6 RENAME TO events;"
	"CREATE TRIGGER accounts_delete_events AFTER DELETE ON accounts"
	"  BEGIN DELETE FROM events WHERE account_id = old.id; END;",

	/*
	 * 7: queued bodies sealed under a key that lives outside the
	 * database (outbox.c), so a copy of the file holds no live code or
	 * link.  A sealed row keeps '' in body.  Rows queued before this
	 * version keep their body in clear (sealed NULL): the mailer sends
	 * them as they are and blanks them, as it always did.
	 */
	"ALTER TABLE outbox ADD COLUMN sealed BLOB;",

	/*
	 * 8: rate limits over sliding windows, under keys no typed value
	 * can imitate (rate.c).  A row counts the hits of a key in one
	 * second.  The old counters go: their keys are no longer asked
	 * for, and their windows were at most a day.  Mail per address is
	 * counted there too, only what strangers can cause, so the
	 * outbox's recipient indexes have no reader left.
	 */
	"DROP TABLE rate_limits;"
	"CREATE TABLE rate_limits ("
	"  key TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (key, at)"
	") STRICT, WITHOUT ROWID;"
	"DROP INDEX IF EXISTS outbox_recipient;"
	"DROP INDEX IF EXISTS outbox_recipient_nocase;",

	/*
	 * 9: the one-time view of a new recovery code.  The POST that
	 * makes it keeps a copy, sealed under a key outside the database,
	 * for a short view by the session that made it; the row goes with
	 * that session (logout), when the owner says the code is saved,
	 * and when it expires.
	 */
	"CREATE TABLE recovery_views ("
	"  session_id INTEGER PRIMARY KEY REFERENCES sessions(id)"
	"    ON DELETE CASCADE,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  sealed BLOB NOT NULL,"
	"  replaced INTEGER NOT NULL,"
	"  made_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX recovery_views_account ON recovery_views(account_id);"
	"CREATE INDEX recovery_views_expiry ON recovery_views(expires_at);",

	/*
	 * 10: the security model of R8 and R9.
	 *  - devices: the browsers (their cookie's BLAKE2b) that have
	 *    logged in to an account, whose wrong passwords and codes are
	 *    counted apart from strangers' (OWASP's device cookies);
	 *  - a contact is confirmed from the session that added it;
	 *  - a reset request, and the ask before it, belong to the
	 *    browser that asked, and its codes to the request (ref);
	 *  - the primary address counts for R9 from email_since (signup,
	 *    or the change that made it primary; a revert restores it, so
	 *    a revert link carries it in num);
	 *  - a pending TOTP secret is shown once, to the session whose
	 *    password asked for it, and only that session may turn it on,
	 *    for a while (totp_session, totp_setup_at).
	 */
	"CREATE TABLE devices ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  browser BLOB NOT NULL,"
	"  first_at INTEGER NOT NULL,"
	"  last_at INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, browser)"
	") STRICT, WITHOUT ROWID;"
	"ALTER TABLE contacts ADD COLUMN session_id INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE resets ADD COLUMN browser BLOB;"
	"ALTER TABLE reset_asks ADD COLUMN browser BLOB;"
	"ALTER TABLE codes ADD COLUMN ref INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE links ADD COLUMN num INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN email_since INTEGER NOT NULL"
	"  DEFAULT 0;"
	/* Older rows cannot tell a signup address from a changed one:
	 * the later time, the last verification, is the safe one. */
	"UPDATE accounts SET email_since = email_verified_at;"
	"ALTER TABLE accounts ADD COLUMN totp_session INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN totp_setup_at INTEGER NOT NULL"
	"  DEFAULT 0;",

	/*
	 * 11: `postern disable`: a disabled account cannot log in, and
	 * nothing its owner does (a reset, an address change) undoes
	 * that; only `postern enable` does.
	 */
	"ALTER TABLE accounts ADD COLUMN disabled_at INTEGER NOT NULL"
	"  DEFAULT 0;",

	/*
	 * 12: the owner's own account changes (/account/password, delete).
	 *  - password_at: when the owner last changed the password from a
	 *    session (0: never; a signup's or a reset's password counts as
	 *    old).  R9 for the password: a phished one, changed, must not
	 *    stop the owner's reset (policy_session_reset());
	 *  - delete_at: the deadline of a pending deletion (0: none).
	 */
	"ALTER TABLE accounts ADD COLUMN password_at INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN delete_at INTEGER NOT NULL"
	"  DEFAULT 0;",

	/*
	 * 13: names of deleted accounts, never given out again
	 * (account_delete_all); only their BLAKE2b hash is kept.
	 */
	"CREATE TABLE retired_names ("
	"  name_hash BLOB PRIMARY KEY"
	") STRICT, WITHOUT ROWID;",

	/*
	 * 14: a primary address that is also one of the account's recovery
	 * addresses (an address change to one) is one mailbox as two
	 * channels, whose reader could prove a reset with one and confirm
	 * it with the other (flow_email.c, email_absorb_contact).  The
	 * contact goes; the primary keeps its age if the contact's was
	 * older.
	 */
	"UPDATE accounts SET email_since = (SELECT min(c.verified_at)"
	"  FROM contacts c WHERE c.account_id = accounts.id"
	"  AND c.kind = 'email' AND c.verified_at != 0"
	"  AND c.value = accounts.email COLLATE NOCASE)"
	" WHERE email_since > (SELECT min(c.verified_at)"
	"  FROM contacts c WHERE c.account_id = accounts.id"
	"  AND c.kind = 'email' AND c.verified_at != 0"
	"  AND c.value = accounts.email COLLATE NOCASE);"
	"DELETE FROM contacts WHERE kind = 'email' AND value ="
	"  (SELECT a.email FROM accounts a WHERE a.id = contacts.account_id)"
	"  COLLATE NOCASE;",

	/*
	 * 15: a session's one-shot notice: the word ("TWOFA_ON",
	 * NOTICE_TWOFA_ON in messages.tpl) that the next page it shows
	 * confirms an action with, then forgets (app.c page_notice()).
	 */
	"ALTER TABLE sessions ADD COLUMN notice TEXT NOT NULL DEFAULT '';",

	/*
	 * 16: an event's cause is stored as a name (enum event_why), which
	 * templates/activity.tpl words, no longer as English.  The old
	 * words of each become its name; any other text stays, and the
	 * page shows it as it is.
	 */
	"UPDATE events SET detail = CASE detail"
	"  WHEN 'this browser' THEN 'this_browser'"
	"  WHEN 'with two-step verification' THEN 'twofa'"
	"  WHEN 'recovery locked by the hoster' THEN 'hoster_lock'"
	"  WHEN 'account disabled by the hoster' THEN 'hoster_disable'"
	"  WHEN 'cancelled by the hoster' THEN 'hoster_cancel'"
	"  WHEN 'password changed by its owner' THEN 'owner_password'"
	"  WHEN 'by a reset proven without the authenticator'"
	"    THEN 'reset_without_totp'"
	"  WHEN 'by its link' THEN 'link'"
	"  WHEN 'by the revert of an address change' THEN 'email_revert'"
	"  ELSE detail END"
	" WHERE kind IN ('login', 'login_locked', 'totp_locked',"
	"  'twofa_disabled', 'reset_rejected', 'reset_applied',"
	"  'delete_cancelled');",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

void
db_log_error(struct db *db, const char *context)
{
	log_err("database: %s: %s", context, sqlite3_errmsg(db->h));
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

int
db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

static int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("database: %s", msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return 0;
	}
	return 1;
}

/*
 * SQLITE_BUSY: wait and try again, busy_ms in all.  SQLite's own
 * handler sleeps 1, 2, 5, 10 ms and more, while a write transaction
 * here holds the lock for a tenth of a millisecond; so it starts at
 * 50 us and doubles to 2 ms.  In make bench that took POST /domains
 * from 0.55 to 0.62 of its reference, and its p99 latency from 37 ms
 * to 16 ms.
 */
static int
db_busy(void *arg, int count)
{
	struct db      *db = arg;
	struct timespec now, nap;
	int64_t		waited_us, nap_us;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		db->busy_since = now;
	waited_us = (int64_t)(now.tv_sec - db->busy_since.tv_sec) * 1000000 +
	    (now.tv_nsec - db->busy_since.tv_nsec) / 1000;
	if (waited_us >= (int64_t)db->busy_ms * 1000)
		return 0;
	nap_us = count < 6 ? (int64_t)50 << count : 2000;
	nap.tv_sec = 0;
	nap.tv_nsec = (long)nap_us * 1000;
	(void)nanosleep(&nap, NULL);
	return 1;
}

/*
 * After each commit: checkpoint once the WAL has grown by DB_WAL_STEP
 * frames since the last try.  SQLite's own auto-checkpoint tries on
 * every commit past its threshold (two fdatasync() calls each time), and
 * a PASSIVE checkpoint never waits, so while another process is always
 * reading it can never finish and the WAL never restarts: under steady
 * load it grew past 140 MB, and every write appended to new blocks.
 * Past DB_WAL_RESTART frames the checkpoint waits (DB_WAL_WAIT_MS at
 * most) for readers to move off the WAL so the next write starts it
 * again from the top.  postern mailer checkpoints on each pass besides,
 * so on a quiet site requests seldom pay at all.
 */
static int
db_wal_grown(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct db *db = arg;
	int	   mode = SQLITE_CHECKPOINT_PASSIVE;

	if (frames < db->wal_next - DB_WAL_STEP)
		db->wal_next = DB_WAL_STEP; /* the WAL restarted */
	if (frames < db->wal_next)
		return SQLITE_OK;
	if (frames >= DB_WAL_RESTART) {
		mode = SQLITE_CHECKPOINT_RESTART;
		db->busy_ms = DB_WAL_WAIT_MS;
	}
	/* What it cannot do now, a later try will. */
	(void)sqlite3_wal_checkpoint_v2(h, name, mode, NULL, NULL);
	db->busy_ms = DB_BUSY_MS;
	db->wal_next = frames + DB_WAL_STEP;
	return SQLITE_OK;
}

/* The waiting and checkpoints above, on db's current connection. */
static void
db_hook(struct db *db)
{
	db->busy_ms = DB_BUSY_MS;
	db->wal_next = DB_WAL_STEP;
	sqlite3_busy_handler(db->h, db_busy, db);
	sqlite3_wal_hook(db->h, db_wal_grown, db);
}

/*
 * Who may read the database: it holds password hashes, addresses and
 * IP addresses, and no file of it ever has a bit for others.  A new
 * database is 0600, or 0660 when its folder is set-group-ID: that is
 * a set-up where two users (the programs' and the mailer's, when a
 * hoster runs them apart) both write through the folder's group,
 * which new files inherit (`install -d -m 2770`).  SQLite gives
 * the -wal, -shm and -journal files the main file's mode (and, run as
 * root, its owner), so the main file decides for all of them.
 */
static mode_t
db_new_mode(const char *path)
{
	char	    dir[PATH_MAX];
	const char *slash;
	struct stat st;

	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &st) == 0 && (st.st_mode & S_ISGID))
		return 0660;
	return 0600;
}

/* Make the empty main file with db_new_mode(); an existing one stays. */
static int
db_create_file(const char *path)
{
	mode_t mode = db_new_mode(path);
	int    fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)) ==
	    -1) {
		if (errno == EEXIST)
			return 1;
		log_err("database: %s: %s", path, strerror(errno));
		return 0;
	}
	/* The umask must not take the bits the shared group needs. */
	if (fchmod(fd, mode) == -1) {
		log_err("database: %s: %s", path, strerror(errno));
		close(fd);
		return 0;
	}
	return close(fd) == 0;
}

/* A database that others can read was made before the rule above. */
static void
db_check_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 0007))
		log_warn("database: %s is open to other users (mode %04o): "
			 "run `postern migrate` to close it",
		    path, (unsigned int)(st.st_mode & 07777));
}

int
db_protect_files(struct db *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
		"-journal" };
	char			 path[PATH_MAX];
	struct stat		 st;
	size_t			 i;
	mode_t			 mode;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", db->path,
			suffixes[i]) >= sizeof(path))
			return 0;
		if (stat(path, &st) == -1) {
			if (errno == ENOENT)
				continue;
			log_err("database: %s: %s", path, strerror(errno));
			return 0;
		}
		if ((st.st_mode & 0007) == 0)
			continue;
		/* Only others lose access: the group is the hoster's. */
		mode = st.st_mode & 0770;
		if (chmod(path, mode) == -1) {
			log_err("database: %s: %s", path, strerror(errno));
			return 0;
		}
		log_info("database: %s was open to other users: mode %04o "
			 "now",
		    path, (unsigned int)mode);
	}
	return 1;
}

/*
 * Before the first connection: no global counters behind a mutex,
 * and no up-front block for 20 cache pages (87 kB, of which a
 * request to a program uses a few pages): pages are allocated
 * one by one as they are read.
 */
static void
db_configure(void)
{
	static int configured;

	if (!configured) {
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
		configured = 1;
	}
}

/* The settings every new connection gets; 0 (logged) on failure. */
static int
db_connection_setup(struct db *db)
{
	/*
	 * SQLite falls back to read-only quietly when the file is not
	 * writable; the connection would stay so for the process's life.
	 * Say so; db_reopen() tries again once the file is writable.
	 */
	if (sqlite3_db_readonly(db->h, "main") == 1)
		log_err(
		    "database: %s is read-only for this process: writes "
		    "fail until its owner and mode (and those of its -wal and "
		    "-shm files and folder) allow writing",
		    db->path);
	db_check_mode(db->path);
	sqlite3_extended_result_codes(db->h, 1);
	db_hook(db);
	/* foreign_keys is per connection and ignored inside a transaction. */
	return db_exec(db,
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;");
}

struct db *
db_open(const char *path, int create)
{
	struct db *db;
	int	   flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create) {
		if (!db_create_file(path))
			return NULL;
		flags |= SQLITE_OPEN_CREATE;
	}
	db_configure();
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		log_err("database: out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		log_err("database: %s: %s", path,
		    db->h != NULL ? sqlite3_errmsg(db->h) : "cannot open");
		goto fail;
	}
	if (!db_connection_setup(db))
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->nstmts; i++)
		sqlite3_finalize(db->stmts[i].stmt);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

int
db_writable(struct db *db)
{
	return sqlite3_db_readonly(db->h, "main") != 1;
}

int
db_reopen(struct db *db)
{
	struct db *fresh;
	size_t	   i;
	int	   writable;

	if ((fresh = db_open(db->path, 0)) == NULL)
		return 0;
	writable = db_writable(fresh);
	db_close(fresh);
	if (!writable)
		return 0;
	/*
	 * SQLite shares one WAL index (the -shm file) among a process's
	 * connections to a file, read-only for as long as any of them is
	 * open if the first found it so: the old connection closes
	 * before the new one opens, or this process would never write
	 * again.  Statements are prepared again on use.
	 */
	for (i = 0; i < db->nstmts; i++)
		sqlite3_finalize(db->stmts[i].stmt);
	db->nstmts = 0;
	sqlite3_close(db->h);
	if ((fresh = db_open(db->path, 0)) == NULL) {
		/*
		 * Gone since the try above, and the process has no
		 * connection left to answer with: it ends, and its service
		 * (postern@.service) starts it afresh.
		 */
		log_err("database: %s could not be opened again: exiting",
		    db->path);
		exit(1);
	}
	db->h = fresh->h;
	fresh->h = NULL;
	db_close(fresh);
	db_hook(db); /* they pointed at fresh */
	log_info("database: %s is writable again", db->path);
	return 1;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	size_t	      i;
	sqlite3_stmt *stmt;

	for (i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql)
			return &db->stmts[i];
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&stmt, NULL) != SQLITE_OK) {
		db_log_error(db, "prepare");
		return NULL;
	}
	if (db->nstmts == DB_MAX_STMTS) {
		/* More statements than expected: a limit to raise. */
		log_warn("database: statement cache full");
		sqlite3_finalize(stmt);
		return NULL;
	}
	db->stmts[db->nstmts].db = db;
	db->stmts[db->nstmts].sql = sql;
	db->stmts[db->nstmts].stmt = stmt;
	return &db->stmts[db->nstmts++];
}

void
db_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
}

enum db_step
db_step(struct db_stmt *st)
{
	switch (sqlite3_step(st->stmt)) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	default:
		return DB_ERROR;
	}
}

int
db_exec_stmt(struct db *db, struct db_stmt *st)
{
	if (db_step(st) == DB_ERROR) {
		db_log_error(db, "step");
		return 0;
	}
	return 1;
}

/* Bind ?1, ?2, ... from ap as types says (internal.h, db_run()). */
static int
db_bind_args(struct db *db, struct db_stmt *st, const char *types, va_list ap)
{
	const void *p;
	size_t	    n;
	int	    i, ok = 1;

	for (i = 0; ok && types[i] != '\0'; i++) {
		switch (types[i]) {
		case 'i':
			ok = db_bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			ok = db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			ok = db_bind_blob(st, i + 1, p, n);
			break;
		default:
			ok = 0;
			break;
		}
	}
	if (!ok)
		db_log_error(db, "bind");
	return ok;
}

/* db_run() and db_claim(): bind the arguments as types says, and run. */
static int
db_vrun(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *st;
	int		ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_args(db, st, types, ap) && db_exec_stmt(db, st);
	db_done(st);
	return ok;
}

int
db_run(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	int	ok;

	va_start(ap, types);
	ok = db_vrun(db, sql, types, ap);
	va_end(ap);
	return ok;
}

int
db_claim(struct db *db, int *won, const char *sql, const char *types, ...)
{
	va_list ap;
	int	ok;

	va_start(ap, types);
	ok = db_vrun(db, sql, types, ap);
	va_end(ap);
	*won = ok && sqlite3_changes(db->h) == 1;
	return ok;
}

struct db_stmt *
db_query(struct db *db, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list		ap;

	if ((st = db_prepare(db, sql)) == NULL)
		return NULL;
	va_start(ap, types);
	if (!db_bind_args(db, st, types, ap)) {
		db_done(st);
		st = NULL;
	}
	va_end(ap);
	return st;
}

int
db_query_int(struct db *db, int64_t *v, int *found, const char *context,
    const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list		ap;
	enum db_step	rc = DB_ERROR;
	int		row = 0, bound;

	*v = 0;
	if ((st = db_prepare(db, sql)) != NULL) {
		va_start(ap, types);
		bound = db_bind_args(db, st, types, ap);
		va_end(ap);
		while (bound && (rc = db_step(st)) == DB_ROW)
			if (row++ == 0)
				*v = db_column_int(st, 0);
		if (bound && rc == DB_ERROR)
			db_log_error(db, context);
		db_done(st);
	}
	if (found != NULL)
		*found = row != 0;
	return rc == DB_DONE;
}

int
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return db_bind_null(st, i);
	return sqlite3_bind_text(st->stmt, i, s, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK;
}

int
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st->stmt, i, v) == SQLITE_OK;
}

int
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL)
		return db_bind_null(st, i);
	return sqlite3_bind_blob(st->stmt, i, p, (int)n, SQLITE_TRANSIENT) ==
	    SQLITE_OK;
}

int
db_bind_null(struct db_stmt *st, int i)
{
	return sqlite3_bind_null(st->stmt, i) == SQLITE_OK;
}

int64_t
db_column_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->stmt, col);
}

int
db_column_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

const char *
db_column_text(struct db_stmt *st, int col, size_t *n)
{
	const char *s;

	/* The pointer first, then its length (SQLite's advice). */
	s = (const char *)sqlite3_column_text(st->stmt, col);
	if (n != NULL)
		*n = s != NULL ? (size_t)sqlite3_column_bytes(st->stmt, col) :
				 0;
	return s;
}

const void *
db_column_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p;

	p = sqlite3_column_blob(st->stmt, col);
	*n = p != NULL ? (size_t)sqlite3_column_bytes(st->stmt, col) : 0;
	return p;
}

void
db_column_copy(struct db_stmt *st, int col, char *out, size_t outsz)
{
	const char *s;
	size_t	    n;

	if (outsz == 0)
		return;
	if ((s = db_column_text(st, col, &n)) == NULL) {
		out[0] = '\0';
		return;
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Run a prepared statement that is a whole transaction command. */
static int
db_command(struct db *db, const char *sql)
{
	struct db_stmt *st;
	enum db_step	rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		db_log_error(db, sql);
		return 0;
	}
	return 1;
}

int
db_begin(struct db *db)
{
	static const char *const sql = "BEGIN IMMEDIATE";

	return db_command(db, sql);
}

int
db_begin_read(struct db *db)
{
	static const char *const sql = "BEGIN";

	return db_command(db, sql);
}

int
db_commit(struct db *db)
{
	static const char *const sql = "COMMIT";

	if (!db_command(db, sql)) {
		db_rollback(db);
		return 0;
	}
	return 1;
}

int
db_checkpoint(struct db *db)
{
	/* PASSIVE: never waits for readers or writers. */
	return db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
}

int
db_in_tx(struct db *db)
{
	return sqlite3_get_autocommit(db->h) == 0;
}

int
db_need_tx(struct db *db, const char *who)
{
	if (db_in_tx(db))
		return 1;
	log_err("database: %s outside a transaction", who);
	assert(!"a helper ran outside its flow's transaction");
	return 0;
}

void
db_rollback(struct db *db)
{
	if (db == NULL)
		return;
	if (sqlite3_get_autocommit(db->h) == 0)
		(void)sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int
db_version(struct db *db, int *version)
{
	sqlite3_stmt *stmt;
	int	      ok = 0;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &stmt,
		NULL) != SQLITE_OK) {
		db_log_error(db, "user_version");
		return 0;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*version = sqlite3_column_int(stmt, 0);
		ok = 1;
	} else
		db_log_error(db, "user_version");
	sqlite3_finalize(stmt);
	return ok;
}

int
db_latest_version(void)
{
	return NMIGRATIONS;
}

/*
 * A schema newer than this program: a newer Postern made or migrated
 * the file, and this older one was installed (or started) after it.
 * Migrations only go forward; the older program must not touch it.
 */
static void
db_log_downgrade(struct db *db, int v)
{
	log_err(
	    "database: %s has schema version %d, newer than this "
	    "program knows (%d): this is a downgrade.  Install the Postern "
	    "that migrated it, or restore the backup taken before the "
	    "upgrade (UPGRADING in postern(8))",
	    db->path, v, NMIGRATIONS);
}

int
db_current(struct db *db)
{
	int v;

	if (!db_version(db, &v))
		return 0;
	if (v > NMIGRATIONS) {
		db_log_downgrade(db, v);
		return 0;
	}
	if (v < NMIGRATIONS) {
		log_err("database: %s has schema version %d, this program "
			"needs %d: run `postern migrate`",
		    db->path, v, NMIGRATIONS);
		return 0;
	}
	return 1;
}

int
db_migrate(struct db *db)
{
	return db_migrate_to(db, NMIGRATIONS);
}

int
db_migrate_to(struct db *db, int version)
{
	int  v;
	char pragma[64];

	if (!db_version(db, &v))
		return 0;
	if (v > NMIGRATIONS) {
		db_log_downgrade(db, v);
		return 0;
	}
	if (version > NMIGRATIONS)
		version = NMIGRATIONS;
	/* user_version rolls back with its transaction: each step is whole. */
	for (; v < version; v++) {
		if (!db_begin(db))
			return 0;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    v + 1);
		if (!db_exec(db, migrations[v]) || !db_exec(db, pragma)) {
			db_rollback(db);
			return 0;
		}
		if (!db_commit(db))
			return 0;
		log_info("database: migrated to version %d", v + 1);
	}
	return 1;
}

int
db_integrity_ok(struct db *db)
{
	sqlite3_stmt *stmt;
	int	      ok = 0;

	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &stmt,
		NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") == 0)
		ok = 1;
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * One sqlite3_backup_step() of every page copies the source as of one
 * read transaction: in WAL mode writers go on meanwhile, and the copy
 * is never torn.  (A copy in several steps would start again each time
 * another connection wrote.)  The copy goes to a temporary file in the
 * target's folder, made 0600 (it holds everything but the key), is
 * checked, and is then linked to its name, which fails rather than
 * replace a file that is there.
 */
/* A new empty file beside path, named in tmp, that only we can read. */
static int
db_backup_temp(const char *path, char tmp[PATH_MAX])
{
	int fd;

	if ((size_t)snprintf(tmp, PATH_MAX, "%s.XXXXXX", path) >= PATH_MAX) {
		log_err("backup: %s: name too long", path);
		return 0;
	}
	/* mkstemp makes it 0600, whatever the umask. */
	if ((fd = mkstemp(tmp)) == -1) {
		log_err("backup: %s: %s", tmp, strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/* Copy every page of db into dst in one step; *pages gets how many. */
static int
db_backup_pages(struct db *db, sqlite3 *dst, int *pages)
{
	sqlite3_backup *b;
	int		rc, tries;

	if ((b = sqlite3_backup_init(dst, "main", db->h, "main")) == NULL) {
		log_err("backup: %s", sqlite3_errmsg(dst));
		return 0;
	}
	/* A read lock is all it needs; it waits only for a checkpoint. */
	for (tries = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	     rc == SQLITE_LOCKED;
	     tries++) {
		if (tries == DB_BUSY_MS / 10)
			break;
		(void)sqlite3_sleep(10);
	}
	*pages = sqlite3_backup_pagecount(b);
	if ((rc = sqlite3_backup_finish(b)) != SQLITE_OK) {
		log_err("backup: %s", sqlite3_errstr(rc));
		return 0;
	}
	return 1;
}

/*
 * Check the copy in dst (the file tmp) and close it, whatever is found;
 * 1 when it is sound and on disk.
 */
static int
db_backup_seal(sqlite3 *dst, char *tmp)
{
	struct db copy;
	int	  fd;

	memset(&copy, 0, sizeof(copy));
	copy.h = dst;
	copy.path = tmp;
	if (!db_integrity_ok(&copy)) {
		log_err("backup: the copy %s failed its integrity check", tmp);
		sqlite3_close(dst);
		return 0;
	}
	/* The copy is whole on disk before it gets its name. */
	if (sqlite3_close(dst) != SQLITE_OK) {
		log_err("backup: %s: cannot close", tmp);
		return 0;
	}
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		log_err("backup: %s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

int
db_backup(struct db *db, const char *path, int *pages)
{
	char	 tmp[PATH_MAX];
	sqlite3 *dst = NULL;
	int	 ok = 0;

	*pages = 0;
	if (!db_backup_temp(path, tmp))
		return 0;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		log_err("backup: %s: %s", tmp,
		    dst != NULL ? sqlite3_errmsg(dst) : "cannot open");
		goto out;
	}
	if (!db_backup_pages(db, dst, pages))
		goto out;
	ok = db_backup_seal(dst, tmp);
	dst = NULL;
	if (ok && link(tmp, path) == -1) {
		log_err("backup: %s: %s", path,
		    errno == EEXIST ?
			"exists already; a backup never replaces a file" :
			strerror(errno));
		ok = 0;
	}
out:
	if (dst != NULL)
		sqlite3_close(dst);
	unlink(tmp);
	return ok;
}
