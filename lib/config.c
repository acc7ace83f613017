/*
 * config.c: the configuration file (DESIGN section 6).
 *
 * The format is deliberately small: "key = value" lines, blank lines,
 * and whole-line comments starting with '#'.  A '#' after a value is
 * part of the value (a URL or a path may hold one), so it is not a
 * comment; a value that then fails its check names the line.  Every
 * value is checked here, once, so the programs and the mailer can trust
 * what they read, and a mistake stops the program at start-up with
 * "file:line: reason" rather than misbehaving on a user's click.
 *
 * Every key may appear at most once: with two base_url lines, which one
 * the hoster meant cannot be known.  An empty value is refused too;
 * removing the line gives the default.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "mailfmt.h"
#include "validate.h"

#define CONFIG_MAX_FILE (64 * 1024)
#define CONFIG_MAX_LINE 4096
/*
 * The longest duration accepted, ten years: long enough for any timeout
 * and short enough that adding one to a time in seconds cannot overflow.
 */
#define CONFIG_MAX_DURATION ((int64_t)3650 * 86400)

static void __attribute__((format(printf, 3, 4)))
config_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

const char *
config_default_path(void)
{
	const char *p;

	if ((p = getenv("POSTERN_CONF")) != NULL && *p != '\0')
		return p;
	return POSTERN_SYSCONFDIR "/postern/postern.conf";
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->base_url);
	free(cfg->base_path);
	free(cfg->database);
	free(cfg->templates);
	free(cfg->static_dir);
	free(cfg->smtp_host);
	free(cfg->smtp_user);
	free(cfg->smtp_password_file);
	free(cfg->mail_from);
	free(cfg->admin_email);
	free(cfg->site_name);
	free(cfg->sms_command);
	free(cfg->dns_server);
	free(cfg->secret_key_file);
	free(cfg->user);
	free(cfg->cookie_domain);
	for (i = 0; i < cfg->trusted_proxies_n && i < CONFIG_MAX_PROXIES; i++)
		free(cfg->trusted_proxies[i]);
	for (i = 0; i < cfg->auth_hosts_n && i < CONFIG_MAX_AUTH_HOSTS; i++)
		free(cfg->auth_hosts[i]);
	memset(cfg, 0, sizeof(*cfg));
}

int
config_check_user(const struct config *cfg, char *err, size_t errsz)
{
	struct passwd *pw;
	uid_t	       uid = geteuid();

	if (cfg->user == NULL)
		return 1;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		config_err(err, errsz,
		    "user %s (the user key) does not exist: "
		    "create it with systemd-sysusers, or useradd --system %s",
		    cfg->user, cfg->user);
		return 0;
	}
	if (pw->pw_uid == uid)
		return 1;
	pw = getpwuid(uid);
	config_err(err, errsz,
	    "running as %s, but the user key says %s: "
	    "start it as %s (postern@.service, or spawn-fcgi -u %s)",
	    pw != NULL ? pw->pw_name : "?", cfg->user, cfg->user, cfg->user);
	return 0;
}

/*
 * Parse the decimal digits at *s into *out, moving *s past them.  0 when
 * there are none or the number does not fit.
 */
static int
config_digits(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t    v = 0;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*out = v;
	return 1;
}

/* A whole string of digits within [min, max]. */
static int
config_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!config_digits(&s, &v) || *s != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

int
config_duration(const char *s, int64_t *out)
{
	uint64_t v, unit;

	if (s == NULL || !config_digits(&s, &v))
		return 0;
	switch (*s) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return 0;
	}
	if (s[1] != '\0' || v == 0 || v > (uint64_t)CONFIG_MAX_DURATION / unit)
		return 0;
	*out = (int64_t)(v * unit);
	return 1;
}

/* 1 if s[0..len) is an IP address of family af. */
static int
config_ip(int af, const char *s, size_t len)
{
	char	      tmp[INET6_ADDRSTRLEN + 1];
	unsigned char addr[sizeof(struct in6_addr)];

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return inet_pton(af, tmp, addr) == 1;
}

/*
 * 1 if s[0..len) is a host name: dot-separated labels of letters,
 * digits and hyphens, 1-63 bytes each, not starting or ending with a
 * hyphen (RFC 1123 2.1), or a dotted IPv4 address.  A name whose last
 * label is all digits must be a valid IPv4 address, so "10.0.0.256"
 * is refused rather than looked up as a name.
 */
