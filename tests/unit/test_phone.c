/*
 * test_phone.c: recovery phone numbers as people type them.  A number
 * that is stored must reach the phone by SMS from any country, so what
 * is accepted is exactly E.164; what is refused says why.
 */
#include <stdio.h>
#include <string.h>

#include "phone.h"
#include "tap.h"

/* 1 if in normalises to want. */
static int
accepts(const char *in, const char *want)
{
	char		  out[PHONE_MAX + 1], again[PHONE_MAX + 1];
	enum phone_reason r;

	r = phone_normalise(in, out);
	if (r != PHONE_OK || strcmp(out, want) != 0) {
		printf("#   '%s': reason %d, got '%s', expected '%s'\n", in,
		    (int)r, out, want);
		return 0;
	}
	/* The stored form reads back as itself. */
	return phone_normalise(out, again) == PHONE_OK &&
	    strcmp(again, out) == 0;
}

/* 1 if in is refused for reason r, leaving out empty. */
static int
refuses(const char *in, enum phone_reason r)
{
	char		  out[PHONE_MAX + 1];
	enum phone_reason got;

	memcpy(out, "stale", 6);
	got = phone_normalise(in, out);
	if (got != r || out[0] != '\0') {
		printf("#   '%s': reason %d (expected %d), out '%s'\n",
		    in ? in : "(null)", (int)got, (int)r, out);
		return 0;
	}
	return 1;
}

static void
test_accepted(void)
{
	ok(accepts("+49 30 1234567", "+49301234567"),
	    "a German number with spaces");
	ok(accepts("+1 (415) 555-0100", "+14155550100"),
	    "a US number with brackets and a hyphen");
	ok(accepts("0049 30 1234567", "+49301234567"),
	    "a leading 00 is read as +");
	ok(accepts("+44 (0)20 7946 0000", "+442079460000"),
	    "the bracketed trunk 0 of '+44 (0)20' is dropped");
	ok(accepts("+49 (0) 30 1234567", "+49301234567"),
	    "also with spaces around it");
	ok(accepts("+39 06 1234 5678", "+390612345678"),
	    "an Italian 0 that is part of the number is kept");
	ok(accepts("(+44) 20 7946 0000", "+442079460000"),
	    "a bracketed country code");
	ok(accepts("+33.1.23.45.67.89", "+33123456789"), "dots");
	ok(accepts("+49 30/1234567", "+49301234567"), "a slash");
	ok(accepts("  +49 30 1234567\t", "+49301234567"),
	    "spaces and tabs around it");
	ok(accepts("+49\xc2\xa0"
		   "30\xc2\xa0"
		   "1234567",
	       "+49301234567"),
	    "no-break spaces from a copied web page");
	ok(accepts("+4930-123-45-67", "+49301234567"), "hyphens");
	ok(accepts("+49301234567", "+49301234567"), "E.164 as it is");
	ok(accepts("+1234 5678", "+12345678"), "8 digits is the minimum");
	ok(accepts("+123 456 789 012 345", "+123456789012345"),
	    "15 digits is the maximum");
}

static void
test_refused(void)
{
	char s[80];

	ok(refuses("", PHONE_EMPTY), "empty");
	ok(refuses("   \t ", PHONE_EMPTY), "only spaces");
	ok(refuses(NULL, PHONE_EMPTY), "NULL");
	ok(refuses(" - ", PHONE_EMPTY), "only separators");

	ok(refuses("030 1234567", PHONE_NOT_INTERNATIONAL),
	    "a national number without a country code");
	ok(refuses("(415) 555-0100", PHONE_NOT_INTERNATIONAL),
	    "a US number without +1");
	ok(refuses("49 30 1234567", PHONE_NOT_INTERNATIONAL),
	    "a country code without + or 00");
	ok(refuses("(0)30 1234567", PHONE_NOT_INTERNATIONAL),
	    "a bracketed trunk 0 with no country code before it");

	ok(refuses("+049 30 1234567", PHONE_BAD_COUNTRY),
	    "a country code starting with 0");
	ok(refuses("+0049 30 1234567", PHONE_BAD_COUNTRY), "+ and 00 both");
	ok(refuses("000 49 30 1234567", PHONE_BAD_COUNTRY), "000");

	ok(refuses("+49 30 123456a", PHONE_BAD_CHAR), "a letter");
	ok(refuses("+49 30 1234567 ext 12", PHONE_BAD_CHAR), "an extension");
	ok(refuses("49+30 1234567", PHONE_BAD_CHAR), "a + inside");
	ok(refuses("++49 30 1234567", PHONE_BAD_CHAR), "two +");
	ok(refuses("+1 ((415)) 555-0100", PHONE_BAD_CHAR), "nested brackets");
	ok(refuses("+1 (415 555-0100", PHONE_BAD_CHAR), "an open bracket");
	ok(refuses("+1 415) 555-0100", PHONE_BAD_CHAR), "a lone ')'");
	ok(refuses("+1 (415) (555) 0100", PHONE_BAD_CHAR), "two pairs");
	ok(refuses("+1 () 4155550100", PHONE_BAD_CHAR), "empty brackets");
	ok(refuses("+49 30 1234567\n", PHONE_BAD_CHAR), "a newline");
	ok(refuses("+49 30 1234567\r\nBcc: x", PHONE_BAD_CHAR),
	    "a header injection");
	ok(refuses("+\xd9\xa4\xd9\xa9 30 1234567", PHONE_BAD_CHAR),
	    "Arabic-Indic digits");
	ok(refuses("+49 30 1234567\xc2", PHONE_BAD_CHAR),
	    "a cut no-break space");
	ok(refuses("+49 30 1234567;", PHONE_BAD_CHAR), "a semicolon");
	ok(refuses("tel:+49301234567", PHONE_BAD_CHAR), "a tel: URI");

	ok(refuses("+49 301 23", PHONE_TOO_SHORT), "7 digits");
	ok(refuses("+", PHONE_TOO_SHORT), "+ alone");
	ok(refuses("00", PHONE_TOO_SHORT), "00 alone");
	ok(refuses("+1234 5678 9012 3456", PHONE_TOO_LONG), "16 digits");
	memset(s, ' ', 65);
	memcpy(s + 30, "+49301234567", 12);
	s[65] = '\0';
	ok(refuses(s, PHONE_TOO_LONG), "more than %d bytes of input",
	    PHONE_INPUT_MAX);
	s[64] = '\0';
	ok(accepts(s, "+49301234567"), "%d bytes are read", PHONE_INPUT_MAX);
}

