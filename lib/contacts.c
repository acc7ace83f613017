/*
 * contacts.c: the contacts table.  Every look-up by id is scoped to the
 * account, so an id taken from another account's page finds nothing.
 */
#include <stdint.h>
#include <string.h>

#include "contacts.h"
#include "internal.h"

#define CONTACT_COLUMNS \
	"id, account_id, kind, value, created_at, " \
	"verified_at, session_id"

static const char *const contact_kinds[] = {
	[CONTACT_EMAIL] = "email",
	[CONTACT_PHONE] = "phone",
};

const char *
contact_kind_name(enum contact_kind k)
{
	return k == CONTACT_EMAIL || k == CONTACT_PHONE ? contact_kinds[k] :
							  NULL;
}

int
contact_kind_of(const char *name, enum contact_kind *k)
{
	if (name == NULL)
		return 0;
	for (*k = CONTACT_EMAIL; *k <= CONTACT_PHONE; (*k)++)
		if (strcmp(name, contact_kinds[*k]) == 0)
			return 1;
	return 0;
}

static void
contacts_row(struct db_stmt *st, struct contact *c)
{
	char kind[8];

	memset(c, 0, sizeof(*c));
	c->id = db_column_int(st, 0);
	c->account_id = db_column_int(st, 1);
	db_column_copy(st, 2, kind, sizeof(kind));
	/* The table's CHECK allows the two kinds only. */
	if (!contact_kind_of(kind, &c->kind))
		c->kind = CONTACT_EMAIL;
	db_column_copy(st, 3, c->value, sizeof(c->value));
	c->created_at = db_column_int(st, 4);
	c->verified_at = db_column_int(st, 5);
	c->session_id = db_column_int(st, 6);
}

/* Step a statement that yields at most one contact. */
static int
contacts_one(struct db *db, struct db_stmt *st, struct contact *c)
{
	int rc;

	rc = db_step(st);
	if (rc == DB_ROW)
		contacts_row(st, c);
	else if (rc != DB_DONE) {
		db_log_error(db, "contact");
		return 0;
	}
	return 1;
}

int
contacts_each(struct db *db, int64_t		      account_id,
    void (*fn)(const struct contact *, void *), void *arg)
{
	static const char *const sql =
	    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE account_id = ?1"
	    " ORDER BY kind = 'phone', created_at, id";
	struct db_stmt *st;
	struct contact	c;
	int		rc = DB_ERROR;

	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (db_bind_int(st, 1, account_id))
		while ((rc = db_step(st)) == DB_ROW) {
			contacts_row(st, &c);
			fn(&c, arg);
		}
	if (rc != DB_DONE)
		db_log_error(db, "contacts");
	db_done(st);
	return rc == DB_DONE;
}

int
contacts_get(struct db *db, int64_t account_id, int64_t id, struct contact *c)
{
	static const char *const sql =
	    "SELECT " CONTACT_COLUMNS
	    " FROM contacts WHERE id = ?1 AND account_id = ?2";
	struct db_stmt *st;
	int		ok;

	memset(c, 0, sizeof(*c));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, id) && db_bind_int(st, 2, account_id) &&
	    contacts_one(db, st, c);
	db_done(st);
	return ok;
}

int
contacts_find(struct db *db, int64_t account_id, enum contact_kind kind,
    const char *value, struct contact *c)
{
	static const char *const sql =
	    "SELECT " CONTACT_COLUMNS
	    " FROM contacts WHERE account_id = ?1 AND kind = ?2"
	    " AND value = ?3 COLLATE NOCASE";
	struct db_stmt *st;
	int		ok;

	memset(c, 0, sizeof(*c));
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	ok = db_bind_int(st, 1, account_id) &&
	    db_bind_text(st, 2, contact_kind_name(kind)) &&
	    db_bind_text(st, 3, value) && contacts_one(db, st, c);
	db_done(st);
	return ok;
}

int
contacts_add(struct db *db, int64_t account_id, enum contact_kind kind,
    const char *value, int64_t session_id, int64_t now, int64_t *id)
{
	static const char *const sql =
	    "INSERT INTO contacts (account_id, "
	    "kind, value, session_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";

	if (!db_run(db, sql, "ittii", account_id, contact_kind_name(kind),
		value, session_id, now))
		return 0;
	*id = db_last_id(db);
	return 1;
}

int
contacts_set_verified(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE contacts SET verified_at = ?2 WHERE id = ?1";

	return db_run(db, sql, "ii", id, now);
}

int
contacts_remove(struct db *db, int64_t id)
{
	static const char *const sql = "DELETE FROM contacts WHERE id = ?1";

	return db_run(db, sql, "i", id);
}

int
contacts_count(struct db *db, int64_t account_id, enum contact_kind kind,
    int verified_only, int *n)
{
	static const char *const sql =
	    "SELECT count(*) FROM contacts "
	    "WHERE account_id = ?1 AND (?2 IS NULL OR kind = ?2) "
	    "AND (?3 = 0 OR verified_at != 0)";
	int64_t v;
	int	ok;

	ok = db_query_int(db, &v, NULL, "contacts count", sql, "iti",
	    account_id, contact_kind_name(kind), (int64_t)verified_only);
	*n = (int)v;
	return ok;
}
