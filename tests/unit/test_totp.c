/*
 * test_totp.c: two-step verification codes.  The RFC's own vectors
 * prove the codes match every authenticator; the rest proves what an
 * attacker who watched someone type a code cannot do with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oath.h>
#include <sodium.h>

#include "crypto.h"
#include "totp.h"
#include "tap.h"

/* RFC 6238 Appendix B's SHA-1 key. */
static const unsigned char rfc_secret[TOTP_SECRET_BYTES] =
    "12345678901234567890";

static void
test_rfc_vectors(void)
{
	static const struct {
		int64_t	    t;
		const char *code;
	} v[] = {
		{ 59, "287082" },		    /* 94287082 */
		{ 1111111109, "081804" },	    /* 07081804 */
		{ 1111111111, "050471" },	    /* 14050471 */
		{ 1234567890, "005924" },	    /* 89005924 */
		{ 2000000000, "279037" },	    /* 69279037 */
		{ INT64_C(20000000000), "353130" }, /* 65353130, year 2603 */
	};
	char	code[TOTP_CODE_TEXT];
	int64_t step;
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ok(totp_code_at(rfc_secret, v[i].t, code),
		    "a code is made for t=%lld", (long long)v[i].t);
		is_str(code, v[i].code, "RFC 6238 vector at t=%lld",
		    (long long)v[i].t);
		step = -1;
		ok(totp_check(rfc_secret, v[i].code, v[i].t, 0, &step),
		    "and is accepted at that time");
		is_int(step, v[i].t / 30, "in step %lld",
		    (long long)(v[i].t / 30));
	}
	ok(!totp_code_at(rfc_secret, -1, code), "no code before 1970");
	is_str(code, "", "and out is empty");
}

static void
test_secret(void)
{
	unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];
	unsigned char zero[TOTP_SECRET_BYTES] = { 0 };
	char	      b32[TOTP_BASE32_TEXT], grouped[TOTP_GROUPED_TEXT];
	char	     *dec = NULL;
	size_t	      declen = 0;

	totp_secret_base32(rfc_secret, b32);
	is_str(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	    "the RFC key in base32, as authenticators take it");
	totp_secret_grouped(rfc_secret, grouped);
	is_str(grouped, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
	    "and grouped in fours for reading off the screen");

	ok(totp_secret_new(a) && totp_secret_new(b), "secrets are made");
	ok(memcmp(a, b, sizeof(a)) != 0, "two secrets differ");
	ok(memcmp(a, zero, sizeof(a)) != 0, "a secret is not all zeroes");
	totp_secret_base32(a, b32);
	is_int(strlen(b32), 32, "20 bytes are 32 base32 characters");
	ok(strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 32,
	    "all of them A-Z and 2-7, without padding");
	ok(oath_base32_decode(b32, strlen(b32), &dec, &declen) == OATH_OK &&
		declen == sizeof(a) && memcmp(dec, a, sizeof(a)) == 0,
	    "liboath decodes it back to the secret");
	free(dec);
}

