#ifndef POSTERN_PROOF_H
#define POSTERN_PROOF_H

#include <stdint.h>

#include "guard.h"
#include "outcome.h"
#include "policy.h"

struct flow;

/*
 * proof.c: the proof R8 asks for, in its own form, with every action
 * that changes the ways into an account: the current password, and
 * with two-step verification on a code from the authenticator.  No
 * time window makes a session "fresh"; a borrowed session alone never
 * gets through.  Wrong passwords and codes count where they count at
 * the login form (guard.c).
 *
 * Two steps, because a password check (Argon2id) must not hold the
 * database's write lock: proof_read() before the flow's transaction,
 * proof_settle() inside it.
 */

struct proof_typed {
	const char  *password; /* as typed; may be NULL */
	const char  *code;     /* as typed; may be NULL */
	int	     password_right;
	int64_t	     closed_until; /* password entry closed till then */
	struct guard guard;
};

/*
 * For the flow's logged-in account: is password entry open for this
 * browser, and is the password right?  One Argon2id verification when
 * a password was typed and entry is open.  0 on a storage error.
 */
int proof_read(struct flow *, const char *password, const char *code,
    struct proof_typed *);
/*
 * The password part of proof_settle(), for flows that weigh the code
 * themselves: OUT_PASSWORD_LOCKED (with said.until) while entry is
 * closed, OUT_STORAGE, or OUT_OK with a wrong password counted and
 * *typed set when one was typed.
 */
enum outcome proof_password(struct flow *, const struct proof_typed *,
    int *typed);
/*
 * Inside the flow's write transaction: count a wrong password, check
 * the code when the password was right (a wrong password never costs
 * a TOTP guess), and give the verdict on the proof of the action:
 * OUT_OK, or why not, with said.until for a closed door.  (An email
 * change may rest on a code typed earlier in this session, when the
 * hoster allows it: policy_code_recent.)  On a refusal the caller
 * commits all the same, so that the counts stay.
 */
enum outcome proof_settle(struct flow *, const struct proof_typed *,
    enum action);
/*
 * Both, for a flow about to take the action: OUT_OK with the flow's
 * write transaction open, or the refusal (its counts committed) or
 * OUT_STORAGE with no transaction open.  Whether the action asks for a
 * proof at all is policy_needs_proof()'s to say.
 */
enum outcome proof_begin(struct flow *, enum action, const char *password,
    const char *code);

#endif /* !POSTERN_PROOF_H */
