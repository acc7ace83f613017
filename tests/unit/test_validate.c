/*
 * test_validate.c: what people may type as a username, an address and a
 * password.  An address that passes here goes into RCPT TO and mail
 * headers, and its domain into the R1 comparison, so the refusals matter
 * as much as the normal forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "validate.h"
#include "tap.h"

/* A string of n copies of part. */
static char *
repeat(const char *part, size_t n)
{
	size_t len = strlen(part), i;
	char  *s;

	if ((s = malloc(len * n + 1)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		memcpy(s + i * len, part, len);
	s[len * n] = '\0';
	return s;
}

/* validate_email(in) gives want; want NULL means refused. */
static void
email_is(const char *in, const char *want, const char *what)
{
	char out[255], again[255];
	int  rc;

	rc = validate_email(in, out);
	if (want == NULL) {
		ok(!rc && out[0] == '\0', "refused: %s", what);
		return;
	}
	ok(rc, "accepted: %s", what);
	is_str(out, want, "normalised: %s", what);
	ok(validate_email(out, again) && strcmp(out, again) == 0,
	    "the normal form re-validates to itself: %s", what);
}

static void
test_username(void)
{
	char out[33], *s;

	ok(validate_username("alice", out), "a plain name is accepted");
	is_str(out, "alice", "and kept");
	ok(validate_username("Alice.Smith", out), "upper case is accepted");
	is_str(out, "alice.smith", "and folded to lower case");
	ok(validate_username("9lives_x-y.z", out),
	    "digits, '.', '_' and '-' are allowed after the first");
	is_str(out, "9lives_x-y.z", "and kept");
	ok(validate_username("abc", out), "3 characters are enough");
	ok(!validate_username("ab", out), "2 characters are too few");
	is_str(out, "", "a refused name leaves out empty");
	s = repeat("a", 32);
	ok(validate_username(s, out), "32 characters are allowed");
	is_str(out, s, "and kept whole");
	free(s);
	s = repeat("a", 33);
	ok(!validate_username(s, out), "33 characters are too many");
	free(s);
	ok(!validate_username(".alice", out), "a leading '.' is refused");
	ok(!validate_username("_alice", out), "a leading '_' is refused");
	ok(!validate_username("-alice", out), "a leading '-' is refused");
	ok(!validate_username("al ice", out), "a space is refused");
	ok(!validate_username("al@ice", out), "'@' is refused");
	ok(!validate_username("al\xc3\xaf"
			      "ce",
	       out),
	    "non-ASCII is refused");
	ok(!validate_username("\xce\x91lice", out),
	    "a Greek capital alpha lookalike is refused");
	ok(!validate_username("alice\n", out), "a newline is refused");
	ok(!validate_username("", out), "an empty name is refused");
	ok(!validate_username(NULL, out), "NULL is refused");
}

static void
test_email_forms(void)
{
	email_is("alice@example.org", "alice@example.org", "a plain address");
	email_is("Alice.Smith@Example.ORG", "Alice.Smith@example.org",
	    "the domain is lower-cased, the local part kept");
	email_is("alice+postern@example.org", "alice+postern@example.org",
	    "a plus tag");
	email_is("a.b.c@mail.example.co.uk", "a.b.c@mail.example.co.uk",
	    "dots in the local part and many labels");
	email_is("!#$%&'*+-/=?^_`{|}~@example.org",
	    "!#$%&'*+-/=?^_`{|}~@example.org", "every atext special");
	email_is("\"john doe\"@example.org", "\"john doe\"@example.org",
	    "a quoted local part with a space");
	email_is("\"a@b\"@example.org", "\"a@b\"@example.org",
	    "a quoted '@' does not end the local part");
	email_is("\"a\\\"b\\\\c\"@example.org", "\"a\\\"b\\\\c\"@example.org",
	    "quoted pairs in a quoted local part");
	email_is("\"a..b.\"@example.org", "\"a..b.\"@example.org",
	    "dots are free inside quotes");
	email_is("x@123.example.org", "x@123.example.org",
	    "a label may start with a digit");
	email_is("x@r3--sn.example.org", "x@r3--sn.example.org",
	    "an ASCII label with '--' in third place is kept");
	email_is("  alice@example.org ", "alice@example.org",
	    "surrounding spaces from a phone keyboard are dropped");
}

static void
test_email_idn(void)
{
	email_is("info@B\xc3\xbc"
		 "cher.de",
	    "info@xn--bcher-kva.de",
	    "B\xc3\xbc"
	    "cher.de becomes its A-label");
	email_is("info@B\xc3\x9c"
		 "CHER.DE",
	    "info@xn--bcher-kva.de", "upper-case U-labels are mapped first");
	email_is("info@XN--BCHER-KVA.DE", "info@xn--bcher-kva.de",
	    "an upper-case A-label is lower-cased");
	email_is("info@xn--bcher-kva.de", "info@xn--bcher-kva.de",
	    "an A-label is kept");
	email_is("a@fa\xc3\x9f.de", "a@xn--fa-hia.de",
	    "sharp s is kept (non-transitional), not mapped to ss");
	email_is("a@example\xe3\x80\x82org", "a@example.org",
	    "an ideographic full stop separates labels");
	email_is("a@m\xc3\xbcnchen.de.", NULL, "a trailing dot on an IDN");
	email_is("a@xn--zzzz.de", NULL, "an A-label that is not punycode");
	email_is("a@xn--a.de", NULL, "an A-label of a forbidden character");
	email_is("a@\xe2\x92\x88.com", NULL, "a disallowed code point");
	email_is("a@b\xff.de", NULL, "invalid UTF-8 in the domain");
	email_is("a@b\xc0\xae.de", NULL, "an overlong '.' in the domain");
	email_is("j\xc3\xbcrgen@example.de", NULL,
	    "a non-ASCII local part (SMTPUTF8 is not supported)");
	email_is("\"j\xc3\xbcrgen\"@example.de", NULL,
	    "non-ASCII inside quotes");
}

static void
test_email_refused(void)
{
	char  *local, *s;
	size_t len;
	char   out[255];

	email_is("", NULL, "an empty string");
	email_is("@", NULL, "a lone '@'");
	email_is("alice", NULL, "no '@'");
	email_is("alice@", NULL, "no domain");
	email_is("@example.org", NULL, "no local part");
	email_is("a@b@example.org", NULL, "two '@'");
	email_is(".alice@example.org", NULL, "a leading dot");
	email_is("alice.@example.org", NULL, "a trailing dot");
	email_is("al..ice@example.org", NULL, "a doubled dot");
	email_is("al ice@example.org", NULL, "an unquoted space");
	email_is("al(ice)@example.org", NULL, "an RFC 5322 comment");
	email_is("\"\"@example.org", NULL, "an empty quoted local part");
	email_is("\"alice@example.org", NULL, "an unterminated quote");
	email_is("\"a\"b@example.org", NULL, "text after a closing quote");
	email_is("a\"b\"@example.org", NULL, "a quote inside an atom");
	email_is("\"a\\\"@example.org", NULL, "a quote escaped away");
	email_is("alice@example", NULL, "a dotless domain");
	email_is("alice@localhost", NULL, "localhost");
	email_is("alice@example.org.", NULL, "a trailing dot in the domain");
	email_is("alice@.example.org", NULL, "a leading dot in the domain");
	email_is("alice@example..org", NULL, "an empty label");
	email_is("alice@-example.org", NULL, "a label starting with '-'");
	email_is("alice@example-.org", NULL, "a label ending with '-'");
	email_is("alice@ex_ample.org", NULL, "an underscore in the domain");
	email_is("alice@exa mple.org", NULL, "a space in the domain");
	email_is("alice@example.org ;x", NULL, "text after the domain");
	email_is("alice@192.0.2.1", NULL, "an all-numeric top-level label");
	email_is("alice@[192.0.2.1]", NULL, "an IPv4 address literal");
	email_is("alice@[IPv6:2001:db8::1]", NULL, "an IPv6 address literal");
	ok(!validate_email(NULL, out), "NULL is refused");

	/* Header injection and control characters. */
	email_is("alice@example.org\r\nBcc: all@example.org", NULL,
	    "CR LF and a header after the address");
	email_is("alice@example.org\n", NULL, "a trailing LF");
	email_is("alice\r@example.org", NULL, "a CR in the local part");
	email_is("\"a\r\nb\"@example.org", NULL, "CR LF inside quotes");
	email_is("alice@exa\tmple.org", NULL, "a TAB");
	email_is("alice\x7f@example.org", NULL, "a DEL");
	email_is("alice@example.org\x1b", NULL, "an ESC");

	/* Lengths: local part 64, label 63, whole address 254. */
	local = repeat("a", 64);
	len = strlen(local) + 32;
	s = malloc(len);
	snprintf(s, len, "%s@example.org", local);
	email_is(s, s, "a 64-byte local part");
	free(local);
	free(s);
	local = repeat("a", 65);
	len = strlen(local) + 32;
	s = malloc(len);
	snprintf(s, len, "%s@example.org", local);
	email_is(s, NULL, "a 65-byte local part");
	free(local);
	free(s);
	local = repeat("l", 63);
	len = strlen(local) + 32;
	s = malloc(len);
	snprintf(s, len, "a@%s.org", local);
	email_is(s, s, "a 63-byte label");
	free(s);
	free(local);
	local = repeat("l", 64);
	len = strlen(local) + 32;
	s = malloc(len);
	snprintf(s, len, "a@%s.org", local);
	email_is(s, NULL, "a 64-byte label");
	free(s);
	free(local);

	{
		char *l64 = repeat("a", 64), *d63 = repeat("b", 63),
		     *x57 = repeat("c", 57), *x58 = repeat("c", 58);
		char addr[300];

		snprintf(addr, sizeof(addr), "%s@%s.%s.%s.org", l64, d63, d63,
		    x57);
		is_int(strlen(addr), 254, "the long address has 254 bytes");
		email_is(addr, addr, "a 254-byte address");
		snprintf(addr, sizeof(addr), "%s@%s.%s.%s.org", l64, d63, d63,
		    x58);
		is_int(strlen(addr), 255, "the longer address has 255 bytes");
		email_is(addr, NULL, "a 255-byte address");
		/* Short enough as typed, too long in A-label form. */
		snprintf(addr, sizeof(addr), "%s@%s.%s.%.50s\xc3\xbc.org", l64,
		    d63, d63, d63);
		is_int(strlen(addr), 249, "the IDN address has 249 bytes");
		email_is(addr, NULL,
		    "an IDN address that grows past 254 bytes as A-labels");
		free(l64);
		free(d63);
		free(x57);
		free(x58);
	}
	s = repeat("a", 5000);
	email_is(s, NULL, "5000 bytes of text");
	free(s);
}

static void
test_password_length(void)
{
	char *s;

	ok(!validate_password_length("1234567"), "7 characters are too few");
	ok(validate_password_length("12345678"), "8 characters are enough");
	s = repeat("\xc3\xbc", 7);
	ok(!validate_password_length(s),
	    "7 two-byte characters (14 bytes) are too few: code points count");
	free(s);
	s = repeat("\xc3\xbc", 8);
	ok(validate_password_length(s), "8 two-byte characters are enough");
	free(s);
	s = repeat("a", 256);
	ok(validate_password_length(s), "256 characters are allowed");
	free(s);
	s = repeat("a", 257);
	ok(!validate_password_length(s), "257 characters are too many");
	free(s);
	s = repeat("\xf0\x9f\x94\x91", 256);
	ok(validate_password_length(s),
	    "256 four-byte characters (1024 bytes) are allowed");
	free(s);
	s = repeat("\xf0\x9f\x94\x91", 257);
	ok(!validate_password_length(s), "257 four-byte characters are not");
	free(s);
	ok(!validate_password_length("abcdefg\xff"),
	    "invalid UTF-8 is refused");
	ok(!validate_password_length("abcdefg\xc0\xaf"),
	    "an overlong sequence is refused");
	ok(!validate_password_length("abcdefg\xed\xa0\x80"),
	    "a surrogate is refused");
	ok(!validate_password_length("abcdefg\xe2\x82"),
	    "a truncated sequence is refused");
	ok(!validate_password_length(NULL), "NULL is refused");
}

static void
test_password_weak(void)
{
	char *s;

	ok(password_is_weak("password", NULL, NULL), "\"password\" is weak");
	ok(password_is_weak("Password123", NULL, NULL),
	    "\"Password123\" is weak");
	ok(password_is_weak("12345678", NULL, NULL), "\"12345678\" is weak");
	ok(password_is_weak("qwertyuiop", NULL, NULL),
	    "a keyboard row is weak");
	ok(password_is_weak("iloveyou", NULL, NULL), "\"iloveyou\" is weak");
	ok(password_is_weak("11111111", NULL, NULL), "a repeat is weak");
	ok(password_is_weak("abcdefgh", NULL, NULL), "a sequence is weak");
	ok(!password_is_weak("correct horse battery staple", NULL, NULL),
	    "a passphrase of four words is not weak");
	ok(!password_is_weak("Xk9#mQ2$vL7p", NULL, NULL),
	    "a random password is not weak");

	ok(!password_is_weak("mwhitfield99", NULL, NULL),
	    "an unusual name with digits passes for a stranger");
	ok(password_is_weak("mwhitfield99", "mwhitfield", NULL),
	    "but is weak for the user of that name");
	ok(password_is_weak("mwhitfield99", NULL, "mwhitfield@example.org"),
	    "and for the owner of that local part");
	ok(password_is_weak("Mwhitfield@example.org", "someone",
	       "mwhitfield@example.org"),
	    "the address itself is weak");
	ok(!password_is_weak("mwhitfield99", "", ""),
	    "empty user words are ignored");
	ok(!password_is_weak("mwhitfield99", "other", "@example.org"),
	    "an address without a local part adds no empty word");

	ok(password_is_weak(NULL, NULL, NULL), "no password is weak");
	{
		char	     pw[257];
		unsigned int x = 12345;
		size_t	     i;

		/* A fixed pseudo-random password of the longest length. */
		for (i = 0; i < 256; i++) {
			x = x * 1103515245u + 12345u;
			pw[i] = (char)(33 + (x >> 16) % 94);
		}
		pw[256] = '\0';
		ok(!password_is_weak(pw, "someone", "someone@example.org"),
		    "a random 256-character password is not weak");
		memset(pw, 'a', 256);
		ok(password_is_weak(pw, NULL, NULL),
		    "256 times the same letter is weak");
	}
	s = repeat("a", 1024);
	ok(password_is_weak(s, NULL, NULL),
	    "1024 times \"a\" is weak: the length past what zxcvbn "
	    "analyses earns no credit");
	free(s);
	s = repeat("\xc3\xbc", 256);
	ok(password_is_weak(s, NULL, NULL),
	    "256 times a non-ASCII letter is weak");
	free(s);
	s = repeat("$5", 512);
	ok(password_is_weak(s, NULL, NULL),
	    "a long run of leet symbols is weak");
	free(s);
	ok(password_is_weak("", NULL, NULL), "an empty password is weak");
}

int
main(void)
{
	test_username();
	test_email_forms();
	test_email_idn();
	test_email_refused();
	test_password_length();
	test_password_weak();
	return done_testing();
}
