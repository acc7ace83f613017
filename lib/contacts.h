#ifndef POSTERN_CONTACTS_H
#define POSTERN_CONTACTS_H

#include <stdint.h>

struct db;

/*
 * contacts.c: an account's recovery contacts (R2): email addresses and
 * phone numbers, each counting only once verified by a code.  The
 * primary address lives in accounts and is not a row here.
 */

#define CONTACTS_MAX 10 /* per account */

enum contact_kind {
	CONTACT_EMAIL,
	CONTACT_PHONE,
	CONTACT_ANY /* for contacts_count() */
};

/* "email", "phone": what the table and the forms say; NULL for none. */
const char *contact_kind_name(enum contact_kind);
/* The kind a form names; 0 if it names none. */
int contact_kind_of(const char *name, enum contact_kind *);

struct contact {
	int64_t		  id; /* 0: none (or another account's) */
	int64_t		  account_id;
	enum contact_kind kind;
	char		  value[255]; /* normalised address or E.164 */
	int64_t		  created_at;
	int64_t		  verified_at; /* 0: pending */
	int64_t		  session_id;  /* the session that added it (R8) */
};

/* Emails first, then phones, each oldest first. */
int contacts_each(struct db *, int64_t		      account_id,
    void (*fn)(const struct contact *, void *), void *arg);
/* Only a contact of account_id: another account's id finds nothing. */
int contacts_get(struct db *, int64_t account_id, int64_t id,
    struct contact *);
int contacts_find(struct db *, int64_t account_id, enum contact_kind,
    const char *value, struct contact *);
/* A new pending contact, added in session session_id. */
int contacts_add(struct db *, int64_t account_id, enum contact_kind,
    const char *value, int64_t session_id, int64_t now, int64_t *id);
int contacts_set_verified(struct db *, int64_t id, int64_t now);
int contacts_remove(struct db *, int64_t id);
/* How many contacts of kind (CONTACT_ANY: all); verified only. */
int contacts_count(struct db *, int64_t account_id, enum contact_kind,
    int verified_only, int *n);

#endif /* !POSTERN_CONTACTS_H */
