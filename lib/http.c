/*
 * http.c: reading one FastCGI request and writing its response.
 *
 * This is the edge: every value a handler sees has been bounded and
 * parsed here (the form syntax itself in form.c).  Parameters that
 * libfcgi hands out die at the next accept, so everything kept is
 * copied.  Every response carries the security headers of DESIGN
 * section 2, whatever the handler did.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "buf.h"
#include "http.h"
#include "log.h"

#define HTTP_MAX_UA 256

#define HTTP_CSP \
	"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; object-src 'none'; form-action 'self'"
#define HTTP_OTHER_SECURITY \
	"Referrer-Policy: no-referrer\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"Cache-Control: no-store\r\n"

static const char *http_security_headers = HTTP_CSP "\r\n" HTTP_OTHER_SECURITY;
static struct buf  http_security_custom;

static char *
http_strndup(const char *s, size_t max)
{
	size_t n;
	char  *p;

	n = strnlen(s, max);
	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Printable ASCII only: no controls, no bytes above 0x7e. */
static int
http_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * Browsers hold the redirect after a form's POST to the form-action of
 * the page the form was on: a login whose next is a host of auth_hosts
 * would stop at its 303.  Those hosts are allowed too, set at start-up.
 */
int
http_allow_form_hosts(const char *scheme, char *const *hosts, size_t n)
{
	struct buf b;
	size_t	   i;

	buf_init(&b);
	buf_puts(&b, HTTP_CSP);
	for (i = 0; i < n; i++) {
		/* config.c let only host[:port] names through; still, a
		 * header value takes no separator or control byte. */
		if (!http_printable(hosts[i]) ||
		    strpbrk(hosts[i], " ;,'\"") != NULL) {
			buf_free(&b);
			return 0;
		}
		buf_printf(&b, " %s://%s", scheme, hosts[i]);
	}
	buf_puts(&b, "\r\n" HTTP_OTHER_SECURITY);
	if (b.failed) {
		buf_free(&b);
		return 0;
	}
	buf_free(&http_security_custom);
	http_security_custom = b;
	http_security_headers = b.p;
	return 1;
}

static int
http_ip_valid(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static int
http_ip_trusted(const char *ip, char *const *proxies, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ip, proxies[i]) == 0)
			return 1;
	return 0;
}

/*
 * The client's address.  X-Forwarded-For is believed only from a
 * trusted proxy, and then read from the right: the first address that
 * is not itself a trusted proxy is the one that reached them.
 */
static void
http_client_ip(struct http_request *req, FCGX_ParamArray env,
    char *const *proxies, size_t nproxies)
{
	const char *remote, *xff;
	char	    list[512], *p, *start;

	remote = FCGX_GetParam("REMOTE_ADDR", env);
	if (remote == NULL || strlen(remote) >= sizeof(req->ip) ||
	    !http_ip_valid(remote)) {
		snprintf(req->ip, sizeof(req->ip), "unknown");
		return;
	}
	snprintf(req->ip, sizeof(req->ip), "%s", remote);
	if (!http_ip_trusted(remote, proxies, nproxies))
		return;
	xff = FCGX_GetParam("HTTP_X_FORWARDED_FOR", env);
	if (xff == NULL || strlen(xff) >= sizeof(list))
		return;
	snprintf(list, sizeof(list), "%s", xff);
	for (;;) {
		if ((p = strrchr(list, ',')) != NULL)
			start = p + 1;
		else
			start = list;
		while (*start == ' ' || *start == '\t')
			start++;
		if (strlen(start) >= sizeof(req->ip) || !http_ip_valid(start))
			return;
		memcpy(req->ip, start, strlen(start) + 1);
		if (!http_ip_trusted(start, proxies, nproxies) || p == NULL)
			return;
		*p = '\0';
	}
}

/* The request path without the query, from REQUEST_URI. */
static enum http_read_error
http_path(struct http_request *req, FCGX_ParamArray env, const char *base_path)
{
	const char *uri, *q;
	size_t	    n, nb;
	char	    path[HTTP_MAX_PATH + 1];

	uri = FCGX_GetParam("REQUEST_URI", env);
	if (uri == NULL) {
		const char *sn = FCGX_GetParam("SCRIPT_NAME", env);
		const char *pi = FCGX_GetParam("PATH_INFO", env);

		if ((size_t)snprintf(path, sizeof(path), "%s%s",
			sn != NULL ? sn : "",
			pi != NULL ? pi : "") >= sizeof(path))
			return HTTP_READ_MALFORMED;
	} else {
		q = strchr(uri, '?');
		n = q != NULL ? (size_t)(q - uri) : strlen(uri);
		if (n > HTTP_MAX_PATH)
			return HTTP_READ_MALFORMED;
		memcpy(path, uri, n);
		path[n] = '\0';
	}
	if (path[0] != '/' || !http_printable(path))
		return HTTP_READ_MALFORMED;
	/* Programs route on the path after base_url's path. */
	nb = strlen(base_path);
	if (strncmp(path, base_path, nb) == 0 &&
	    (path[nb] == '/' || path[nb] == '\0'))
		req->path = strdup(path[nb] == '\0' ? "/" : path + nb);
	else
		req->path = strdup(path);
	return req->path != NULL ? HTTP_READ_OK : HTTP_READ_NOMEM;
}