static int
config_hostname(const char *s, size_t len)
{
	size_t i, start = 0;
	int    digits = 1;
	char   c;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == start || i - start > 63 || s[start] == '-' ||
			    s[i - 1] == '-')
				return 0;
			if (i < len)
				digits = 1;
			start = i + 1;
			continue;
		}
		c = s[i];
		if (c < '0' || c > '9')
			digits = 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return !digits || config_ip(AF_INET, s, len);
}

/* A port after a ':' in host[:port] values. */
static int
config_port(const char *s, size_t len)
{
	char	 tmp[8];
	uint64_t v;

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return config_number(tmp, 1, 65535, &v);
}

static size_t
config_colons(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == ':')
			n++;
	return n;
}

/*
 * host[:port] where host is a name, an IPv4 address or a bracketed IPv6
 * address; a bare IPv6 address (no port) is accepted too.
 */
static int
config_hostport(const char *s, size_t len)
{
	const char *colon, *rb;

	if (len > 0 && s[0] == '[') {
		if ((rb = memchr(s, ']', len)) == NULL ||
		    !config_ip(AF_INET6, s + 1, (size_t)(rb - s - 1)))
			return 0;
		if ((size_t)(rb - s) + 1 == len)
			return 1;
		return rb[1] == ':' &&
		    config_port(rb + 2, len - (size_t)(rb - s) - 2);
	}
	if (config_colons(s, len) > 1)
		return config_ip(AF_INET6, s, len);
	if ((colon = memchr(s, ':', len)) == NULL)
		return config_hostname(s, len);
	return config_hostname(s, (size_t)(colon - s)) &&
	    config_port(colon + 1, len - (size_t)(colon - s) - 1);
}

/* Each segment of base_url's path[0..len), without the last '/'. */
static int
config_url_path(const char *path, size_t len, const char **why)
{
	const char *p;
	size_t	    seg;

	for (p = path; p < path + len; p += seg) {
		p++; /* the '/' */
		seg = strcspn(p, "/");
		if (p + seg > path + len)
			seg = (size_t)(path + len - p);
		if (seg == 0 || (seg == 1 && p[0] == '.') ||
		    (seg == 2 && p[0] == '.' && p[1] == '.')) {
			*why = "has an empty, '.' or '..' path segment";
			return 0;
		}
		if (strspn(p,
			"abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") < seg) {
			*why = "path may hold only letters, digits, "
			       "'-', '.', '_', '~' and '/'";
			return 0;
		}
	}
	return 1;
}

/*
 * base_url: http:// or https://, a host (with an optional port), and an
 * optional path without query or fragment.  The path may hold only
 * unreserved characters and '/', because the programs compare it with
 * the request path to route: percent-escapes and dot segments would let
 * the two spell the same place differently.  Trailing slashes go, so
 * links are built as base_url + "/reset/confirm?t=...".
 */
static int
config_url(struct config *cfg, const char *v, const char **why)
{
	const char *host, *path;
	size_t	    hlen, plen;
	struct buf  b;
	int	    https;

	buf_init(&b);
	if (strncasecmp(v, "https://", 8) == 0) {
		https = 1;
		host = v + 8;
	} else if (strncasecmp(v, "http://", 7) == 0) {
		https = 0;
		host = v + 7;
	} else {
		*why = "must start with http:// or https://";
		return 0;
	}
	if (strpbrk(v, "?#") != NULL) {
		*why = "must not have a query or a fragment";
		return 0;
	}
	if ((path = strchr(host, '/')) == NULL)
		path = host + strlen(host);
	hlen = (size_t)(path - host);
	if (memchr(host, '@', hlen) != NULL) {
		*why = "must not hold a user name";
		return 0;
	}
	/* A bare IPv6 address would make the port ambiguous. */
	if (!config_hostport(host, hlen) ||
	    (host[0] != '[' && config_colons(host, hlen) > 1)) {
		*why = "has no valid host (IPv6 addresses go in brackets)";
		return 0;
	}
	plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	if (!config_url_path(path, plen, why))
		return 0;
	buf_puts(&b, https ? "https://" : "http://");
	buf_append(&b, host, hlen + plen);
	if (b.failed || (cfg->base_path = strndup(path, plen)) == NULL) {
		buf_free(&b);
		*why = "out of memory";
		return 0;
	}
	cfg->base_url = b.p;
	return 1;
}

