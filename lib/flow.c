/*
 * flow.c: the transaction helpers every flow uses (flow.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "flow.h"
#include "http.h"
#include "link.h"
#include "password.h"
#include "render.h"

void
flow_init(struct flow *f, struct db *db, const struct config *cfg,
    const struct keys *keys, int64_t now)
{
	memset(f, 0, sizeof(*f));
	f->db = db;
	f->cfg = cfg;
	f->keys = keys;
	f->now = now;
	f->ip = "postern";
	f->agent = "";
}

enum outcome
flow_begin(struct flow *f)
{
	return db_begin(f->db) ? OUT_OK : OUT_STORAGE;
}

enum outcome
flow_commit(struct flow *f, enum outcome o)
{
	/* db_commit() rolls back when it fails: nothing is half done. */
	return db_commit(f->db) ? o : OUT_STORAGE;
}

enum outcome
flow_rollback(struct flow *f, enum outcome o)
{
	db_rollback(f->db);
	return o;
}

enum outcome
flow_storage(struct flow *f)
{
	db_rollback(f->db);
	return OUT_STORAGE;
}

enum outcome
flow_limited(struct flow *f, enum outcome o, int64_t until)
{
	f->said.until = until;
	return flow_rollback(f, o);
}

void
flow_what(struct flow *f, const char *what, const char *other)
{
	snprintf(f->said.what, sizeof(f->said.what), "%s",
	    what != NULL ? what : "");
	snprintf(f->said.other, sizeof(f->said.other), "%s",
	    other != NULL ? other : "");
}

int
flow_in_tx(const struct flow *f, const char *who)
{
	return db_need_tx(f->db, who);
}

enum outcome
flow_new_password(const char *pw, const char *username, const char *email)
{
	if (!validate_password_length(pw))
		return OUT_PASSWORD_LENGTH;
	if (password_is_weak(pw, username, email))
		return OUT_PASSWORD_WEAK;
	return OUT_OK;
}

int
flow_link(struct flow *f, enum link_kind kind, int64_t account_id,
    const char *data, int64_t num, int64_t ttl, const char *path,
    struct render_dict *d, const char *name)
{
	char	   tok[TOKEN_TEXT];
	struct buf link;
	int	   ok;

	buf_init(&link);
	ok = link_create(f->db, kind, account_id, data, num, f->now, ttl,
		 tok) &&
	    http_link(&link, f->cfg->base_url, path, "t", tok);
	if (ok)
		render_set(d, name, link.p);
	sodium_memzero(tok, sizeof(tok));
	buf_free(&link);
	return ok;
}
