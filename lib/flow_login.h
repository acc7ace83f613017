#ifndef POSTERN_FLOW_LOGIN_H
#define POSTERN_FLOW_LOGIN_H

#include "crypto.h"
#include "flow.h"
#include "session.h"

/*
 * flow_login.c: logging in, its second step, and logging out.
 *
 * Every login runs exactly one Argon2id verification, against
 * dummy_hash when the name is unknown, and a wrong name and a wrong
 * password answer alike (OUT_LOGIN_WRONG).  Wrong passwords count per
 * browser class (guard.c): a browser that has logged in to the account
 * before keeps its own count, so strangers who know the name can never
 * shut the owner out.  A login replaces the browser's session.
 */

/*
 * Name (or address) and password: OUT_OK with a new session whose
 * token is in cookie and stage in *stage (SESSION_NEED_2FA with 2FA),
 * or OUT_LOGIN_WRONG, OUT_LIMIT_LOGIN, OUT_LIMIT_LOGIN_IP (said.until),
 * OUT_ACCOUNT_DISABLED (`postern disable`, for the right password).
 */
enum outcome flow_login(struct flow *, const char *name, const char *password,
    const char *dummy_hash, char cookie[TOKEN_TEXT],
    enum session_stage *stage);
/* The second step: the code completes the half session into a new
 * full one (cookie), or OUT_BAD_CODE, OUT_CODE_USED, OUT_CODE_LOCKED,
 * OUT_NEED_CODE, OUT_LOGIN_EXPIRED. */
enum outcome flow_login_code(struct flow *, const char *code,
    char cookie[TOKEN_TEXT]);
/* End the session of the flow (if any). */
enum outcome flow_logout(struct flow *);

#endif /* !POSTERN_FLOW_LOGIN_H */