/* What a list key takes, and how it says no. */
struct config_list {
	int (*item_ok)(const char *, size_t);
	size_t	    max;
	const char *bad; /* an item is not one */
	const char *too_many;
	const char *none;
};

/* A list separated by commas or white space, each item checked. */
static int
config_list(const struct config_list *l, const char *v, char **items,
    size_t *n, const char **why)
{
	const char *p = v;
	size_t	    len;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		if (!l->item_ok(p, len)) {
			*why = l->bad;
			return 0;
		}
		if (*n == l->max) {
			*why = l->too_many;
			return 0;
		}
		if ((items[*n] = strndup(p, len)) == NULL) {
			*why = "out of memory";
			return 0;
		}
		(*n)++;
		p += len;
	}
	if (*n == 0) {
		*why = l->none;
		return 0;
	}
	return 1;
}

static int
config_proxy_ok(const char *p, size_t len)
{
	return config_ip(AF_INET, p, len) || config_ip(AF_INET6, p, len);
}

static int
config_proxies(struct config *cfg, const char *v, const char **why)
{
	static const struct config_list l = { config_proxy_ok,
		CONFIG_MAX_PROXIES,
		"must list IP addresses (no names, no ranges)",
		"lists more than 16 addresses", "lists no address" };

	return config_list(&l, v, cfg->trusted_proxies,
	    &cfg->trusted_proxies_n, why);
}

/* auth_hosts: exact host[:port] names, compared without letter case. */
static int
config_auth_host_ok(const char *p, size_t len)
{
	return p[0] != '[' && config_hostport(p, len);
}

static int
config_hosts(struct config *cfg, const char *v, const char **why)
{
	static const struct config_list l = { config_auth_host_ok,
		CONFIG_MAX_AUTH_HOSTS,
		"must list host names, each with :port "
		"when not on the default port (no addresses in brackets)",
		"lists more than 32 hosts", "lists no host" };

	return config_list(&l, v, cfg->auth_hosts, &cfg->auth_hosts_n, why);
}

/*
 * cookie_domain: a name with a dot (never a top-level domain alone) of
 * which base_url's host is a part, or the browser would refuse the
 * cookie and nobody could log in.  Checked once the file is read.
 */
static int
config_domain_ok(const struct config *cfg, const char **why)
{
	const char *host;
	size_t	    hlen, dlen;

	if (cfg->cookie_domain == NULL)
		return 1;
	dlen = strlen(cfg->cookie_domain);
	host = strstr(cfg->base_url, "://") + 3;
	hlen = strcspn(host, ":/");
	if (!config_hostname(cfg->cookie_domain, dlen) ||
	    strchr(cfg->cookie_domain, '.') == NULL ||
	    config_ip(AF_INET, cfg->cookie_domain, dlen)) {
		*why = "must be a domain name with at least two labels";
		return 0;
	}
	if (!(hlen == dlen || (hlen > dlen && host[hlen - dlen - 1] == '.')) ||
	    strncasecmp(host + hlen - dlen, cfg->cookie_domain, dlen) != 0) {
		*why = "must be base_url's host or a domain above it";
		return 0;
	}
	return 1;
}

static int
config_level(const char *v, unsigned long long inter, unsigned long long mod,
    unsigned long long sens, unsigned long long *out)
{
	if (strcmp(v, "interactive") == 0)
		*out = inter;
	else if (strcmp(v, "moderate") == 0)
		*out = mod;
	else if (strcmp(v, "sensitive") == 0)
		*out = sens;
	else
		return 0;
	return 1;
}

/* A memory size: a number with KiB, MiB or GiB. */
static int
config_size(const char *v, size_t *out)
{
	uint64_t n, unit;

	if (!config_digits(&v, &n))
		return 0;
	if (strcmp(v, "KiB") == 0)
		unit = 1024;
	else if (strcmp(v, "MiB") == 0)
		unit = 1024 * 1024;
	else if (strcmp(v, "GiB") == 0)
		unit = 1024 * 1024 * 1024;
	else
		return 0;
	if (n > SIZE_MAX / unit || n * unit < crypto_pwhash_MEMLIMIT_MIN ||
	    n * unit > crypto_pwhash_MEMLIMIT_MAX)
		return 0;
	*out = (size_t)(n * unit);
	return 1;
}

