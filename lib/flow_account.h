#ifndef POSTERN_FLOW_ACCOUNT_H
#define POSTERN_FLOW_ACCOUNT_H

#include <stdint.h>

#include "flow.h"

/*
 * flow_account.c: what the account pages do: ending sessions.
 *
 * Ending the session one is in is logging out.  Ending any other (one,
 * or every one, ASVS 3.3.4) changes who is in, so R8 asks for the
 * password, and the authenticator with 2FA: a session left open
 * somewhere, or borrowed, must not be able to shut its owner out.
 */

/*
 * End session id of the flow's account, or every other one (id 0);
 * *ended receives how many.  OUT_OK, a proof's refusal, or
 * OUT_NO_SESSION_ID.
 */
enum outcome	 flow_sessions_end(struct flow *, int64_t id,
		    const char *password, const char *code, int *ended);

#endif /* !POSTERN_FLOW_ACCOUNT_H */
