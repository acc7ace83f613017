#ifndef POSTERN_NOTIFY_H
#define POSTERN_NOTIFY_H

#include <stdint.h>

struct account;
struct db;
struct render_dict;

/*
 * notify.c: an account's verified channels -- its primary address when
 * verified, its verified recovery emails and phones -- and telling all
 * of them something (a contact added, a code made, a reset pending).
 * Messages go through the outbox, in the caller's transaction.
 */

#define CHANNEL_PRIMARY 0    /* contact_id of the primary address */
#define CHANNEL_NONE	(-1) /* "leave none out" */

struct channel {
	int64_t	    contact_id; /* CHANNEL_PRIMARY or a contacts.id */
	int	    is_phone;
	const char *value; /* address or E.164 number */
	int64_t	    since; /* R9: since when it counts */
};

/* Call fn for each verified channel of a, primary first. */
int notify_each_channel(struct db *, const struct account *a,
    void (*fn)(const struct channel *, void *), void	  *arg);
/*
 * Mail mail_tpl to every verified email channel and text sms_tpl to
 * every verified phone, except the channel with contact id except
 * (CHANNEL_NONE for none).  d holds the templates' values.  These are
 * notices: they go out whatever the per-address mail limit.
 */
int notify_channels(struct db *, const struct account *a, int64_t except,
    const char *mail_tpl, const char *sms_tpl, struct render_dict *d,
    int64_t now);
/*
 * Send one message to one channel (mail or SMS by its kind).  limited
 * as outbox_mail() takes it: NULL for a notice or what the owner asked
 * for, else the message counts toward the channel's limit.
 */
int notify_channel(struct db *, const struct channel *, const char *mail_tpl,
    const char *sms_tpl, struct render_dict *d, int64_t now, int64_t *limited);

/*
 * The values a notice of a change shows: USERNAME, WHAT (what changed;
 * may be NULL), WHEN (now, in UTC), IP (where from; NULL for none) and
 * BASE_URL.  NULL when out of memory; the caller frees it.
 */
struct render_dict *notify_dict(const struct account *a, const char *what,
    const char *ip, const char *base_url, int64_t now);
/* notify_channels() with notify_dict()'s values. */
int notify_change(struct db *, const struct account *a, int64_t except,
    const char *what, const char *ip, const char *base_url,
    const char *mail_tpl, const char *sms_tpl, int64_t now);

#endif /* !POSTERN_NOTIFY_H */
