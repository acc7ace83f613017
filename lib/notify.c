/*
 * notify.c: messages to every verified channel of an account.  Every
 * security change is told to all of them at once, so the owner hears of
 * what an attacker does with any single one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "buf.h"
#include "contacts.h"
#include "notify.h"
#include "outbox.h"
#include "render.h"
#include "when.h"

#define NOTIFY_MAX (CONTACTS_MAX + 1)

struct collect {
	struct contact c[NOTIFY_MAX];
	size_t	       n;
};

static void
collect_one(const struct contact *c, void *arg)
{
	struct collect *col = arg;

	if (c->verified_at != 0 && col->n < NOTIFY_MAX)
		col->c[col->n++] = *c;
}

int
notify_each_channel(struct db *db, const struct account *a,
    void (*fn)(const struct channel *, void *), void	*arg)
{
	struct collect col;
	struct channel ch;
	size_t	       i;

	/* Collected first: fn may queue mail, which touches the database. */
	col.n = 0;
	if (!contacts_each(db, a->id, collect_one, &col))
		return 0;
	if (a->email_verified_at != 0) {
		ch.contact_id = CHANNEL_PRIMARY;
		ch.is_phone = 0;
		ch.value = a->email;
		ch.since = a->email_since;
		fn(&ch, arg);
	}
	for (i = 0; i < col.n; i++) {
		ch.contact_id = col.c[i].id;
		ch.is_phone = col.c[i].kind == CONTACT_PHONE;
		ch.value = col.c[i].value;
		ch.since = col.c[i].verified_at;
		fn(&ch, arg);
	}
	return 1;
}

int
notify_channel(struct db *db, const struct channel *ch, const char *mail_tpl,
    const char *sms_tpl, struct render_dict *d, int64_t now, int64_t *limited)
{
	struct buf text;
	int	   ok;

	if (!ch->is_phone)
		return outbox_mail(db, ch->value, mail_tpl, d, now, limited);
	buf_init(&text);
	ok = render_text(sms_tpl, d, &text) && !text.failed &&
	    outbox_sms(db, ch->value, text.p, now, limited);
	buf_free(&text);
	return ok;
}

struct notify_ctx {
	struct db	   *db;
	int64_t		    except;
	const char	   *mail_tpl;
	const char	   *sms_tpl;
	struct render_dict *d;
	int64_t		    now;
	int		    ok;
};

static void
notify_one(const struct channel *ch, void *arg)
{
	struct notify_ctx *nc = arg;

	if (ch->contact_id == nc->except)
		return;
	if (!notify_channel(nc->db, ch, nc->mail_tpl, nc->sms_tpl, nc->d,
		nc->now, NULL))
		nc->ok = 0;
}

int
notify_channels(struct db *db, const struct account *a, int64_t except,
    const char *mail_tpl, const char *sms_tpl, struct render_dict *d,
    int64_t now)
{
	struct notify_ctx nc = { db, except, mail_tpl, sms_tpl, d, now, 1 };

	if (!notify_each_channel(db, a, notify_one, &nc))
		return 0;
	return nc.ok;
}

struct render_dict *
notify_dict(const struct account *a, const char *what, const char *ip,
    const char *base_url, int64_t now)
{
	struct render_dict *d;
	char		    when[WHEN_TEXT];

	if ((d = render_dict_new()) == NULL)
		return NULL;
	when_text(now, when);
	render_set(d, "USERNAME", a->username);
	render_set(d, "WHAT", what);
	render_set(d, "WHEN", when);
	render_set(d, "IP", ip != NULL ? ip : "");
	render_set(d, "BASE_URL", base_url);
	return d;
}

int
notify_change(struct db *db, const struct account *a, int64_t except,
    const char *what, const char *ip, const char *base_url,
    const char *mail_tpl, const char *sms_tpl, int64_t now)
{
	struct render_dict *d;
	int		    ok;

	if ((d = notify_dict(a, what, ip, base_url, now)) == NULL)
		return 0;
	ok = notify_channels(db, a, except, mail_tpl, sms_tpl, d, now);
	render_dict_free(d);
	return ok;
}
