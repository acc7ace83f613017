#ifndef POSTERN_ACCOUNT_H
#define POSTERN_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct db;

/* account.c: the accounts table. */

struct account {
	int64_t id; /* 0: not found */
	char	username[33];
	char	email[255];
	int64_t email_verified_at; /* 0: not verified */
	int64_t email_since;	   /* R9: since when the address counts */
	int64_t created_at;
	int64_t locked_at;   /* 0: not locked by the hoster */
	int64_t disabled_at; /* 0: not disabled by the hoster */
	char	pw_hash[PWHASH_TEXT];
	int64_t recovery_code_at; /* 0: no recovery code */
	int64_t kit_at;		  /* 0: no recovery kit */
	int64_t totp_enabled_at;  /* 0: two-step verification off */
	int64_t password_at;	  /* R9: last changed in a session; 0: old */
	int64_t delete_at;	  /* a pending deletion's deadline; 0: none */
};

/* By username or email, case-insensitively. */
int account_by_login(struct db *, const char *name_or_email, struct account *);
int account_by_id(struct db *, int64_t id, struct account *);
int account_name_taken(struct db *, const char *username, int *taken);
int account_email_taken(struct db *, const char *email, int *taken);
int account_create(struct db *, const char *username, const char *email,
    const char *pw_hash, int64_t now, int64_t *id);
/* The signup address is verified; for R9 it counts from signup. */
int account_set_verified(struct db *, int64_t id, int64_t now);
int account_set_password(struct db *, int64_t id, const char *pw_hash);
/*
 * The same for a password the owner chose: it counts for R9 from at
 * (0: from ever, as a signup's or a reset's does).
 */
int account_change_password(struct db *, int64_t id, const char *pw_hash,
    int64_t at);
int account_set_locked(struct db *, int64_t id, int64_t locked_at);
/* `postern disable` (disabled_at now) and `enable` (0). */
int account_set_disabled(struct db *, int64_t id, int64_t disabled_at);
/* Does the hoster refuse a's automated resets: locked, or disabled? */
int account_recovery_closed(const struct account *a);
/*
 * A new primary address, verified at verified_at (R5: by its link),
 * counting for R9 from since (verified_at for a new address; what it
 * had before for one a revert restores).
 */
int account_set_email(struct db *, int64_t id, const char *email,
    int64_t verified_at, int64_t since);

/* Store the hash of a new recovery code (R2) or kit (R6). */
int account_set_recovery_code(struct db *, int64_t id,
    const unsigned char hash[HASH_BYTES], int64_t now);
int account_set_kit(struct db *, int64_t id,
    const unsigned char hash[HASH_BYTES], int64_t now);
/* Forget the recovery code or kit: it was used as a proof. */
int account_clear_recovery_code(struct db *, int64_t id);
int account_clear_kit(struct db *, int64_t id);
/* Compare a hash with the stored recovery code or kit, in constant
 * time; *match is 0 when there is none. */
int account_recovery_code_matches(struct db *, int64_t id,
    const unsigned char hash[HASH_BYTES], int *match);
int account_kit_matches(struct db *, int64_t id,
    const unsigned char hash[HASH_BYTES], int *match);

/*
 * TOTP: the sealed secret (n bytes; NULL to remove it) and when it was
 * enabled (0: enrolment pending).  Reading gives *n = 0 without one.
 */
int account_set_totp(struct db *, int64_t id, const unsigned char *sealed,
    size_t n, int64_t enabled_at);
int account_totp(struct db *, int64_t id, unsigned char *sealed, size_t max,
    size_t *n, int64_t *enabled_at, int64_t *last_step);
/*
 * A new pending TOTP secret, shown to session_id at now: only that
 * session may turn it on (account_totp_pending).
 */
int account_totp_setup(struct db *, int64_t id, const unsigned char *sealed,
    size_t n, int64_t session_id, int64_t now);
/* The session and time of the pending secret's setup (0: none). */
int account_totp_pending(struct db *, int64_t id, int64_t *session_id,
    int64_t *setup_at);
/* Turn on TOTP with the stored (pending) secret, keeping its last step. */
int account_totp_enable(struct db *, int64_t id, int64_t now);
/* Record step as the last accepted one, only if it is later than the
 * stored one; *won is 0 when another request used it first. */
int account_totp_advance(struct db *, int64_t id, int64_t step, int *won);

/*
 * What the overview (/account) needs beyond the account's row, in one
 * statement: its verified recovery contacts (the primary address not
 * counted) and the login before the newest, which is this session's.
 */
struct account_overview {
	int	verified_emails;
	int	verified_phones;
	int64_t last_login; /* 0: none */
	char	last_login_ip[64];
};
int account_overview(struct db *, int64_t id, struct account_overview *);

/* Call fn for every account, in name order; for `postern users`. */
int account_each(struct db *, void (*fn)(const struct account *, void *),
    void *arg);
/*
 * Remove account id if it never verified its address (R5: a proven
 * claim to the address beats it); *deleted is 0 when it had.
 */
int account_delete_unverified(struct db *, int64_t id, int *deleted);
/* Remove accounts never verified and older than before. */
int account_purge_unverified(struct db *, int64_t before, int *n);

/*
 * A deletion of the account takes effect at at (0: none pending).
 * *changed is 0 when there was nothing to change: setting one while
 * one is pending, or clearing none.
 */
int account_set_delete(struct db *, int64_t id, int64_t at, int *changed);
/*
 * The account (account_id, or any when 0) whose deletion is due first;
 * *id is 0 for none.  A locked account's waits: the hoster locks an
 * account under attack, and whoever asked may be the attacker.
 */
int account_delete_next_due(struct db *, int64_t account_id, int64_t now,
    int64_t *id);
/*
 * Remove the account and all its data, in the caller's transaction:
 * contacts, codes, sessions, links, resets, domains, devices, events.
 * 0 when it was not there.  The one place that knows what an
 * account's data is, for a deletion the owner asked for and the
 * hoster's `postern delete`.  The name stays taken (retired_names).
 */
int account_delete_all(struct db *, int64_t id);

#endif /* !POSTERN_ACCOUNT_H */
