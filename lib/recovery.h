#ifndef POSTERN_RECOVERY_H
#define POSTERN_RECOVERY_H

#include <stdint.h>

#include "code.h"
#include "crypto.h"

struct account;
struct config;
struct db;

/*
 * recovery.c: making the printable recovery code (R2) and its one-time
 * view.  The database keeps only the code's hash.  So that a reload of
 * the page cannot make a second code and kill the one on screen, the
 * POST that makes it also keeps a copy, sealed under a subkey of the
 * secret key (KEY_ID_VIEWS) and bound to the session that made it, and
 * the page that shows it is a GET.  The copy is destroyed when the
 * owner says the code is saved, when the view expires, when the
 * session ends (logout, a password change), and when the code is
 * replaced or used.
 */

#define RECOVERY_VIEW_TTL (10 * 60)

/*
 * A new recovery code for a, made in session session_id from ip: the
 * old code stops working, the copy for the view is kept, every verified
 * channel is told.  Inside a write transaction; 0 on a storage error.
 */
int recovery_code_make(struct db *, const struct config *,
    const unsigned char view_key[KEY_BYTES], const struct account *a,
    int64_t session_id, const unsigned char *browser, const char *ip,
    int64_t now);

struct recovery_view {
	int	found; /* 0: nothing to show (gone or never made) */
	char	code[CODE_RECOVERY_TEXT]; /* formatted; wipe after use */
	int64_t made_at;
	int64_t expires_at;
	int	replaced; /* the account had a code before this one */
};

/*
 * The code session_id made for account_id in browser (the hash of its
 * cookie, as given to recovery_code_make), while its view lives and it
 * is still the account's code.  Another browser sees nothing.  A copy
 * past its time, or of a code since replaced or used, is destroyed
 * here.  0 on a storage error.
 */
int recovery_view_open(struct db *, const unsigned char view_key[KEY_BYTES],
    int64_t session_id, const unsigned char *browser, int64_t account_id,
    int64_t now, struct recovery_view *);
/* The owner saved the code: destroy the session's copy. */
int recovery_view_drop(struct db *, int64_t session_id);
/* Destroy every copy whose view has expired (postern mailer, purge). */
int recovery_view_purge(struct db *, int64_t now);

/* What recovery_code_make() renders, for a program's template list. */
#define RECOVERY_NOTICE_TEMPLATES \
	"mail/recovery_code_new.tpl", "sms/recovery_code_new.tpl"

#endif /* !POSTERN_RECOVERY_H */