/* Store v in the string field at off, replacing any default. */
static int
config_setstr(struct config *cfg, size_t off, const char *v)
{
	char **dst = (char **)(void *)((char *)cfg + off);
	char  *s;

	if ((s = strdup(v)) == NULL)
		return 0;
	free(*dst);
	*dst = s;
	return 1;
}

/*
 * One parser per kind of value, config_set_<kind>: each checks v for
 * key k, stores it in k's field of cfg and returns 1, or returns 0 with
 * the reason in *why (which follows the key's name in the error).
 */
struct config_key;
typedef int config_set_fn(struct config *, const struct config_key *,
    const char *, const char **);

struct config_key {
	const char	  *name;
	config_set_fn	  *set;
	size_t		   off;	 /* of the field in struct config */
	const char	  *dflt; /* set before the file is read */
	int		   required;
	const char *const *choices; /* config_set_choice: 0, 1, ... */
	const char	  *why;	    /* config_set_choice: the choices */
};

#define FIELD(cfg, k, type) ((type *)(void *)((char *)(cfg) + (k)->off))

/* Store the string v, or say that memory ran out. */
static int
config_keep(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	if (config_setstr(cfg, k->off, v))
		return 1;
	*why = "out of memory";
	return 0;
}

static int
config_set_url(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	(void)k;
	return config_url(cfg, v, why);
}

static int
config_set_proxies(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	(void)k;
	return config_proxies(cfg, v, why);
}

static int
config_set_hosts(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	(void)k;
	return config_hosts(cfg, v, why);
}

/*
 * cookie_domain: kept as written, without the leading dot browsers
 * ignore; config_domain_ok() checks it against base_url once the whole
 * file is read.
 */
static int
config_set_domain(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	if (v[0] == '.')
		v++;
	return config_keep(cfg, k, v, why);
}

/* An absolute path. */
static int
config_set_path(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	if (v[0] != '/') {
		*why = "must be an absolute path";
		return 0;
	}
	return config_keep(cfg, k, v, why);
}

/* A program: an absolute path, no arguments. */
static int
config_set_program(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	if (v[0] == '/' && strpbrk(v, " \t") != NULL) {
		*why = "takes no arguments: the program is run with the "
		       "phone number as its only argument";
		return 0;
	}
	return config_set_path(cfg, k, v, why);
}

/* A host name or an IP address; an IPv6 one is kept without brackets. */
static int
config_set_host(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	char   tmp[INET6_ADDRSTRLEN + 1];
	size_t len = strlen(v);

	if (v[0] == '[' && v[len - 1] == ']' &&
	    config_ip(AF_INET6, v + 1, len - 2)) {
		memcpy(tmp, v + 1, len - 2);
		tmp[len - 2] = '\0';
		return config_keep(cfg, k, tmp, why);
	}
	if (!config_hostname(v, len) && !config_ip(AF_INET6, v, len)) {
		*why = "must be a host name or an IP address (the port has "
		       "its own key, smtp_port)";
		return 0;
	}
	return config_keep(cfg, k, v, why);
}

/* host[:port], for a DNS server. */
static int
config_set_hostport(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	if (!config_hostport(v, strlen(v))) {
		*why = "must be host or host:port (IPv6 in brackets when a "
		       "port follows)";
		return 0;
	}
	return config_keep(cfg, k, v, why);
}

static int
config_set_port(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	uint64_t n;

	if (!config_number(v, 1, 65535, &n)) {
		*why = "must be a port number from 1 to 65535";
		return 0;
	}
	*FIELD(cfg, k, unsigned int) = (unsigned int)n;
	return 1;
}

/* Any printable text (the line has no control character). */
static int
config_set_text(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	if (strlen(v) > 255) {
		*why = "is longer than 255 bytes";
		return 0;
	}
	return config_keep(cfg, k, v, why);
}

/*
 * site_name stands in the From and Subject headers of every mail and
 * at the start of every SMS.  A newline ends the line, and
 * config_line() and config_assign() refuse every other C0 control (CR
 * and tab included); what is left to refuse is bad UTF-8, C1 controls
 * (U+0080-U+009F, 0xc2 0x80-0x9f in UTF-8) and a name too long for a
 * subject and an SMS to keep their room.
 */
