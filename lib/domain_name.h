#ifndef POSTERN_DOMAIN_NAME_H
#define POSTERN_DOMAIN_NAME_H

#include <stddef.h>

/*
 * domain_name.c: domain names done once and properly.  A name is normalised
 * (lower case, no trailing dot, internationalised labels in their
 * A-label form by libidn2, RFC 1035/5890 label and length rules) before
 * anything compares it; registrable domains come from libpsl and
 * Debian's Public Suffix List.
 */

#define DOMAIN_MAX 253 /* bytes of a normalised name */

/* Why a name was refused, for messages a person understands. */
enum domain_error {
	DOMAIN_OK = 0,
	DOMAIN_EMPTY,	  /* nothing, or only dots */
	DOMAIN_TOO_LONG,  /* over 253 bytes, or a label over 63 */
	DOMAIN_BAD_LABEL, /* empty label ("a..b"), or hyphen at an end */
	DOMAIN_BAD_CHAR,  /* not a letter, digit or hyphen */
	DOMAIN_BAD_IDN,	  /* not a valid internationalised name */
	DOMAIN_ONE_LABEL, /* "localhost": no registrable domain */
	DOMAIN_NUMERIC,	  /* "192.0.2.1": an address, not a name */
	DOMAIN_URL	  /* "https://example.org/": a web address */
};

/* Normalise in into out; DOMAIN_OK or why not. */
enum domain_error domain_normalise(const char *in, char out[DOMAIN_MAX + 1]);
/* The error's name: its section in the BAD_DOMAIN message of
 * templates/messages.tpl.  Static storage; never NULL. */
const char *domain_error_name(enum domain_error err);
/*
 * The registrable domain (public suffix + one label) of a normalised
 * name.  When the name is itself a public suffix ("co.uk"), out is the
 * name and *is_suffix is set.  0 only when the list cannot be loaded.
 */
int domain_registrable(const char *name, char out[DOMAIN_MAX + 1],
    int *is_suffix);
/* The normalised domain of a validated email address. */
int domain_of_email(const char *email, char out[DOMAIN_MAX + 1]);

#endif /* !POSTERN_DOMAIN_NAME_H */
