/*
 * domains.c: managed domains and the R1 checks that need stored facts.
 *
 * Every comparison is between registrable domains of normalised names
 * (domain_name.c), so "mail.Example.com." and "a@x.example.com" meet as
 * "example.com".  The verdict itself is policy.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "contacts.h"
#include "db.h"
#include "domains.h"
#include "event.h"
#include "internal.h"
#include "outbox.h"
#include "render.h"

/* An account's addresses: the primary and CONTACTS_MAX recovery ones. */
#define DOMAINS_MAX_ADDRS (1 + CONTACTS_MAX)

#define DOMAIN_COLUMNS \
	"account_id, name, registrable, challenge, " \
	"created_at, verified_at"

static void
domains_row(struct db_stmt *st, struct managed_domain *d)
{
	memset(d, 0, sizeof(*d));
	d->account_id = db_column_int(st, 0);
	db_column_copy(st, 1, d->name, sizeof(d->name));
	db_column_copy(st, 2, d->registrable, sizeof(d->registrable));
	db_column_copy(st, 3, d->challenge, sizeof(d->challenge));
	d->created_at = db_column_int(st, 4);
	d->verified_at = db_column_int(st, 5);
}

/* Step st, calling fn per row; for the list functions. */
static int
domains_walk(struct db *db, struct db_stmt		    *st,
    void (*fn)(const struct managed_domain *, void *), void *arg)
{
	struct managed_domain d;
	int		      rc;

	while ((rc = db_step(st)) == DB_ROW) {
		domains_row(st, &d);
		fn(&d, arg);
	}
	if (rc != DB_DONE)
		db_log_error(db, "domains");
	return rc == DB_DONE;
}

int
domains_each(struct db *db, int64_t			     account_id,
    void (*fn)(const struct managed_domain *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT " DOMAIN_COLUMNS
	    " FROM domains WHERE account_id = ?1 ORDER BY name";
	struct db_stmt *st;
	int		ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, account_id) && domains_walk(db, st, fn, arg);
	db_done(st);
	return ok;
}

int
domains_each_all(struct db *db,
    void (*fn)(const struct managed_domain *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT " DOMAIN_COLUMNS " FROM domains ORDER BY name, account_id";
	struct db_stmt *st;
	int		ok;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = domains_walk(db, st, fn, arg);
	db_done(st);
	return ok;
}

int
domains_get(struct db *db, int64_t account_id, const char *name,
    struct managed_domain *d)
{
	static const char *const sql =
	    "SELECT " DOMAIN_COLUMNS
	    " FROM domains WHERE account_id = ?1 AND name = ?2";
	struct db_stmt *st;
	int		rc, ok = 0;

	memset(d, 0, sizeof(*d));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id) && db_bind_text(st, 2, name)) {
		rc = db_step(st);
		if (rc == DB_ROW)
			domains_row(st, d);
		ok = rc == DB_ROW || rc == DB_DONE;
		if (!ok)
			db_log_error(db, "domain");
	}
	db_done(st);
	return ok;
}

/* Run a one-row existence query with (text, integer) parameters. */
static int
domains_exists(struct db *db, const char *sql, const char *text, int64_t num,
    int *found)
{
	struct db_stmt *st;
	int		rc, ok = 0;

	*found = 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_text(st, 1, text) && db_bind_int(st, 2, num)) {
		rc = db_step(st);
		*found = rc == DB_ROW;
		ok = rc == DB_ROW || rc == DB_DONE;
		if (!ok)
			db_log_error(db, "domain exists");
	}
	db_done(st);
	return ok;
}

int
domains_verified_elsewhere(struct db *db, int64_t account_id, const char *name,
    int *found)
{
	static const char *const sql =
	    "SELECT 1 FROM domains "
	    "WHERE name = ?1 AND verified_at != 0 AND account_id != ?2";

	return domains_exists(db, sql, name, account_id, found);
}

int
domains_add(struct db *db, int64_t account_id, const char *name,
    const char *registrable, int64_t now, int verified,
    struct managed_domain *d)
{
	static const char *const sql =
	    "INSERT INTO domains (account_id, name, registrable, challenge,"
	    " created_at, verified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

	memset(d, 0, sizeof(*d));
	/* The challenge is public (it goes in DNS): no need to hash it. */
	token_new(d->challenge);
	if (!db_run(db, sql, "itttii", account_id, name, registrable,
		d->challenge, now, (int64_t)(verified ? now : 0)))
		return 0;
	d->account_id = account_id;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->registrable, sizeof(d->registrable), "%s", registrable);
	d->created_at = now;
	d->verified_at = verified ? now : 0;
	return 1;
}

int
domains_set_verified(struct db *db, int64_t account_id, const char *name,
    int64_t now)
{
	static const char *const sql = "UPDATE domains SET verified_at = ?3 "
				       "WHERE account_id = ?1 AND name = ?2";

	return db_run(db, sql, "iti", account_id, name, now);
}

int
domains_remove(struct db *db, int64_t account_id, const char *name)
{
	static const char *const sql =
	    "DELETE FROM domains WHERE account_id = ?1 AND name = ?2";

	return db_run(db, sql, "it", account_id, name);
}