static int
config_set_name(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t		     n = strlen(v);

	if (n > MAILFMT_NAME_MAX || !mailfmt_utf8_valid(v, n)) {
		*why = "must be UTF-8 text of at most 64 bytes";
		return 0;
	}
	for (; *p != '\0'; p++)
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			*why = "must not hold a control character";
			return 0;
		}
	return config_keep(cfg, k, v, why);
}

/* An email address, kept as validate_email() writes it. */
static int
config_set_email(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	char email[255];

	if (!validate_email(v, email)) {
		*why = "is not a valid email address";
		return 0;
	}
	return config_keep(cfg, k, email, why);
}

static int
config_set_duration(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	if (!config_duration(v, FIELD(cfg, k, int64_t))) {
		*why = "must be a positive number with a unit (90s, 15m, "
		       "24h, 7d), at most 3650d";
		return 0;
	}
	return 1;
}

/* One of the key's choices, stored as its index: an enum or on/off. */
static int
config_set_choice(struct config *cfg, const struct config_key *k,
    const char *v, const char **why)
{
	int i;

	for (i = 0; k->choices[i] != NULL; i++)
		if (strcmp(v, k->choices[i]) == 0) {
			*FIELD(cfg, k, int) = i;
			return 1;
		}
	*why = k->why;
	return 0;
}

/* A user name of the system: what useradd(8) accepts by default. */
static int
config_set_user(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	if (strlen(v) > 32 || !((v[0] >= 'a' && v[0] <= 'z') || v[0] == '_') ||
	    strspn(v,
		"abcdefghijklmnopqrstuvwxyz"
		"0123456789_-") != strlen(v)) {
		*why = "must be a user name (lower-case letters, digits, "
		       "'_' and '-', at most 32)";
		return 0;
	}
	return config_keep(cfg, k, v, why);
}

/* Argon2id passes: a libsodium level or a number. */
static int
config_set_ops(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	unsigned long long *ops = FIELD(cfg, k, unsigned long long);
	uint64_t	    n;

	if (config_level(v, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_OPSLIMIT_MODERATE,
		crypto_pwhash_OPSLIMIT_SENSITIVE, ops))
		return 1;
	if (!config_number(v, crypto_pwhash_OPSLIMIT_MIN,
		crypto_pwhash_OPSLIMIT_MAX, &n)) {
		*why = "must be interactive, moderate, sensitive or a number "
		       "of passes from 1 to 4294967295";
		return 0;
	}
	*ops = n;
	return 1;
}

/* Argon2id memory: a libsodium level or a size. */
static int
config_set_mem(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	unsigned long long level;

	if (config_level(v, crypto_pwhash_MEMLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_MODERATE,
		crypto_pwhash_MEMLIMIT_SENSITIVE, &level)) {
		*FIELD(cfg, k, size_t) = (size_t)level;
		return 1;
	}
	if (!config_size(v, FIELD(cfg, k, size_t))) {
		*why = "must be interactive, moderate, sensitive or a size "
		       "from 8KiB with a unit (KiB, MiB, GiB)";
		return 0;
	}
	return 1;
}

/* The names of enum starttls_mode, enum recovery_rule and of on/off. */
static const char *const config_starttls[] = { "off", "try", "required",
	NULL };
static const char *const config_rules[] = { "account", "platform", NULL };
static const char *const config_bools[] = { "off", "on", NULL };

#define KEY(n, set, f, dflt, req) \
	{ \
		(n), config_set_##set, offsetof(struct config, f), (dflt), \
		    (req), NULL, NULL \
	}
#define CHOICE(n, f, dflt, names, why) \
	{ \
		(n), config_set_choice, offsetof(struct config, f), (dflt), \
		    0, (names), (why) \
	}

/*
 * Every key: its name, its kind (the parser), its field, its default
 * (parsed like a value before the file is read; NULL: none) and
 * whether the file must set it.
 */
