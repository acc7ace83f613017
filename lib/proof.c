/*
 * proof.c: the password and code typed with an action (proof.h).
 */
#include <stdint.h>
#include <string.h>

#include "account.h"
#include "config.h"
#include "crypto.h"
#include "flow.h"
#include "policy.h"
#include "proof.h"
#include "session.h"
#include "twofa.h"

int
proof_read(struct flow *f, const char *password, const char *code,
    struct proof_typed *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->password = password;
	pt->code = code;
	if (!guard_for(f, f->acct->id, NULL, &pt->guard) ||
	    !guard_password_closed(f, &pt->guard, &pt->closed_until))
		return 0;
	if (pt->closed_until == 0 && password != NULL && password[0] != '\0')
		pt->password_right = pw_verify(f->acct->pw_hash, password);
	return 1;
}

enum outcome
proof_password(struct flow *f, const struct proof_typed *pt, int *typed)
{
	if (!flow_in_tx(f, "proof_password"))
		return OUT_STORAGE;
	if (pt->closed_until != 0) {
		f->said.until = pt->closed_until;
		return OUT_PASSWORD_LOCKED;
	}
	*typed = pt->password != NULL && pt->password[0] != '\0';
	if (*typed && !pt->password_right &&
	    !guard_password_failed(f, &pt->guard, EVENT_PASSWORD_FAILED))
		return OUT_STORAGE;
	return OUT_OK;
}

static enum outcome
proof_outcome(enum proof_verdict v)
{
	switch (v) {
	case PROOF_OK:
		return OUT_OK;
	case PROOF_NEED_PASSWORD:
		return OUT_NEED_PASSWORD;
	case PROOF_BAD_PASSWORD:
		return OUT_BAD_PASSWORD;
	case PROOF_NEED_CODE:
		return OUT_NEED_CODE;
	case PROOF_CODE_USED:
		return OUT_CODE_USED;
	case PROOF_CODE_LOCKED:
		return OUT_CODE_LOCKED;
	case PROOF_BAD_CODE:
		break;
	}
	return OUT_BAD_CODE;
}

enum outcome
proof_settle(struct flow *f, const struct proof_typed *pt, enum action act)
{
	const struct account *a = f->acct;
	enum typed_code	      code = CODE_ABSENT;
	enum proof_verdict    v;
	enum outcome	      o;
	int		      typed, twofa = a->totp_enabled_at != 0;

	if ((o = proof_password(f, pt, &typed)) != OUT_OK)
		return o;
	if (pt->password_right && twofa &&
	    !twofa_check(f, a, pt->code, 1, &code))
		return OUT_STORAGE;
	v = policy_proof(typed, pt->password_right, twofa, code,
	    f->sess != NULL &&
		policy_code_recent(act, f->sess->twofa_at, f->now,
		    f->cfg->twofa_recent));
	/* A code typed here is a code proven in this session (R5). */
	if (v == PROOF_OK && code == CODE_RIGHT && f->sess != NULL &&
	    !session_set_twofa(f->db, f->sess->id, f->now))
		return OUT_STORAGE;
	return proof_outcome(v);
}

enum outcome
proof_begin(struct flow *f, enum action act, const char *password,
    const char *code)
{
	struct proof_typed pt;
	enum outcome	   o;

	if (!policy_needs_proof(act))
		return flow_begin(f) == OUT_OK ? OUT_OK : OUT_STORAGE;
	if (!proof_read(f, password, code, &pt) || flow_begin(f) != OUT_OK)
		return OUT_STORAGE;
	if ((o = proof_settle(f, &pt, act)) == OUT_STORAGE)
		return flow_storage(f);
	if (o != OUT_OK)
		return flow_commit(f, o); /* the counts stay */
	return OUT_OK;
}
