/*
 * test_reset_record.c: the record of what proved a reset is read back
 * exactly when the reset is applied, since R4 turns 2FA off only when
 * the authenticator was not among the proofs.
 */
#include <string.h>

#include "reset.h"
#include "tap.h"

int
main(void)
{
	struct proof p[RESET_PROOFS_MAX], q[RESET_PROOFS_MAX];
	char	     text[256];
	size_t	     n;

	p[0] = (struct proof){ PROOF_EMAIL, 0, 5 };
	p[1] = (struct proof){ PROOF_PHONE, 42, 5 };
	p[2] = (struct proof){ PROOF_TOTP, 0, 5 };
	p[3] = (struct proof){ PROOF_RECOVERY_CODE, 0, 5 };
	p[4] = (struct proof){ PROOF_KIT, 0, 5 };
	reset_proofs_text(p, 5, text, sizeof(text));
	ok(strcmp(text, "email:0 phone:42 totp:0 recovery-code:0 kit:0") == 0,
	    "the record names kinds and channels: %s", text);
	n = reset_proofs_read(text, q, RESET_PROOFS_MAX);
	ok(n == 5 && q[1].kind == PROOF_PHONE && q[1].channel == 42 &&
		q[2].kind == PROOF_TOTP && q[4].kind == PROOF_KIT,
	    "and reads back as written");
	ok(!policy_reset_clears_twofa(q, n),
	    "a reset proven with the authenticator leaves 2FA on");
	n = reset_proofs_read("email:0 phone:42", q, RESET_PROOFS_MAX);
	ok(n == 2 && policy_reset_clears_twofa(q, n),
	    "one proven without it turns 2FA off");
	ok(reset_proofs_read("", q, RESET_PROOFS_MAX) == 0 &&
		reset_proofs_read("totpx:0 xtotp:1 totp", q,
		    RESET_PROOFS_MAX) == 0,
	    "nothing, or words that only look like a kind, read as nothing");
	ok(reset_proofs_read("email:1 email:2 email:3", q, 2) == 2,
	    "no more than max are read");
	return done_testing();
}
