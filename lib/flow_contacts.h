#ifndef POSTERN_FLOW_CONTACTS_H
#define POSTERN_FLOW_CONTACTS_H

#include <stdint.h>

#include "flow.h"
#include "totp.h"

/*
 * flow_contacts.c: the ways back into an account as its owner keeps
 * them (R2): recovery emails and phones, each proven by a code sent to
 * it; the printable recovery code; the admin-assisted kit (R6); and
 * two-step verification.
 *
 * R8: every change asks, in its own form, for the password, and with
 * 2FA on for the authenticator's code (password, code below): a
 * borrowed session alone changes nothing here.  A contact is confirmed
 * with the code sent to it, from the session that added it.  Every
 * change is told to every verified channel at once, a removed one
 * included.  The flows run for the flow's logged-in account.
 */

/* Add a contact: kind "email" or "phone" as the form names it, value
 * as typed.  Its code goes out; *id receives its id. */
enum outcome flow_contact_add(struct flow *, const char *password,
    const char *code, const char *kind, const char *value, int64_t *id);
/* Confirm contact id with the code sent to it. */
enum outcome flow_contact_verify(struct flow *, int64_t id, const char *code);
/* Send contact id a new code. */
enum outcome flow_contact_resend(struct flow *, int64_t id);
/* Remove contact id. */
enum outcome flow_contact_remove(struct flow *, int64_t id,
    const char *password, const char *code);

/* A new recovery code, shown once by its view (recovery.c). */
enum outcome flow_recovery_code(struct flow *, const char *password,
    const char *code);
/* The recovery code this session made, while its view lives
 * (v->found 0: gone); wipe *v after use. */
struct recovery_view;
enum outcome flow_recovery_view(struct flow *, struct recovery_view *);
/* The owner saved the code: the copy this browser sees goes. */
enum outcome flow_recovery_saved(struct flow *);
/*
 * A new kit: one half to the first verified recovery address, one to
 * the hoster (admin_email).
 */
enum outcome flow_kit(struct flow *, const char *password, const char *code);

/* How long a secret shown by flow_twofa_setup() may be turned on. */
#define TWOFA_SETUP_TTL (15 * 60)

/*
 * Show a new authenticator secret (2FA off): made, kept pending for
 * this session, and handed out once in secret; wipe it after use.
 */
enum outcome flow_twofa_setup(struct flow *, const char *password,
    unsigned char secret[TOTP_SECRET_BYTES]);
/*
 * Turn 2FA on with the first code of the secret this session was
 * shown, within TWOFA_SETUP_TTL.
 */
enum outcome flow_twofa_enable(struct flow *, const char *code);
/* Was this session shown a secret it may still turn on?  0 on error. */
int flow_twofa_pending(struct flow *, int *pending);
/* Turn 2FA off. */
enum outcome flow_twofa_disable(struct flow *, const char *password,
    const char *code);
/*
 * May 2FA be turned on now (R2)?  OUT_OK, OUT_TWOFA_NEED_PHONE or
 * OUT_TWOFA_NEED_RECOVERY_CODE.
 */
enum outcome flow_twofa_allowed(struct flow *);

/*
 * The facts R2 weighs about the flow's account (inside the write
 * transaction when a change rests on them).  0 on a storage error.
 */
struct ways;
int flow_contacts_ways(struct flow *, struct ways *);
/* The same from counts already read: verified recovery contacts (the
 * primary address not counted), of which phones are phones. */
void flow_contacts_ways_of(const struct flow *, int verified, int phones,
    struct ways *);

/* The notices these flows render, for a program's template list. */
#define FLOW_CONTACTS_TEMPLATES \
	"mail/contact_code.tpl", "sms/contact_code.tpl", \
	    "mail/contact_added.tpl", "sms/contact_added.tpl", \
	    "mail/contact_removed.tpl", "sms/contact_removed.tpl", \
	    "mail/kit_user.tpl", "mail/kit_admin.tpl", "mail/kit_new.tpl", \
	    "sms/kit_new.tpl", "mail/twofa_changed.tpl", \
	    "sms/twofa_changed.tpl"

#endif /* !POSTERN_FLOW_CONTACTS_H */
