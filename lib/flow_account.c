/*
 * flow_account.c: ending sessions (flow_account.h).
 */
#include <stdint.h>
#include <stdio.h>

#include "account.h"
#include "event.h"
#include "flow_account.h"
#include "proof.h"
#include "session.h"

enum outcome
flow_sessions_end(struct flow *f, int64_t id, const char *password,
    const char *code, int *ended)
{
	enum outcome		 o;
	char			 n[16];
	int			 owned;

	*ended = 0;
	if (id != 0 && id == f->sess->id) {
		/* Its own: that is logging out, which needs no proof. */
		if (flow_begin(f) != OUT_OK)
			return OUT_STORAGE;
		if (!session_end(f->db, id) ||
		    !event_add(f->db, f->acct->id, EVENT_LOGOUT, f->ip, NULL,
		    f->now))
			return flow_storage(f);
		*ended = 1;
		return flow_commit(f, OUT_OK);
	}
	/* Another's session, or none: no proof is asked for nothing. */
	if (id != 0 && !session_owned(f->db, f->acct->id, id, &owned))
		return OUT_STORAGE;
	if (id != 0 && !owned)
		return OUT_NO_SESSION_ID;
	if ((o = proof_begin(f, ACTION_END_SESSIONS, password, code)) != OUT_OK)
		return o;
	if (id != 0) {
		if (!session_end_own(f->db, f->acct->id, id, ended))
			return flow_storage(f);
		if (!*ended)
			return flow_rollback(f, OUT_NO_SESSION_ID);
	} else if (!session_end_others(f->db, f->acct->id, f->sess->id,
	    ended))
		return flow_storage(f);
	snprintf(n, sizeof(n), "%d", *ended);
	if (!event_add(f->db, f->acct->id, id != 0 ? EVENT_SESSION_ENDED :
	    EVENT_SESSIONS_ENDED, f->ip, id != 0 ? NULL : n, f->now))
		return flow_storage(f);
	return flow_commit(f, OUT_OK);
}
