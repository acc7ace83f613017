/*
 * domain_name.c: normalising domain names and finding registrable domains.
 *
 * Rule R1 compares registrable domains, so two spellings of one name
 * must become one string: "Bücher.DE." and "xn--bcher-kva.de" are the
 * same domain.  libidn2 does the IDNA2008 work (with UTS #46
 * non-transitional mapping, which also folds case); this file then
 * checks the LDH rules on the result, so nothing else in Postern ever
 * sees a name that is not plain lower-case ASCII.
 */
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "domain_name.h"
#include "log.h"

/* Longer input cannot normalise into 253 bytes in any sane way. */
#define DOMAIN_MAX_INPUT 1024

const char *
domain_error_name(enum domain_error err)
{
	static const char *const names[] = {
		[DOMAIN_OK] = "DOMAIN_OK",
		[DOMAIN_EMPTY] = "DOMAIN_EMPTY",
		[DOMAIN_TOO_LONG] = "DOMAIN_TOO_LONG",
		[DOMAIN_BAD_LABEL] = "DOMAIN_BAD_LABEL",
		[DOMAIN_BAD_CHAR] = "DOMAIN_BAD_CHAR",
		[DOMAIN_BAD_IDN] = "DOMAIN_BAD_IDN",
		[DOMAIN_ONE_LABEL] = "DOMAIN_ONE_LABEL",
		[DOMAIN_NUMERIC] = "DOMAIN_NUMERIC",
		[DOMAIN_URL] = "DOMAIN_URL",
	};

	return (unsigned)err < sizeof(names) / sizeof(names[0]) ?
	    names[err] :
	    "DOMAIN_BAD_CHAR";
}

/* RFC 1035 section 2.3.1 as relaxed by RFC 1123, on normalised ASCII. */
static enum domain_error
domain_check_ldh(const char *s)
{
	size_t	    len = 0, labels = 0;
	const char *label = s, *p;
	int	    numeric_last = 1;

	if (strlen(s) > DOMAIN_MAX)
		return DOMAIN_TOO_LONG;
	for (p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			len = (size_t)(p - label);
			if (len == 0)
				return DOMAIN_BAD_LABEL;
			if (len > 63)
				return DOMAIN_TOO_LONG;
			if (label[0] == '-' || label[len - 1] == '-')
				return DOMAIN_BAD_LABEL;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
			numeric_last = 1;
			continue;
		}
		if (*p >= '0' && *p <= '9')
			continue;
		numeric_last = 0;
		if ((*p >= 'a' && *p <= 'z') || *p == '-')
			continue;
		return DOMAIN_BAD_CHAR;
	}
	/* A top-level label of digits only makes an IPv4 address. */
	if (numeric_last)
		return DOMAIN_NUMERIC;
	if (labels < 2)
		return DOMAIN_ONE_LABEL;
	return DOMAIN_OK;
}

/*
 * in copied into buf (DOMAIN_MAX_INPUT + 1 bytes), without a trailing
 * dot and with ASCII letters lowered; *ascii = 0 when it holds other
 * bytes, which only IDNA may judge.
 */
static enum domain_error
domain_clean(const char *in, char *buf, int *ascii)
{
	size_t n, i;

	n = strnlen(in, DOMAIN_MAX_INPUT + 1);
	if (n > DOMAIN_MAX_INPUT)
		return DOMAIN_TOO_LONG;
	memcpy(buf, in, n + 1);
	/* One trailing dot names the root: "example.org." is example.org. */
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (n == 0)
		return DOMAIN_EMPTY;
	/* A web address pasted whole: say what to take out of it. */
	if (strstr(buf, "://") != NULL || strchr(buf, '/') != NULL)
		return DOMAIN_URL;
	*ascii = 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x80)
			*ascii = 0;
		else if (c <= 0x20 || c == 0x7f)
			return DOMAIN_BAD_CHAR;
		else if (c >= 'A' && c <= 'Z')
			buf[i] = (char)(c - 'A' + 'a');
	}
	return DOMAIN_OK;
}

/* An internationalised name (or one with A-labels) into out, as ASCII. */
static enum domain_error
domain_idna(const char *buf, char out[DOMAIN_MAX + 1])
{
	char		 *ace = NULL;
	int		  rc;
	enum domain_error err;

	/* Empty labels would be dropped or refused obscurely by libidn2. */
	if (buf[0] == '.' || strstr(buf, "..") != NULL)
		return DOMAIN_BAD_LABEL;
	rc = idn2_to_ascii_8z(buf, &ace,
	    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT | IDN2_USE_STD3_ASCII_RULES);
	if (rc != IDN2_OK) {
		free(ace);
		return rc == IDN2_TOO_BIG_DOMAIN || rc == IDN2_TOO_BIG_LABEL ?
		    DOMAIN_TOO_LONG :
		    DOMAIN_BAD_IDN;
	}
	err = domain_check_ldh(ace);
	if (err == DOMAIN_OK)
		memcpy(out, ace, strlen(ace) + 1);
	idn2_free(ace);
	return err;
}

enum domain_error
domain_normalise(const char *in, char out[DOMAIN_MAX + 1])
{
	char		  buf[DOMAIN_MAX_INPUT + 1];
	int		  ascii;
	enum domain_error err;

	out[0] = '\0';
	if ((err = domain_clean(in, buf, &ascii)) != DOMAIN_OK)
		return err;
	if (!ascii || strncmp(buf, "xn--", 4) == 0 ||
	    strstr(buf, ".xn--") != NULL)
		return domain_idna(buf, out);
	/* Plain LDH names need no IDNA work. */
	if ((err = domain_check_ldh(buf)) != DOMAIN_OK)
		return err;
	memcpy(out, buf, strlen(buf) + 1);
	return DOMAIN_OK;
}

/* The list is loaded once per process: libpsl reads Debian's file. */
static const psl_ctx_t *
domain_psl(void)
{
	static psl_ctx_t *psl;

	if (psl == NULL && (psl = psl_latest(NULL)) == NULL)
		log_err("libpsl: cannot load the Public Suffix List");
	return psl;
}

int
domain_registrable(const char *name, char out[DOMAIN_MAX + 1], int *is_suffix)
{
	const psl_ctx_t *psl;
	const char	*reg;

	*is_suffix = 0;
	if ((psl = domain_psl()) == NULL)
		return 0;
	reg = psl_registrable_domain(psl, name);
	if (reg == NULL) {
		*is_suffix = 1;
		reg = name;
	}
	if (strlen(reg) > DOMAIN_MAX)
		return 0;
	memcpy(out, reg, strlen(reg) + 1);
	return 1;
}

int
domain_of_email(const char *email, char out[DOMAIN_MAX + 1])
{
	const char *at;

	/* The last '@': a quoted local part may hold one. */
	if ((at = strrchr(email, '@')) == NULL)
		return 0;
	return domain_normalise(at + 1, out) == DOMAIN_OK;
}