static enum http_read_error
http_body(struct http_request *req, FCGX_Request *fr)
{
	const char   *ctype, *clen;
	char	     *end, *body;
	unsigned long len;
	int	      got, ok;
	size_t	      tl;

	ctype = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	clen = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	if (clen == NULL || *clen == '\0')
		len = 0;
	else {
		errno = 0;
		len = strtoul(clen, &end, 10);
		if (errno != 0 || *end != '\0' || clen[0] == '-')
			return HTTP_READ_MALFORMED;
	}
	if (len > HTTP_MAX_BODY)
		return HTTP_READ_TOO_LARGE;
	if (len == 0)
		return HTTP_READ_OK;
	tl = strlen("application/x-www-form-urlencoded");
	if (ctype == NULL ||
	    strncasecmp(ctype, "application/x-www-form-urlencoded", tl) != 0 ||
	    (ctype[tl] != '\0' && ctype[tl] != ';'))
		return HTTP_READ_UNSUPPORTED;
	if ((body = malloc(len + 1)) == NULL)
		return HTTP_READ_NOMEM;
	got = FCGX_GetStr(body, (int)len, fr->in);
	body[got > 0 ? got : 0] = '\0';
	ok = (unsigned long)got == len && form_parse(&req->body, body, len);
	/* It may hold a password (ASVS 8.3.6). */
	sodium_memzero(body, len + 1);
	free(body);
	return ok ? HTTP_READ_OK : HTTP_READ_MALFORMED;
}

enum http_read_error
http_read(struct http_request *req, FCGX_Request *fr, const char *base_path,
    char *const *proxies, size_t nproxies)
{
	const char	    *m, *qs, *s;
	enum http_read_error rc;

	memset(req, 0, sizeof(*req));
	m = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	if (m == NULL)
		req->method = HTTP_OTHER;
	else if (strcmp(m, "GET") == 0)
		req->method = HTTP_GET;
	else if (strcmp(m, "HEAD") == 0)
		req->method = HTTP_HEAD;
	else if (strcmp(m, "POST") == 0)
		req->method = HTTP_POST;
	else
		req->method = HTTP_OTHER;
	http_client_ip(req, fr->envp, proxies, nproxies);
	if ((s = FCGX_GetParam("HTTP_USER_AGENT", fr->envp)) != NULL &&
	    (req->user_agent = http_strndup(s, HTTP_MAX_UA)) == NULL)
		return HTTP_READ_NOMEM;
	if ((s = FCGX_GetParam("HTTP_SEC_FETCH_SITE", fr->envp)) != NULL &&
	    strcmp(s, "cross-site") == 0)
		req->cross_site = 1;
	if ((s = FCGX_GetParam("HTTP_COOKIE", fr->envp)) != NULL &&
	    (req->cookie_header = http_strndup(s, 4096)) == NULL)
		return HTTP_READ_NOMEM;
	/*
	 * Apache's ErrorDocument hands a refusal of its own to a program
	 * as an internal redirect with REDIRECT_STATUS, a server variable
	 * no client can set: a body too large for Apache gets Postern's
	 * 413 page, with the security headers (apache.conf.example).
	 */
	if ((s = FCGX_GetParam("REDIRECT_STATUS", fr->envp)) != NULL &&
	    strcmp(s, "413") == 0)
		return HTTP_READ_TOO_LARGE;
	if ((rc = http_path(req, fr->envp, base_path)) != HTTP_READ_OK)
		return rc;
	qs = FCGX_GetParam("QUERY_STRING", fr->envp);
	if (qs != NULL && *qs != '\0') {
		if (strlen(qs) > HTTP_MAX_QUERY ||
		    !form_parse(&req->query, qs, strlen(qs)))
			return HTTP_READ_MALFORMED;
	}
	if (req->method == HTTP_POST)
		return http_body(req, fr);
	return HTTP_READ_OK;
}

void
http_request_free(struct http_request *req)
{
	if (req == NULL)
		return;
	free(req->path);
	free(req->cookie_header);
	free(req->user_agent);
	form_free(&req->query);
	form_free(&req->body);
	memset(req, 0, sizeof(*req));
}

void
http_response_init(struct http_response *resp)
{
	resp->status = 200;
	buf_init(&resp->headers);
	buf_init(&resp->body);
}

void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	buf_free(&resp->headers);
	buf_free(&resp->body);
}

int
http_header(struct http_response *resp, const char *name, const char *value)
{
	/* A value that could end the header block is never sent. */
	if (!http_printable(name) || !http_printable(value) ||
	    strchr(name, ':') != NULL) {
		log_err("http: refused a header with control characters");
		return 0;
	}
	return buf_printf(&resp->headers, "%s: %s\r\n", name, value);
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 401:
		return "Unauthorized";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

int
http_send(struct http_response *resp, FCGX_Request *fr, int head_only)
{
	if (resp->headers.failed || resp->body.failed) {
		/* Out of memory while building: send a bare, safe 503. */
		resp->status = 503;
		buf_reset(&resp->headers);
		buf_reset(&resp->body);
		buf_puts(&resp->headers,
		    "Content-Type: text/plain; charset=utf-8\r\n");
		buf_puts(&resp->body, "Service unavailable, try again.\n");
	}
	/* libfcgi's own printf knows no %zu. */
	if (FCGX_FPrintF(fr->out,
		"Status: %d %s\r\n%s%sContent-Length: %lu"
		"\r\n\r\n",
		resp->status, http_status_text(resp->status),
		http_security_headers,
		resp->headers.p != NULL ? resp->headers.p : "",
		(unsigned long)resp->body.len) < 0)
		return 0;
	if (!head_only && resp->body.len > 0 &&
	    FCGX_PutStr(resp->body.p, (int)resp->body.len, fr->out) < 0)
		return 0;
	return 1;
}

int
http_query_escape(struct buf *b, const char *s)
{
	return buf_escape(b, s, "");
}

int
http_link(struct buf *b, const char *base, const char *path, const char *name,
    const char *value)
{
	buf_printf(b, "%s%s", base, path);
	if (name != NULL) {
		buf_printf(b, "?%s=", name);
		http_query_escape(b, value);
	}
	return !b->failed;
}
