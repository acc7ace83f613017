/*
 * ref_page.c: the reference of the GET cases of `make bench`.
 *
 * A bare libfcgi program: it answers every request with a page of the
 * size asked for in the query string (`?n=BYTES`), after the same
 * security headers Postern sends.  No parsing beyond that, no
 * database, no template, no cookie: what lighttpd and FastCGI cost on
 * their own for a page of that size.  bench/bench.py picks n so the
 * whole response (headers and body) has the size of Postern's page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#define REF_MAX_BODY (256 * 1024)

/* The header block of lib/http.c, so both responses carry the same. */
static const char ref_headers[] =
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'; form-action 'self'\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cache-Control: no-store\r\n"
    "Content-Type: text/html; charset=utf-8\r\n";

static char ref_body[REF_MAX_BODY];

/* n from "n=DIGITS" anywhere in the query; 0 without one. */
static size_t
ref_size(const char *qs)
{
	const char *p;
	size_t	    n = 0;

	if (qs == NULL)
		return 0;
	for (p = qs; (p = strstr(p, "n=")) != NULL; p += 2)
		if (p == qs || p[-1] == '&')
			break;
	if (p == NULL)
		return 0;
	for (p += 2; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (size_t)(*p - '0');
		if (n > REF_MAX_BODY)
			return REF_MAX_BODY;
	}
	return n;
}

int
main(void)
{
	static const char line[] =
	    "<p>Postern bench reference page, the same size as the real one.</p>\n";
	FCGX_Request fr;
	size_t	     i, n;

	for (i = 0; i < sizeof(ref_body); i++)
		ref_body[i] = line[i % (sizeof(line) - 1)];
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "refpage: libfcgi initialisation failed\n");
		return 1;
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		n = ref_size(FCGX_GetParam("QUERY_STRING", fr.envp));
		FCGX_FPrintF(fr.out,
		    "Status: 200 OK\r\n%sContent-Length: %lu"
		    "\r\n\r\n",
		    ref_headers, (unsigned long)n);
		if (n > 0)
			FCGX_PutStr(ref_body, (int)n, fr.out);
	}
	FCGX_Finish_r(&fr);
	return 0;
}
