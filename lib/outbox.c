/*
 * outbox.c: mail and SMS waiting for delivery.
 *
 * A handler queues a message inside the transaction that makes the
 * change the message is about, so the two commit together or not at
 * all; `postern mailer` (mailer.c) delivers rows later, each state
 * change in its own short transaction.  Nothing here begins or ends a
 * transaction.
 *
 * Bodies hold one-time codes and link tokens, which the rest of the
 * database keeps only as hashes, so a body is sealed (crypto.c's
 * secret_seal) under a subkey of secret_key_file, bound to the row's
 * kind, recipient and subject: a copy of the database shows no live
 * code or link, and a sealed body moved onto another recipient's row
 * no longer opens.  Every program that queues mail gives this module
 * the key once at start (outbox_key_set); without it nothing is queued.
 * The mailer opens a body just before delivery (outbox_open).
 *
 * Rows move from 'queued' to 'sent' or 'failed' and never back.  Once
 * a row is done its body is blanked.  The subject stays, for the
 * hoster's diagnosis.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "crypto.h"
#include "internal.h"
#include "log.h"
#include "mailfmt.h"
#include "outbox.h"
#include "rate.h"
#include "render.h"

/* A mail text this long is a broken template, not a message. */
#define OUTBOX_MAX_TEXT (64 * 1024)

static unsigned char outbox_key[KEY_BYTES];
static int	     outbox_have_key;

/* Each kind's name in the outbox table. */
static const char *const outbox_kinds[] = {
	[OUTBOX_MAIL] = "mail",
	[OUTBOX_SMS] = "sms",
};

const char *
outbox_kind_name(enum outbox_kind kind)
{
	return outbox_kinds[kind];
}

/* The kind a stored name names; mail for any other. */
static enum outbox_kind
outbox_kind_of(const char *name)
{
	return name != NULL && strcmp(name, outbox_kinds[OUTBOX_SMS]) == 0 ?
	    OUTBOX_SMS :
	    OUTBOX_MAIL;
}

void
outbox_key_set(const unsigned char *key)
{
	if ((outbox_have_key = key != NULL))
		memcpy(outbox_key, key, sizeof(outbox_key));
	else
		sodium_memzero(outbox_key, sizeof(outbox_key));
}

/* What a sealed body is bound to: kind, recipient and subject. */
static int
outbox_ad(enum outbox_kind kind, const char *recipient, const char *subject,
    struct buf *ad)
{
	const char *kn = outbox_kind_name(kind);

	if (subject == NULL)
		subject = "";
	buf_append(ad, kn, strlen(kn) + 1);
	buf_append(ad, recipient, strlen(recipient) + 1);
	buf_append(ad, subject, strlen(subject));
	return !ad->failed;
}

/* Can this message be queued?  Says why not in the log. */
static int
outbox_acceptable(enum outbox_kind kind, const char *recipient,
    const char *subject, const char *body)
{
	/* DESIGN 5: no value from a user may add a header, so CR, LF and
	 * every other control byte are refused here, and again when the
	 * mail is composed. */
	if (recipient == NULL || recipient[0] == '\0' ||
	    !mailfmt_header_safe(recipient)) {
		log_err("outbox: %s refused: bad recipient",
		    outbox_kind_name(kind));
		return 0;
	}
	if (kind == OUTBOX_MAIL &&
	    (subject == NULL || !mailfmt_header_safe(subject))) {
		log_err("outbox: mail refused: bad subject");
		return 0;
	}
	if (body == NULL) {
		log_err("outbox: %s refused: no body", outbox_kind_name(kind));
		return 0;
	}
	/* Fail closed: a body is never stored in clear. */
	if (!outbox_have_key) {
		log_err("outbox: %s refused: no key to seal it with",
		    outbox_kind_name(kind));
		return 0;
	}
	return 1;
}

int
outbox_add(struct db *db, enum outbox_kind kind, const char *recipient,
    const char *subject, const char *body, int64_t now)
{
	struct db_stmt *stmt = NULL;
	struct buf	ad;
	unsigned char  *sealed = NULL;
	size_t		len;
	int		ok = 0;

	if (!outbox_acceptable(kind, recipient, subject, body))
		return 0;
	if (kind != OUTBOX_MAIL)
		subject = NULL;
	len = strlen(body);
	buf_init(&ad);
	if ((sealed = malloc(len + SEAL_OVERHEAD)) == NULL ||
	    !outbox_ad(kind, recipient, subject, &ad) ||
	    !secret_seal(outbox_key, (const unsigned char *)ad.p, ad.len,
		(const unsigned char *)body, len, sealed)) {
		log_err("outbox: cannot seal a %s", outbox_kind_name(kind));
		goto out;
	}

	stmt = db_prepare(db,
	    "INSERT INTO outbox (kind, recipient, subject,"
	    " body, sealed, created_at, next_at)"
	    " VALUES (?1, ?2, ?3, '', ?4, ?5, ?5)");
	if (stmt == NULL)
		goto out;
	if (!db_bind_text(stmt, 1, outbox_kind_name(kind)) ||
	    !db_bind_text(stmt, 2, recipient) ||
	    !db_bind_text(stmt, 3, subject) ||
	    !db_bind_blob(stmt, 4, sealed, len + SEAL_OVERHEAD) ||
	    !db_bind_int(stmt, 5, now)) {
		db_log_error(db, "outbox add");
		goto out;
	}
	ok = db_exec_stmt(db, stmt);
out:
	db_done(stmt);
	free(sealed);
	buf_free(&ad);
	return ok;
}