/* The words of each refusal live in templates/messages.tpl. */
static void
test_names(void)
{
	enum phone_reason r, r2;
	int		  distinct = 1, worded = 1;
	char		  tag[64];
	FILE		 *f;
	static char	  text[64 * 1024];
	size_t		  n = 0;

	if ((f = fopen("templates/messages.tpl", "r")) != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	ok(n > 0, "templates/messages.tpl is there to read");
	is_str(phone_reason_name(PHONE_OK), "PHONE_OK", "a valid number");
	for (r = PHONE_EMPTY; r <= PHONE_TOO_LONG; r++) {
		snprintf(tag, sizeof(tag), "{{#%s}}", phone_reason_name(r));
		if (strncmp(phone_reason_name(r), "PHONE_", 6) != 0 ||
		    strstr(text, tag) == NULL)
			worded = 0;
		for (r2 = PHONE_EMPTY; r2 < r; r2++)
			if (strcmp(phone_reason_name(r),
				phone_reason_name(r2)) == 0)
				distinct = 0;
	}
	ok(worded, "every refusal has its words in messages.tpl");
	ok(distinct, "and each its own");
}

static void
test_mask(void)
{
	char m[PHONE_MASK_TEXT], m2[PHONE_MASK_TEXT];

	ok(phone_mask("+49301234567", m, sizeof(m)), "a German number");
	is_str(m, "+49 *** ***67", "shows +49 and the last two digits");
	ok(phone_mask("+14155550100", m, sizeof(m)), "a US number");
	is_str(m, "+1 *** ***00", "shows +1");
	ok(phone_mask("+79161234567", m, sizeof(m)), "a Russian number");
	is_str(m, "+7 *** ***67", "shows +7");
	ok(phone_mask("+35312345678", m, sizeof(m)), "an Irish number");
	is_str(m, "+353 *** ***78", "shows the three-digit +353");
	ok(phone_mask("+886912345678", m, sizeof(m)), "a Taiwanese number");
	is_str(m, "+886 *** ***78", "shows +886");
	ok(phone_mask("+123456789012345", m, sizeof(m)),
	    "the longest number fits");
	is_str(m, "+1 *** ***45", "in the same shape");
	ok(phone_mask("+4930123456789", m2, sizeof(m2)) &&
		strlen(m2) == strlen("+49 *** ***67"),
	    "a longer number of the same country masks to the same length");

	ok(!phone_mask("+49 30 1234567", m, sizeof(m)) && m[0] == '\0',
	    "a number that is not normalised is refused");
	ok(!phone_mask("0049301234567", m, sizeof(m)), "00 form refused");
	ok(!phone_mask("+049301234567", m, sizeof(m)), "+0 refused");
	ok(!phone_mask("+4930123", m, sizeof(m)), "7 digits refused");
	ok(!phone_mask("+1234567890123456", m, sizeof(m)), "16 refused");
	ok(!phone_mask("", m, sizeof(m)), "empty refused");
	ok(!phone_mask(NULL, m, sizeof(m)), "NULL refused");
	ok(!phone_mask("+49301234567", m, PHONE_MASK_TEXT - 1),
	    "a buffer smaller than PHONE_MASK_TEXT is refused");
}

int
main(void)
{
	test_accepted();
	test_refused();
	test_names();
	test_mask();
	return done_testing();
}
