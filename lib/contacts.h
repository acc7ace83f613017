#ifndef POSTERN_CONTACTS_H
#define POSTERN_CONTACTS_H

#include <stdint.h>

struct db;

/*
 * contacts.c: an account's recovery contacts (R2): email addresses and
 * phone numbers, each counting only once verified by a code.  The
 * primary address lives in accounts and is not a row here.
 */

#define CONTACTS_MAX	10	/* per account */

struct contact {
	int64_t	 id;		/* 0: none (or another account's) */
	int64_t	 account_id;
	char	 kind[8];	/* "email" or "phone" */
	char	 value[255];	/* normalised address or E.164 number */
	int64_t	 created_at;
	int64_t	 verified_at;	/* 0: pending */
};

/* Emails first, then phones, each oldest first. */
int	 contacts_each(struct db *, int64_t account_id,
	    void (*fn)(const struct contact *, void *), void *arg);
/* Only a contact of account_id: another account's id finds nothing. */
int	 contacts_get(struct db *, int64_t account_id, int64_t id,
	    struct contact *);
int	 contacts_find(struct db *, int64_t account_id, const char *kind,
	    const char *value, struct contact *);
int	 contacts_add(struct db *, int64_t account_id, const char *kind,
	    const char *value, int64_t now, int64_t *id);
int	 contacts_set_verified(struct db *, int64_t id, int64_t now);
int	 contacts_remove(struct db *, int64_t id);
/* How many contacts; verified ones of kind (NULL: any kind). */
int	 contacts_count(struct db *, int64_t account_id, const char *kind,
	    int verified_only, int *n);

#endif /* !POSTERN_CONTACTS_H */