/*
 * Split a rendered mail into its subject (the first line) and body
 * (after the blank line that follows), in place.  0 when the text is
 * not shaped like a mail: a template mistake.
 */
static int
outbox_split(char *text, char **subject, char **body)
{
	char *nl, *end;

	if ((nl = strchr(text, '\n')) == NULL)
		return 0;
	*nl = '\0';
	/* Templates may be saved with CRLF or trailing blanks. */
	for (end = nl; end > text &&
	     (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t');
	     end--)
		end[-1] = '\0';
	*subject = text;
	*body = nl + 1;
	if ((*body)[0] == '\r' && (*body)[1] == '\n')
		*body += 2;
	else if ((*body)[0] == '\n')
		(*body)++;
	else
		return 0;
	return (*subject)[0] != '\0';
}

/*
 * The per-address limit, when limited is not NULL (see outbox.h):
 * outbox_over() before a message is queued sets *limited, and
 * outbox_counted() counts it once it is.  0 on a storage error.
 */
static int
outbox_over(struct db *db, const char *to, int64_t now, int64_t *limited)
{
	if (limited == NULL)
		return 1;
	if (!rate_check(db, RATE_MESSAGES_TO, 0, to, now, limited))
		return 0;
	if (*limited != 0)
		log_warn("outbox: message limit reached for an address");
	return 1;
}

static int
outbox_counted(struct db *db, const char *to, int64_t now,
    const int64_t *limited)
{
	return limited == NULL || rate_hit(db, RATE_MESSAGES_TO, 0, to, now);
}

int
outbox_mail(struct db *db, const char *to, const char *tpl,
    struct render_dict *dict, int64_t now, int64_t *limited)
{
	struct buf text;
	char	  *subject, *body;
	int	   ok = 0;

	buf_init(&text);
	if (!outbox_over(db, to, now, limited))
		goto out;
	if (limited != NULL && *limited != 0) {
		ok = 1;
		goto out;
	}
	if (!render_text(tpl, dict, &text) || text.failed) {
		log_err("outbox: cannot render mail template %s", tpl);
		goto out;
	}
	if (text.len > OUTBOX_MAX_TEXT ||
	    !outbox_split(text.p, &subject, &body)) {
		log_err("outbox: mail template %s gives no subject line, "
			"blank line and body",
		    tpl);
		goto out;
	}
	ok = outbox_add(db, OUTBOX_MAIL, to, subject, body, now) &&
	    outbox_counted(db, to, now, limited);
out:
	/* The text holds codes and links. */
	if (text.p != NULL)
		memset(text.p, 0, text.cap);
	buf_free(&text);
	return ok;
}

int
outbox_sms(struct db *db, const char *to, const char *text, int64_t now,
    int64_t *limited)
{
	if (!outbox_over(db, to, now, limited))
		return 0;
	if (limited != NULL && *limited != 0)
		return 1;
	return outbox_add(db, OUTBOX_SMS, to, NULL, text, now) &&
	    outbox_counted(db, to, now, limited);
}

/* A text column as a new string ("" for NULL when want_null is 0). */
static int
outbox_column_dup(struct db_stmt *stmt, int col, int want_null, char **out)
{
	const char *s;
	size_t	    n;

	*out = NULL;
	s = db_column_text(stmt, col, &n);
	if (s == NULL && want_null)
		return 1;
	if ((*out = malloc(n + 1)) == NULL)
		return 0;
	if (n > 0)
		memcpy(*out, s, n);
	(*out)[n] = '\0';
	return 1;
}

/* A blob column as a new buffer of *len bytes. */
static int
outbox_column_blob(struct db_stmt *stmt, int col, unsigned char **out,
    size_t *len)
{
	const void *p = db_column_blob(stmt, col, len);

	if ((*out = malloc(*len > 0 ? *len : 1)) == NULL)
		return 0;
	if (*len > 0)
		memcpy(*out, p, *len);
	return 1;
}

int
outbox_next_due(struct db *db, int64_t now, struct outbox_item *it)
{
	struct db_stmt *stmt;
	const char     *kind;
	int		rc, ok = 0;

	memset(it, 0, sizeof(*it));
	stmt = db_prepare(db,
	    "SELECT id, kind, recipient, subject, body,"
	    " attempts, sealed FROM outbox"
	    " WHERE status = 'queued' AND next_at <= ?1"
	    " ORDER BY next_at, id LIMIT 1");
	if (stmt == NULL)
		return 0;
	if (!db_bind_int(stmt, 1, now)) {
		db_log_error(db, "outbox next");
		goto out;
	}
	rc = db_step(stmt);
	if (rc == DB_DONE) {
		ok = 1; /* nothing due: id stays 0 */
		goto out;
	}
	if (rc != DB_ROW) {
		db_log_error(db, "outbox next");
		goto out;
	}
	kind = db_column_text(stmt, 1, NULL);
	it->kind = outbox_kind_of(kind);
	it->attempts = (int)db_column_int(stmt, 5);
	if (!outbox_column_dup(stmt, 2, 0, &it->recipient) ||
	    !outbox_column_dup(stmt, 3, 1, &it->subject) ||
	    (db_column_null(stmt, 6) ?
		    !outbox_column_dup(stmt, 4, 0, &it->body) :
		    !outbox_column_blob(stmt, 6, &it->sealed,
			&it->sealed_len))) {
		log_err("outbox: out of memory");
		outbox_item_free(it);
		goto out;
	}
	it->id = db_column_int(stmt, 0);
	ok = 1;
out:
	db_done(stmt);
	return ok;
}

int
outbox_open(struct outbox_item *it)
{
	struct buf ad;
	size_t	   n;
	int	   ok = 0;

	if (it->body != NULL)
		return 1; /* queued in clear, before bodies were sealed */
	if (!outbox_have_key || it->sealed == NULL ||
	    it->sealed_len < SEAL_OVERHEAD)
		return 0;
	n = it->sealed_len - SEAL_OVERHEAD;
	buf_init(&ad);
	if ((it->body = malloc(n + 1)) == NULL ||
	    !outbox_ad(it->kind, it->recipient, it->subject, &ad) ||
	    !secret_open(outbox_key, (const unsigned char *)ad.p, ad.len,
		it->sealed, it->sealed_len, (unsigned char *)it->body))
		goto out;
	it->body[n] = '\0';
	ok = 1;
out:
	if (!ok) {
		free(it->body);
		it->body = NULL;
	}
	buf_free(&ad);
	return ok;
}

void
outbox_item_free(struct outbox_item *it)
{
	if (it == NULL)
		return;
	free(it->recipient);
	free(it->subject);
	free(it->sealed);
	if (it->body != NULL) {
		memset(it->body, 0, strlen(it->body));
		free(it->body);
	}
	memset(it, 0, sizeof(*it));
}

/*
 * After a mark that ran: log when it found no queued row, for someone
 * else got there first (the row was purged, or another mailer finished
 * it), which is no failure.
 */
static int
outbox_marked(struct db *db, int64_t id, const char *what)
{
	if (db_changes(db) != 1)
		log_warn("outbox: message %lld was not queued any more "
			 "when marked %s",
		    (long long)id, what);
	return 1;
}

int
outbox_mark_sent(struct db *db, int64_t id, int64_t now)
{
	static const char *const sql =
	    "UPDATE outbox SET status = 'sent',"
	    " attempts = attempts + 1, done_at = ?2, body = '', sealed = NULL,"
	    " last_error = NULL WHERE id = ?1 AND status = 'queued'";

	return db_run(db, sql, "ii", id, now) && outbox_marked(db, id, "sent");
}

int
outbox_mark_retry(struct db *db, int64_t id, int attempts, int64_t next_at,
    const char *error)
{
	/* A NULL error keeps the last one: mailer.c marks a row it is
	 * about to try this way, so a crash mid-delivery retries it. */
	static const char *const sql =
	    "UPDATE outbox SET attempts = ?2, "
	    "next_at = ?3, last_error = coalesce(?4, last_error)"
	    " WHERE id = ?1 AND status = 'queued'";

	return db_run(db, sql, "iiit", id, (int64_t)attempts, next_at,
		   error) &&
	    outbox_marked(db, id, "for retry");
}

int
outbox_mark_failed(struct db *db, int64_t id, int attempts, int64_t now,
    const char *error)
{
	static const char *const sql =
	    "UPDATE outbox SET status = 'failed',"
	    " attempts = ?2, done_at = ?3, last_error = ?4, body = '',"
	    " sealed = NULL"
	    " WHERE id = ?1 AND status = 'queued'";

	return db_run(db, sql, "iiit", id, (int64_t)attempts, now,
		   error != NULL ? error : "failed") &&
	    outbox_marked(db, id, "failed");
}

int
outbox_purge(struct db *db, int64_t before, int *n)
{
	struct db_stmt *stmt;
	int		ok = 0;

	*n = 0;
	/* Queued rows are never purged: they are mail not yet delivered. */
	stmt = db_prepare(db,
	    "DELETE FROM outbox"
	    " WHERE status <> 'queued' AND done_at < ?1");
	if (stmt == NULL)
		return 0;
	if (!db_bind_int(stmt, 1, before)) {
		db_log_error(db, "outbox purge");
		goto out;
	}
	if ((ok = db_exec_stmt(db, stmt)))
		*n = db_changes(db);
out:
	db_done(stmt);
	return ok;
}