static void
test_window(void)
{
	const int64_t now = 1700000015; /* step 56666667 */
	const int64_t s = now / 30;
	char	      prev[TOTP_CODE_TEXT], cur[TOTP_CODE_TEXT];
	char	      next[TOTP_CODE_TEXT], old[TOTP_CODE_TEXT];
	char	      late[TOTP_CODE_TEXT];
	int64_t	      step;

	totp_code_at(rfc_secret, now - 30, prev);
	totp_code_at(rfc_secret, now, cur);
	totp_code_at(rfc_secret, now + 30, next);
	totp_code_at(rfc_secret, now - 60, old);
	totp_code_at(rfc_secret, now + 60, late);

	step = 0;
	ok(totp_check(rfc_secret, cur, now, 0, &step) && step == s,
	    "the current code is accepted");
	ok(totp_check(rfc_secret, prev, now, 0, &step) && step == s - 1,
	    "the previous step's code is accepted (a slow typist)");
	ok(totp_check(rfc_secret, next, now, 0, &step) && step == s + 1,
	    "the next step's code is accepted (a phone clock ahead)");
	step = 42;
	ok(!totp_check(rfc_secret, old, now, 0, &step),
	    "a code two steps old is refused");
	ok(!totp_check(rfc_secret, late, now, 0, &step),
	    "a code two steps ahead is refused");
	is_int(step, 42, "a refusal leaves step_out alone");
	ok(totp_check(rfc_secret, cur, now - (now % 30) + 59, 0, &step) &&
		step == s,
	    "a code still works in the last second of the step "
	    "after its own");
	ok(!totp_check(rfc_secret, cur, now - (now % 30) + 60, 0, &step),
	    "and no longer one second later");
	ok(totp_check(rfc_secret, cur, now - (now % 30) - 30, 0, &step) &&
		step == s,
	    "it works from the first second of the step before");
	ok(!totp_check(rfc_secret, cur, now - (now % 30) - 31, 0, &step),
	    "but not one second earlier");
}

static void
test_replay(void)
{
	const int64_t now = 1700000015;
	const int64_t s = now / 30;
	char	      prev[TOTP_CODE_TEXT], cur[TOTP_CODE_TEXT];
	char	      next[TOTP_CODE_TEXT];
	int64_t	      last = 0, step;

	totp_code_at(rfc_secret, now - 30, prev);
	totp_code_at(rfc_secret, now, cur);
	totp_code_at(rfc_secret, now + 30, next);

	ok(totp_check(rfc_secret, cur, now, last, &last),
	    "the owner's code is accepted once");
	is_int(last, s, "and its step becomes the last step");
	ok(!totp_check(rfc_secret, cur, now, last, &step),
	    "an attacker who saw it cannot use it again in the same step");
	ok(!totp_check(rfc_secret, cur, now + 20, last, &step),
	    "nor a few seconds later, when it is still in the window");
	ok(!totp_check(rfc_secret, prev, now, last, &step),
	    "an older step's code is refused after a newer one");
	ok(totp_check(rfc_secret, next, now + 30, last, &last),
	    "the next step's code is accepted");
	ok(!totp_check(rfc_secret, cur, now + 30, last, &step),
	    "after it, the step before is refused though still in the window");
	ok(!totp_check(rfc_secret, next, now + 30, last, &step),
	    "and the code just accepted is refused");
}

static void
test_malformed(void)
{
	const int64_t now = 59;
	int64_t	      step;

	ok(totp_check(rfc_secret, "287082", now, 0, &step), "287082 is right");
	ok(!totp_check(rfc_secret, "28708", now, 0, &step),
	    "five digits are refused");
	ok(!totp_check(rfc_secret, "2870820", now, 0, &step),
	    "seven digits are refused");
	ok(!totp_check(rfc_secret, "94287082", now, 0, &step),
	    "the untruncated 8-digit code is refused");
	ok(!totp_check(rfc_secret, "287 082", now, 0, &step),
	    "spaces are the caller's to strip");
	ok(!totp_check(rfc_secret, " 287082", now, 0, &step),
	    "a leading space is refused");
	ok(!totp_check(rfc_secret, "28708a", now, 0, &step),
	    "a letter is refused");
	ok(!totp_check(rfc_secret, "", now, 0, &step), "empty is refused");
	ok(!totp_check(rfc_secret, NULL, now, 0, &step), "NULL is refused");
	ok(!totp_check(rfc_secret, "287082", -1, 0, &step),
	    "a negative time is refused");
	ok(!totp_check(rfc_secret, "000000", now, 0, &step),
	    "a wrong code is refused");
}

