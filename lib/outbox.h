#ifndef POSTERN_OUTBOX_H
#define POSTERN_OUTBOX_H

#include <stdint.h>

struct db;
struct config;
struct render_dict;

/*
 * outbox.c: mail and SMS waiting for delivery.  A handler adds rows in
 * the same transaction as the change that causes them; `postern mailer`
 * delivers them (mailer.c), never a request.
 */

enum outbox_kind { OUTBOX_MAIL, OUTBOX_SMS };

/* "mail", "sms": the kind's name in the outbox table and in logs. */
const char *outbox_kind_name(enum outbox_kind);

struct outbox_item {
	int64_t		 id;
	enum outbox_kind kind;
	char		*recipient;
	char		*subject; /* NULL for SMS */
	char		*body; /* set by outbox_open(), or at once in clear */
	unsigned char	*sealed; /* NULL for a row queued in clear */
	size_t		 sealed_len;
	int		 attempts;
};

/*
 * The key bodies are sealed under (struct keys' outbox subkey); once at
 * start, by every program that queues or delivers messages.  NULL
 * forgets it.
 */
void outbox_key_set(const unsigned char *key);

/* Queue a message, its body sealed; refused without a key (above).
 * Refuses CR/LF or controls in recipient and subject. */
int outbox_add(struct db *, enum outbox_kind, const char *recipient,
    const char *subject, const char *body, int64_t now);
/*
 * Render mail template tpl (subject line, blank line, body) and queue
 * it.  limited is NULL for a security notice or what the owner asked
 * for: it always goes out, or flooding an address would silence the
 * warning that matters.  Non-NULL marks what a stranger can cause to
 * anyone's address (codes and links to an address not yet verified,
 * signup notices): it counts toward the address's limit
 * (RATE_MESSAGES_TO).  At the limit nothing is queued and *limited
 * receives the time the address takes one more (else 0); the caller
 * then rolls back and answers 429 with that time.
 */
int outbox_mail(struct db *, const char *to, const char *tpl,
    struct render_dict *, int64_t now, int64_t *limited);
/* The same for an SMS of text. */
int outbox_sms(struct db *, const char *to, const char *text, int64_t now,
    int64_t *limited);

/* The delivery side, for mailer.c. */
int outbox_next_due(struct db *, int64_t now, struct outbox_item *);
/* Set it->body from the sealed one; 0 when it does not open (another
 * key, or the row was changed). */
int outbox_open(struct outbox_item *);
/* Frees the fields, wiping the body first. */
void outbox_item_free(struct outbox_item *);
int  outbox_mark_sent(struct db *, int64_t id, int64_t now);
int  outbox_mark_retry(struct db *, int64_t id, int attempts, int64_t next_at,
     const char *error);
int  outbox_mark_failed(struct db *, int64_t id, int attempts, int64_t now,
     const char *error);
int  outbox_purge(struct db *, int64_t before, int *n);

#endif /* !POSTERN_OUTBOX_H */