static const struct config_key config_keys[] = {
	KEY("base_url", url, base_url, NULL, 1),
	KEY("database", path, database, NULL, 1),
	KEY("mail_from", email, mail_from, NULL, 1),
	KEY("templates", path, templates, POSTERN_DATADIR "/templates", 0),
	KEY("static", path, static_dir, POSTERN_DATADIR "/static", 0),
	KEY("smtp_host", host, smtp_host, "127.0.0.1", 0),
	KEY("smtp_port", port, smtp_port, "25", 0),
	CHOICE("smtp_starttls", smtp_starttls, "try", config_starttls,
	    "must be off, try or required"),
	KEY("smtp_user", text, smtp_user, NULL, 0),
	KEY("smtp_password_file", path, smtp_password_file, NULL, 0),
	KEY("admin_email", email, admin_email, NULL, 0),
	KEY("sms_command", program, sms_command, NULL, 0),
	KEY("reset_delay", duration, reset_delay, "24h", 0),
	/* R8: by default the code is typed with the change itself. */
	KEY("twofa_recent", duration, twofa_recent, NULL, 0),
	CHOICE("recovery_rule", recovery_rule, "account", config_rules,
	    "must be account or platform"),
	KEY("dns_server", hostport, dns_server, NULL, 0),
	KEY("session_idle", duration, session_idle, "30m", 0),
	KEY("session_max", duration, session_max, "12h", 0),
	CHOICE("cookie_secure", cookie_secure, "on", config_bools,
	    "must be on or off"),
	KEY("secret_key_file", path, secret_key_file, NULL, 0),
	KEY("trusted_proxies", proxies, trusted_proxies, NULL, 0),
	KEY("pwhash_ops", ops, pwhash_ops, "interactive", 0),
	KEY("pwhash_mem", mem, pwhash_mem, "interactive", 0),
	KEY("user", user, user, NULL, 0),
	KEY("cookie_domain", domain, cookie_domain, NULL, 0),
	KEY("auth_hosts", hosts, auth_hosts, NULL, 0),
	KEY("site_name", name, site_name, "Postern", 0),
};

#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static int
config_defaults(struct config *cfg)
{
	const char *why;
	size_t	    i;

	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].dflt != NULL &&
		    !config_keys[i].set(cfg, &config_keys[i],
			config_keys[i].dflt, &why))
			return 0;
	return 1;
}

/* The key file lives next to the database unless configured. */
static int
config_keyfile(struct config *cfg)
{
	const char *slash;
	size_t	    dir;
	struct buf  b;

	if (cfg->secret_key_file != NULL)
		return 1;
	slash = strrchr(cfg->database, '/');
	dir = (size_t)(slash - cfg->database);
	buf_init(&b);
	buf_append(&b, cfg->database, dir);
	buf_puts(&b, "/postern.key");
	if (b.failed)
		return 0;
	cfg->secret_key_file = b.p;
	return 1;
}

static int
config_space(char c)
{
	return c == ' ' || c == '\t';
}

/* One reading of a file: where it is, and which keys it has set. */
struct config_reader {
	struct config *cfg;
	const char    *name;
	size_t	       lineno;
	size_t	       seen[NKEYS]; /* the line that set each key */
	char	      *err;
	size_t	       errsz;
};

/* The error "name:line: reason". */
static void __attribute__((format(printf, 2, 3)))
config_line_err(struct config_reader *rd, const char *fmt, ...)
{
	char	why[CONFIG_MAX_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	config_err(rd->err, rd->errsz, "%s:%zu: %s", rd->name, rd->lineno,
	    why);
}

/* The key ks[0..len) names, or NULL. */
static const struct config_key *
config_key_named(const char *ks, size_t len)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(config_keys[i].name) == len &&
		    memcmp(config_keys[i].name, ks, len) == 0)
			return &config_keys[i];
	return NULL;
}

/* Check the value vs[0..len) of key k and store it. */
static int
config_assign(struct config_reader *rd, const struct config_key *k,
    const char *vs, size_t len)
{
	size_t	    i = (size_t)(k - config_keys);
	char	    value[CONFIG_MAX_LINE + 1];
	const char *why = "is not valid";

	if (rd->seen[i] != 0) {
		config_line_err(rd, "%s repeated (first set on line %zu)",
		    k->name, rd->seen[i]);
		return 0;
	}
	rd->seen[i] = rd->lineno;
	if (len == 0) {
		config_line_err(rd,
		    "%s has no value (remove the line to use "
		    "the default)",
		    k->name);
		return 0;
	}
	if (memchr(vs, '\t', len) != NULL) {
		config_line_err(rd, "%s: control character in the value",
		    k->name);
		return 0;
	}
	memcpy(value, vs, len);
	value[len] = '\0';
	if (!k->set(rd->cfg, k, value, &why)) {
		config_line_err(rd, "%s %s", k->name, why);
		return 0;
	}
	return 1;
}

