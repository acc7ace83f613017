/*
 * test_domain.c: domain names become one canonical string before R1
 * compares them, and R1's verdicts (policy.c) in a few lines each.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "domain_name.h"
#include "policy.h"

static const char *
norm(const char *in)
{
	static char out[DOMAIN_MAX + 1];

	if (domain_normalise(in, out) != DOMAIN_OK)
		return NULL;
	return out;
}

static const char *
reg(const char *in)
{
	static char out[DOMAIN_MAX + 1];
	char	    n[DOMAIN_MAX + 1];
	int	    suffix;

	if (domain_normalise(in, n) != DOMAIN_OK ||
	    !domain_registrable(n, out, &suffix))
		return NULL;
	return out;
}

static const char *
email_reg(const char *addr)
{
	static char out[DOMAIN_MAX + 1];
	char	    d[DOMAIN_MAX + 1];
	int	    suffix;

	if (!domain_of_email(addr, d) || !domain_registrable(d, out, &suffix))
		return NULL;
	return out;
}

/* Each error's name has a section of words in messages.tpl. */
static int
words_for_every_error(void)
{
	static char	  text[64 * 1024];
	char		  tag[64];
	enum domain_error e;
	FILE		 *f;
	size_t		  n = 0;

	if ((f = fopen("templates/messages.tpl", "r")) != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	for (e = DOMAIN_EMPTY; e <= DOMAIN_URL; e++) {
		snprintf(tag, sizeof(tag), "{{#%s}}", domain_error_name(e));
		if (strstr(text, tag) == NULL)
			return 0;
	}
	return n > 0;
}

static void
test_normalise(void)
{
	char   long_label[80], long_name[300], out[DOMAIN_MAX + 1];
	size_t i;

	is_str(norm("Example.COM"), "example.com", "case is folded");
	is_str(norm("example.com."), "example.com", "one trailing dot goes");
	ok(norm("example.com..") == NULL, "two trailing dots are refused");
	is_str(norm("Bücher.DE."), "xn--bcher-kva.de",
	    "an internationalised name becomes its A-label form");
	is_str(norm("xn--bcher-kva.de"), "xn--bcher-kva.de",
	    "an A-label name stays as it is");
	is_str(norm("BÜCHER.de"), "xn--bcher-kva.de",
	    "upper-case U-labels are folded too");
	ok(norm("xn--zz.com") == NULL, "a broken A-label is refused");
	is_int(domain_normalise("a..b.com", out), DOMAIN_BAD_LABEL,
	    "an empty label is refused");
	is_int(domain_normalise("..", out), DOMAIN_BAD_LABEL,
	    "only dots is refused");
	is_int(domain_normalise("", out), DOMAIN_EMPTY, "empty is refused");
	is_int(domain_normalise(".", out), DOMAIN_EMPTY,
	    "the root alone is refused");
	is_int(domain_normalise("-a.com", out), DOMAIN_BAD_LABEL,
	    "a leading hyphen is refused");
	is_int(domain_normalise("a-.com", out), DOMAIN_BAD_LABEL,
	    "a trailing hyphen is refused");
	is_int(domain_normalise("a_b.com", out), DOMAIN_BAD_CHAR,
	    "an underscore is refused");
	is_int(domain_normalise("<script>.com", out), DOMAIN_BAD_CHAR,
	    "markup is refused");
	is_int(domain_normalise("ex ample.com", out), DOMAIN_BAD_CHAR,
	    "a space is refused");
	is_int(domain_normalise("https://example.org/", out), DOMAIN_URL,
	    "a web address is refused as one, to say what to take out");
	is_int(domain_normalise("example.org/path", out), DOMAIN_URL,
	    "so is a name with a path");
	is_int(domain_normalise("localhost", out), DOMAIN_ONE_LABEL,
	    "a single label has no registrable domain");
	is_int(domain_normalise("192.0.2.1", out), DOMAIN_NUMERIC,
	    "an IPv4 address is not a domain name");
	memset(long_label, 'a', 63);
	long_label[63] = '\0';
	snprintf(long_name, sizeof(long_name), "%s.com", long_label);
	is_str(norm(long_name), long_name, "a 63-byte label is accepted");
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	snprintf(long_name, sizeof(long_name), "%s.com", long_label);
	is_int(domain_normalise(long_name, out), DOMAIN_TOO_LONG,
	    "a 64-byte label is refused");
	/* 4 labels of 61 + 3 dots + ".com" = 251; 253 is the limit. */
	for (i = 0; i < 300; i++)
		long_name[i] = (i % 62 == 61) ? '.' : 'b';
	long_name[249] = '\0';
	snprintf(long_name + 249, sizeof(long_name) - 249, ".com");
	ok(norm(long_name) != NULL && strlen(norm(long_name)) == 253,
	    "a 253-byte name is accepted");
	long_name[0] = '\0';
	for (i = 0; i < 300; i++)
		long_name[i] = 'c';
	long_name[299] = '\0';
	is_int(domain_normalise(long_name, out), DOMAIN_TOO_LONG,
	    "300 characters are refused");
	ok(words_for_every_error(),
	    "every refusal has its words in "
	    "templates/messages.tpl");
}

static void
test_registrable(void)
{
	int  suffix;
	char out[DOMAIN_MAX + 1];

	is_str(reg("mail.example.com"), "example.com",
	    "a subdomain's registrable domain is its parent");
	is_str(reg("example.com"), "example.com",
	    "a registrable domain is its own");
	is_str(reg("a.example.co.uk"), "example.co.uk",
	    "multi-label public suffixes come from the list");
	is_str(reg("alice-corp.test"), "alice-corp.test",
	    "an unlisted top-level name uses the default rule");
	ok(domain_registrable("co.uk", out, &suffix) && suffix,
	    "a public suffix is flagged");
	ok(domain_registrable("github.io", out, &suffix) && suffix,
	    "private-section suffixes count too");
	is_str(reg("foo.github.io"), "foo.github.io",
	    "a name under a private suffix is registrable on its own");
}

static void
test_email(void)
{
	is_str(email_reg("a@example.com"), "example.com",
	    "the domain of an address");
	is_str(email_reg("a@x.example.com"), "example.com",
	    "a subdomain address counts for its registrable domain");
	is_str(email_reg("a+tag@Example.COM"), "example.com",
	    "plus tags and case do not matter");
	is_str(email_reg("\"a@b\"@example.org"), "example.org",
	    "a quoted local part with an @ is read from the last @");
	is_str(email_reg("kim@bücher.de"), "xn--bcher-kva.de",
	    "an IDN address meets its A-label domain");
	ok(email_reg("no-at-sign") == NULL, "no @, no domain");
}

static void
test_policy(void)
{
	const char *own[] = { "alice-corp.test", "example.com" };
	const char *addrs[] = { "gmail.com" };
	const char *conflict;

	is_int(policy_r1_address(RECOVERY_ACCOUNT,
		   email_reg("alice@alice-corp.test"), own, 2, 0, &conflict),
	    R1_OWN_DOMAIN, "an address on a managed domain is refused");
	is_str(conflict, "alice-corp.test", "and the refusal names it");
	is_int(policy_r1_address(RECOVERY_ACCOUNT,
		   email_reg("a@mail.example.com"), own, 2, 0, &conflict),
	    R1_OWN_DOMAIN,
	    "managing example.com rules out a@mail.example.com");
	is_int(policy_r1_address(RECOVERY_ACCOUNT, reg("mail.example.com"),
		   (const char *[]){ "example.com" }, 1, 0, &conflict),
	    R1_OWN_DOMAIN,
	    "managing mail.example.com rules out a@example.com");
	is_int(policy_r1_address(RECOVERY_ACCOUNT,
		   email_reg("a@notexample.com"), own, 2, 0, &conflict),
	    R1_ALLOWED, "a look-alike name is a different domain");
	is_int(policy_r1_address(RECOVERY_ACCOUNT, email_reg("a@b.co.uk"),
		   (const char *[]){ "a.co.uk" }, 1, 0, &conflict),
	    R1_ALLOWED, "a.co.uk and b.co.uk are free of each other");
	is_int(policy_r1_address(RECOVERY_ACCOUNT, email_reg("a@gmail.com"),
		   own, 2, 1, &conflict),
	    R1_ALLOWED,
	    "another account's domain does not count under the account rule");
	is_int(policy_r1_address(RECOVERY_PLATFORM, email_reg("a@gmail.com"),
		   own, 2, 1, &conflict),
	    R1_PLATFORM_DOMAIN, "it does under the platform rule");
	is_int(policy_r1_address(RECOVERY_PLATFORM, email_reg("a@gmail.com"),
		   own, 2, 0, &conflict),
	    R1_ALLOWED, "a domain nobody verified blocks nobody");
	is_int(policy_r1_domain(reg("mail.gmail.com"), addrs, 1, &conflict),
	    R1_OWN_DOMAIN,
	    "an account cannot add the domain of its own "
	    "address");
	is_str(conflict, "gmail.com", "and the refusal names it");
	is_int(policy_r1_domain(reg("alice-corp.test"), addrs, 1, &conflict),
	    R1_ALLOWED, "it can add an unrelated domain");
}

int
main(void)
{
	test_normalise();
	test_registrable();
	test_email();
	test_policy();
	return done_testing();
}