static void
test_uri(void)
{
	struct buf b;

	buf_init(&b);
	ok(totp_uri(rfc_secret, "ACME Co", "jane.doe+2fa@example.org", &b),
	    "a URI is made");
	is_str(b.p,
	    "otpauth://totp/ACME%20Co:jane.doe%2B2fa@example.org"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co"
	    "&algorithm=SHA1&digits=6&period=30",
	    "spaces are %%20 and '+' is escaped in the label and the query");
	buf_reset(&b);
	ok(totp_uri(rfc_secret, "Bob's & Co: #1", "a:b&c=d?e/f J\xc3\xbcrgen",
	       &b),
	    "a URI with awkward names");
	is_str(b.p,
	    "otpauth://totp/Bob%27s%20%26%20Co%3A%20%231:"
	    "a%3Ab%26c%3Dd%3Fe%2Ff%20J%C3%BCrgen"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	    "&issuer=Bob%27s%20%26%20Co%3A%20%231"
	    "&algorithm=SHA1&digits=6&period=30",
	    "':' cannot split the label, '&' cannot end a parameter, UTF-8 "
	    "is escaped byte by byte");
	buf_reset(&b);
	ok(!totp_uri(rfc_secret, "", "alice", &b),
	    "an empty issuer is refused");
	ok(!totp_uri(rfc_secret, "Postern", "", &b),
	    "an empty account is refused");
	ok(!totp_uri(rfc_secret, NULL, "alice", &b), "a NULL issuer too");
	is_int(b.len, 0, "and nothing is written");
	sodium_memzero(b.p, b.cap);
	buf_free(&b);
}

static void
test_seal(void)
{
	unsigned char key[KEY_BYTES], other[KEY_BYTES];
	unsigned char s[TOTP_SECRET_BYTES], got[TOTP_SECRET_BYTES];
	unsigned char box[TOTP_SEALED_BYTES], box2[TOTP_SEALED_BYTES];
	unsigned char zero[TOTP_SECRET_BYTES] = { 0 };
	size_t	      i;
	int	      refused = 1;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(other, sizeof(other));
	totp_secret_new(s);

	ok(totp_seal(key, 7, s, box, sizeof(box)), "a secret is sealed");
	ok(memmem(box, sizeof(box), s, sizeof(s)) == NULL,
	    "the sealed form does not hold the secret");
	ok(totp_open(key, 7, box, sizeof(box), got) &&
		memcmp(got, s, sizeof(s)) == 0,
	    "and opens to the same secret");
	ok(totp_seal(key, 7, s, box2, sizeof(box2)) &&
		memcmp(box, box2, sizeof(box)) != 0,
	    "sealing twice gives two forms (a fresh nonce each time)");
	ok(!totp_seal(key, 7, s, box2, sizeof(box2) - 1),
	    "a short output buffer is refused");

	memset(got, 0xaa, sizeof(got));
	ok(!totp_open(other, 7, box, sizeof(box), got),
	    "another key does not open it");
	ok(memcmp(got, zero, sizeof(got)) == 0,
	    "and the output is zeroed, not left half-written");
	for (i = 0; i < sizeof(box); i++) {
		memcpy(box2, box, sizeof(box));
		box2[i] ^= 0x01;
		if (totp_open(key, 7, box2, sizeof(box2), got))
			refused = 0;
	}
	ok(refused,
	    "flipping any one bit of nonce, tag or ciphertext is "
	    "detected");
	ok(!totp_open(key, 8, box, sizeof(box), got),
	    "a secret moved onto another account does not open");
	ok(!totp_open(key, 7, box, sizeof(box) - 1, got),
	    "a truncated form is refused");
	ok(!totp_open(key, 7, box, 0, got), "an empty form is refused");
	sodium_memzero(key, sizeof(key));
}

int
main(void)
{
	if (!crypto_init())
		return 1;
	test_rfc_vectors();
	test_secret();
	test_window();
	test_replay();
	test_malformed();
	test_uri();
	test_seal();
	return done_testing();
}
