#ifndef POSTERN_ONETIME_H
#define POSTERN_ONETIME_H

#include <stdint.h>

#include "crypto.h"

struct db;

/*
 * onetime.c: the 8-digit codes Postern mails or texts to a channel and
 * a person types back (table codes).  Each lives 15 minutes and allows
 * 5 tries.  A code has only 27 bits, so its stored hash is keyed with a
 * subkey of the master key: a copy of the database alone does not let
 * anyone try all 10^8 codes offline.
 */

#define ONETIME_DIGITS 8
#define ONETIME_TEXT   (ONETIME_DIGITS + 1)
#define ONETIME_TTL    (15 * 60)
#define ONETIME_TRIES  5

/* Why a typed code was refused: the page says something different. */
enum onetime_result {
	ONETIME_OK = 0,
	ONETIME_WRONG,	  /* tries remain */
	ONETIME_NONE,	  /* no live code: expired, used or voided */
	ONETIME_EXHAUSTED /* that was the last try: the code is void */
};

/*
 * A new code for (account, purpose, contact) within ref (what it
 * belongs to: a reset request's id; 0 for none); contact_id 0 is the
 * primary address.  Earlier live codes for the same four are voided.
 */
int onetime_create(struct db *, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t contact_id, int64_t ref,
    int64_t now, char code_out[ONETIME_TEXT]);
/* Check a typed code (digits only) against the live one and count the
 * try; *left receives the tries that remain after a wrong one. */
int onetime_check(struct db *, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t contact_id,
    const char *code, int64_t now, enum onetime_result *res, int *left);
/*
 * Which live code of (account, purpose) within ref is this?  *id gets
 * its row (0: none) and *contact_id the channel it was sent to (0: the
 * primary).  Nothing is used up and no try is counted: the caller
 * decides, and uses the code with onetime_use().
 */
int onetime_find(struct db *, const unsigned char key[KEY_BYTES],
    int64_t account_id, const char *purpose, int64_t ref, const char *code,
    int64_t now, int64_t *id, int64_t *contact_id);
/* Use code row id up, once: *won is 0 when another request did. */
int onetime_use(struct db *, int64_t id, int64_t now, int *won);
/* Void every live code of (account, purpose). */
int onetime_void(struct db *, int64_t account_id, const char *purpose,
    int64_t now);
/* Void the live codes of (account, purpose) within ref only. */
int onetime_void_ref(struct db *, int64_t account_id, const char *purpose,
    int64_t ref, int64_t now);
int onetime_purge(struct db *, int64_t now);

#endif /* !POSTERN_ONETIME_H */
