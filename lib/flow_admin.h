#ifndef POSTERN_FLOW_ADMIN_H
#define POSTERN_FLOW_ADMIN_H

#include "flow.h"

struct account;

/*
 * flow_admin.c: the hoster's brakes, for bin/postern.  Each takes the
 * account's name (or address) as typed, answers OUT_NO_ACCOUNT when
 * there is none, sets said.what to its name, and records its event
 * (which event.c also writes to syslog's authpriv facility).
 *
 * lock and disable differ:
 *  - lock: no automated reset (R3, R4) -- an ask, a proof or a
 *    pending change -- but the owner still logs in with the password
 *    they have.  For "someone is trying to reset my password".
 *  - disable: no login at all, every session ended, and recovery
 *    closed as by lock (a reset that changed the password of a
 *    disabled account would decide who gets in once it is enabled);
 *    a pending address change is voided too.  Nothing the owner does
 *    undoes it, only enable.  For an account that must not be used.
 */

/* The account named (for the listing commands). */
enum outcome flow_admin_account(struct flow *, const char *name,
    struct account *);
/* Lock (lock 1) or unlock; *stopped: a pending change was stopped. */
enum outcome flow_admin_lock(struct flow *, const char *name, int lock,
    int *stopped);
/*
 * Void every open reset request (*requests) and stop the pending change
 * (*stopped), its notice as a reject's, saying the hoster cancelled
 * it; OUT_RESET_NOTHING_PENDING when there was neither.
 */
enum outcome flow_admin_reset_cancel(struct flow *, const char *name,
    int *requests, int *stopped);
/*
 * Disable (disable 1) or enable; *changed is 0 when it already was,
 * *ended how many sessions ended, *stopped as for lock.
 */
enum outcome flow_admin_disable(struct flow *, const char *name, int disable,
    int *changed, int *ended, int *stopped);
/* End every session of the account (*ended: how many). */
enum outcome flow_admin_sessions_revoke(struct flow *, const char *name,
    int *ended);
/*
 * Turn 2FA off for someone who lost their authenticator, once the
 * hoster has checked who they are; every channel is told.
 * OUT_TWOFA_ALREADY_OFF when it was not on.
 */
enum outcome flow_admin_twofa_reset(struct flow *, const char *name);
/* Delete the account and everything of it; every channel is told
 * first, in the same transaction. */
enum outcome flow_admin_delete(struct flow *, const char *name);

#endif /* !POSTERN_FLOW_ADMIN_H */