int
domains_check_address(struct db *db, enum recovery_rule rule,
    int64_t account_id, const char *email, struct r1_check *c)
{
	/*
	 * The facts policy_r1_address() needs: does the account manage a
	 * domain there, pending or verified (its own domains, read in key
	 * order), and does any other account have one verified there (an
	 * exact look-up in the verified registrable index)?
	 */
	static const char *const own_sql =
	    "SELECT 1 FROM domains "
	    "WHERE registrable = ?1 AND account_id = ?2";
	static const char *const platform_sql =
	    "SELECT 1 FROM domains "
	    "WHERE registrable = ?1 AND verified_at != 0 AND account_id != ?2";
	const char *own[1], *conflict;
	char	    dom[DOMAIN_MAX + 1], reg[DOMAIN_MAX + 1];
	int	    suffix, mine = 0, platform = 0;

	memset(c, 0, sizeof(*c));
	if (!domain_of_email(email, dom) ||
	    !domain_registrable(dom, reg, &suffix))
		return 0;
	if (!domains_exists(db, own_sql, reg, account_id, &mine) ||
	    (rule == RECOVERY_PLATFORM &&
		!domains_exists(db, platform_sql, reg, account_id, &platform)))
		return 0;
	own[0] = reg;
	c->verdict = policy_r1_address(rule, reg, own, mine ? 1 : 0, platform,
	    &conflict);
	if (conflict != NULL)
		snprintf(c->domain, sizeof(c->domain), "%s", conflict);
	return 1;
}

/*
 * Is name registrable or below it?  A registrable domain is a suffix of
 * the name it is found for, so an address anywhere else cannot be on
 * registrable: the Public Suffix List look-up (the dearest step of
 * adding a domain) is only needed for the rest.
 */
static int
domains_within(const char *name, const char *registrable)
{
	size_t n = strlen(name), r = strlen(registrable);

	return n >= r && strcmp(name + n - r, registrable) == 0 &&
	    (n == r || name[n - r - 1] == '.');
}

int
domains_check_domain(struct db *db, int64_t account_id,
    const char *registrable, struct r1_check *c)
{
	/* Every address of the account that can receive recovery codes. */
	static const char *const sql =
	    "SELECT email FROM accounts WHERE id = ?1 UNION ALL "
	    "SELECT value FROM contacts WHERE account_id = ?1 AND "
	    "kind = 'email'";
	struct db_stmt *st;
	char		emails[DOMAINS_MAX_ADDRS][255], dom[DOMAIN_MAX + 1];
	char		regs[DOMAINS_MAX_ADDRS][DOMAIN_MAX + 1];
	const char     *ptrs[DOMAINS_MAX_ADDRS], *conflict;
	size_t		n = 0, i;
	int		rc, suffix;

	memset(c, 0, sizeof(*c));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (!db_bind_int(st, 1, account_id)) {
		db_done(st);
		return 0;
	}
	while ((rc = db_step(st)) == DB_ROW && n < DOMAINS_MAX_ADDRS) {
		db_column_copy(st, 0, emails[n], sizeof(emails[n]));
		if (domain_of_email(emails[n], dom) &&
		    domains_within(dom, registrable) &&
		    domain_registrable(dom, regs[n], &suffix))
			n++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		db_log_error(db, "account addresses");
		return 0;
	}
	for (i = 0; i < n; i++)
		ptrs[i] = regs[i];
	c->verdict = policy_r1_domain(registrable, ptrs, n, &conflict);
	for (i = 0; conflict != NULL && i < n; i++)
		if (ptrs[i] == conflict) {
			/* Both are NUL-terminated within their sizes. */
			memcpy(c->domain, regs[i], sizeof(c->domain));
			memcpy(c->address, emails[i], sizeof(c->address));
		}
	return 1;
}

int
domains_each_account_on(struct db *db, const char *reg, int64_t except,
    void (*fn)(int64_t, const char *, void *), void *arg)
{
	/*
	 * A coarse match by suffix, made exact in C: an address is on reg
	 * when its own registrable domain is reg.  This runs only when a
	 * domain is verified, so a scan is acceptable.
	 */
	static const char *const sql =
	    "SELECT id, email FROM accounts "
	    "WHERE id != ?2 AND (email LIKE '%@' || ?1 OR email LIKE '%.' || ?1)"
	    " UNION ALL SELECT account_id, value FROM contacts "
	    "WHERE kind = 'email' AND account_id != ?2 AND "
	    "(value LIKE '%@' || ?1 OR value LIKE '%.' || ?1)";
	struct db_stmt *st;
	char		email[255], dom[DOMAIN_MAX + 1], r[DOMAIN_MAX + 1];
	int		rc = DB_ERROR, suffix;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_text(st, 1, reg) && db_bind_int(st, 2, except))
		while ((rc = db_step(st)) == DB_ROW) {
			db_column_copy(st, 1, email, sizeof(email));
			if (domain_of_email(email, dom) &&
			    domain_registrable(dom, r, &suffix) &&
			    strcmp(r, reg) == 0)
				fn(db_column_int(st, 0), email, arg);
		}
	if (rc != DB_DONE)
		db_log_error(db, "accounts on domain");
	db_done(st);
	return rc == DB_DONE;
}
