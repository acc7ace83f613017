#ifndef POSTERN_HTTP_H
#define POSTERN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "form.h"

/*
 * http.c: one request and its response over libfcgi.  The request is
 * read and validated once, here; handlers see only parsed values.
 */

#define HTTP_MAX_BODY  (16 * 1024) /* bytes of a form body */
#define HTTP_MAX_QUERY 4096
#define HTTP_MAX_PATH  1024

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER };

/* Why reading a request failed, so the caller picks the status. */
enum http_read_error {
	HTTP_READ_OK = 0,
	HTTP_READ_MALFORMED,   /* 400 */
	HTTP_READ_TOO_LARGE,   /* 413 */
	HTTP_READ_UNSUPPORTED, /* 415: a POST body that is not a form */
	HTTP_READ_NOMEM	       /* 503 */
};

struct http_request {
	enum http_method method;
	char		*path; /* after base_path; starts with '/' */
	struct form	 query;
	struct form	 body;
	char		*cookie_header;
	char		*user_agent;
	char		 ip[64];
	int		 cross_site; /* Sec-Fetch-Site: cross-site */
};

struct http_response {
	int	   status;
	struct buf headers; /* "Name: value\r\n" lines */
	struct buf body;
};

struct FCGX_Request;

/* Parse the FastCGI request.  base_path is stripped from the path;
 * proxies lists addresses whose X-Forwarded-For is believed. */
enum http_read_error http_read(struct http_request *, struct FCGX_Request *,
    const char *base_path, char *const *proxies, size_t nproxies);
void		     http_request_free(struct http_request *);

void http_response_init(struct http_response *);
void http_response_free(struct http_response *);
/* Add a header; refuses names or values holding CR, LF or controls. */
int http_header(struct http_response *, const char *name, const char *value);
/* Send status, security headers, the added headers and the body. */
/*
 * Let forms lead to these hosts (host[:port], reached by scheme) as
 * well as this site: the CSP's form-action.  Once, at start-up; 0 when
 * a name could break the header or memory ran out.
 */
int http_allow_form_hosts(const char *scheme, char *const *hosts, size_t n);
int http_send(struct http_response *, struct FCGX_Request *, int head_only);
const char *http_status_text(int status);
/* Append s percent-encoded for a query value (RFC 3986 unreserved kept). */
int http_query_escape(struct buf *, const char *s);
/* The address base + path, with "?name=value" (value escaped) when
 * name is not NULL, appended to b. */
int http_link(struct buf *, const char *base, const char *path,
    const char *name, const char *value);

#endif /* !POSTERN_HTTP_H */