/* One line, without its end: blank, a comment or "key = value". */
static int
config_line(struct config_reader *rd, const char *ks, size_t len)
{
	const char		*ve = ks + len, *eq, *ke, *vs;
	const struct config_key *k;
	size_t			 i;

	if (len > CONFIG_MAX_LINE) {
		config_line_err(rd, "line longer than 4096 bytes");
		return 0;
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)ks[i] < 0x20 && ks[i] != '\t') ||
		    ks[i] == 0x7f) {
			config_line_err(rd, "control character");
			return 0;
		}
	while (ks < ve && config_space(*ks))
		ks++;
	while (ve > ks && config_space(ve[-1]))
		ve--;
	if (ks == ve || *ks == '#')
		return 1;
	if ((eq = memchr(ks, '=', (size_t)(ve - ks))) == NULL) {
		config_line_err(rd, "expected \"key = value\"");
		return 0;
	}
	for (ke = eq; ke > ks && config_space(ke[-1]); ke--)
		continue;
	for (vs = eq + 1; vs < ve && config_space(*vs); vs++)
		continue;
	if ((k = config_key_named(ks, (size_t)(ke - ks))) == NULL) {
		config_line_err(rd, "unknown key \"%.*s\"",
		    (int)(ke - ks < 64 ? ke - ks : 64), ks);
		return 0;
	}
	return config_assign(rd, k, vs, (size_t)(ve - vs));
}

/* After the last line: every required key is set, the rest follows. */
static int
config_finish(struct config_reader *rd)
{
	const char *why;
	size_t	    i;

	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].required && rd->seen[i] == 0) {
			config_err(rd->err, rd->errsz, "%s: missing %s",
			    rd->name, config_keys[i].name);
			return 0;
		}
	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].set == config_set_domain &&
		    rd->seen[i] != 0 && !config_domain_ok(rd->cfg, &why)) {
			config_err(rd->err, rd->errsz, "%s:%zu: %s %s",
			    rd->name, rd->seen[i], config_keys[i].name, why);
			return 0;
		}
	if (!config_keyfile(rd->cfg)) {
		config_err(rd->err, rd->errsz, "%s: out of memory", rd->name);
		return 0;
	}
	return 1;
}

int
config_parse(struct config *cfg, const char *text, size_t len,
    const char *name, char *err, size_t errsz)
{
	struct config_reader rd;
	const char	    *p, *end, *nl;
	size_t		     llen;

	memset(cfg, 0, sizeof(*cfg));
	memset(&rd, 0, sizeof(rd));
	rd.cfg = cfg;
	rd.name = name != NULL ? name : "configuration";
	rd.err = err;
	rd.errsz = errsz;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (len > CONFIG_MAX_FILE) {
		config_err(err, errsz, "%s: larger than 64 KiB", rd.name);
		goto fail;
	}
	if (text == NULL && len > 0) {
		config_err(err, errsz, "%s: no text", rd.name);
		goto fail;
	}
	if (!config_defaults(cfg)) {
		config_err(err, errsz, "%s: out of memory", rd.name);
		goto fail;
	}
	p = text;
	end = text + len;
	/* A byte-order mark from a Windows editor is not a key. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; p = nl + 1) {
		rd.lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		llen = (size_t)(nl - p);
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (!config_line(&rd, p, llen))
			goto fail;
	}
	if (!config_finish(&rd))
		goto fail;
	return 1;
fail:
	config_free(cfg);
	return 0;
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	struct stat st;
	char	   *text = NULL;
	size_t	    len = 0;
	ssize_t	    n;
	int	    fd = -1, rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (path == NULL)
		path = config_default_path();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		config_err(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		config_err(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	/* Read one byte past the limit, so a file that grew is caught. */
	if ((text = malloc(CONFIG_MAX_FILE + 1)) == NULL) {
		config_err(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (len <= CONFIG_MAX_FILE) {
		n = read(fd, text + len, CONFIG_MAX_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			config_err(err, errsz, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = config_parse(cfg, text, len, path, err, errsz);
out:
	if (fd != -1)
		close(fd);
	free(text);
	return rc;
}
