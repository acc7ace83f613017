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
#include "validate.h"

#define CONFIG_MAX_FILE	(64 * 1024)
#define CONFIG_MAX_LINE	4096
/*
 * The longest duration accepted, ten years: long enough for any timeout
 * and short enough that adding one to a time in seconds cannot overflow.
 */
#define CONFIG_MAX_DURATION	((int64_t)3650 * 86400)

enum config_kind {
	CONF_URL,	/* base_url, also sets base_path */
	CONF_PATH,	/* an absolute path */
	CONF_HOST,	/* a host name or an IP address */
	CONF_PORT,
	CONF_STARTTLS,
	CONF_TEXT,	/* any printable text */
	CONF_EMAIL,
	CONF_PROGRAM,	/* an absolute path, no arguments */
	CONF_DURATION,
	CONF_RULE,
	CONF_DNS,	/* host[:port] */
	CONF_BOOL,	/* on or off */
	CONF_PROXIES,
	CONF_OPS,
	CONF_MEM,
	CONF_USER,	/* a user name of the system */
	CONF_DOMAIN,	/* a parent domain of base_url's host */
	CONF_HOSTS	/* host[:port] names */
};

struct config_key {
	const char		*name;
	enum config_kind	 kind;
	size_t			 off;	/* of the field in struct config */
	int			 required;
};

#define KEY(n, k, f, r)	{ (n), (k), offsetof(struct config, f), (r) }

static const struct config_key config_keys[] = {
	KEY("base_url", CONF_URL, base_url, 1),
	KEY("database", CONF_PATH, database, 1),
	KEY("mail_from", CONF_EMAIL, mail_from, 1),
	KEY("templates", CONF_PATH, templates, 0),
	KEY("static", CONF_PATH, static_dir, 0),
	KEY("smtp_host", CONF_HOST, smtp_host, 0),
	KEY("smtp_port", CONF_PORT, smtp_port, 0),
	KEY("smtp_starttls", CONF_STARTTLS, smtp_starttls, 0),
	KEY("smtp_user", CONF_TEXT, smtp_user, 0),
	KEY("smtp_password_file", CONF_PATH, smtp_password_file, 0),
	KEY("admin_email", CONF_EMAIL, admin_email, 0),
	KEY("sms_command", CONF_PROGRAM, sms_command, 0),
	KEY("reset_delay", CONF_DURATION, reset_delay, 0),
	KEY("twofa_recent", CONF_DURATION, twofa_recent, 0),
	KEY("recovery_rule", CONF_RULE, recovery_rule, 0),
	KEY("dns_server", CONF_DNS, dns_server, 0),
	KEY("session_idle", CONF_DURATION, session_idle, 0),
	KEY("session_max", CONF_DURATION, session_max, 0),
	KEY("cookie_secure", CONF_BOOL, cookie_secure, 0),
	KEY("secret_key_file", CONF_PATH, secret_key_file, 0),
	KEY("trusted_proxies", CONF_PROXIES, trusted_proxies, 0),
	KEY("pwhash_ops", CONF_OPS, pwhash_ops, 0),
	KEY("pwhash_mem", CONF_MEM, pwhash_mem, 0),
	KEY("user", CONF_USER, user, 0),
	KEY("cookie_domain", CONF_DOMAIN, cookie_domain, 0),
	KEY("auth_hosts", CONF_HOSTS, auth_hosts, 0),
};

#define NKEYS	(sizeof(config_keys) / sizeof(config_keys[0]))

static void __attribute__((format(printf, 3, 4)))
config_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

const char *
config_default_path(void)
{
	const char	*p;

	if ((p = getenv("POSTERN_CONF")) != NULL && *p != '\0')
		return p;
	return POSTERN_SYSCONFDIR "/postern/postern.conf";
}

void
config_free(struct config *cfg)
{
	size_t	 i;

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
	struct passwd	*pw;
	uid_t		 uid = geteuid();

	if (cfg->user == NULL)
		return 1;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		config_err(err, errsz, "user %s (the user key) does not exist: "
		    "create it with systemd-sysusers, or useradd --system %s",
		    cfg->user, cfg->user);
		return 0;
	}
	if (pw->pw_uid == uid)
		return 1;
	pw = getpwuid(uid);
	config_err(err, errsz, "running as %s, but the user key says %s: "
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
	const char	*p = *s;
	uint64_t	 v = 0;

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
	uint64_t	 v;

	if (!config_digits(&s, &v) || *s != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

int
config_duration(const char *s, int64_t *out)
{
	uint64_t	 v, unit;

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
	if (s[1] != '\0' || v == 0 ||
	    v > (uint64_t)CONFIG_MAX_DURATION / unit)
		return 0;
	*out = (int64_t)(v * unit);
	return 1;
}

/* 1 if s[0..len) is an IP address of family af. */
static int
config_ip(int af, const char *s, size_t len)
{
	char		 tmp[INET6_ADDRSTRLEN + 1];
	unsigned char	 addr[sizeof(struct in6_addr)];

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
	size_t	 i, start = 0;
	int	 digits = 1;
	char	 c;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == start || i - start > 63 ||
			    s[start] == '-' || s[i - 1] == '-')
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
	char		 tmp[8];
	uint64_t	 v;

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return config_number(tmp, 1, 65535, &v);
}

static size_t
config_colons(const char *s, size_t len)
{
	size_t	 i, n = 0;

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
	const char	*colon, *rb;

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
	const char	*host, *path, *p;
	size_t		 hlen, plen, seg;
	struct buf	 b;
	int		 https;

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
	/* Check each segment of the path. */
	for (p = path; p < path + plen; p += seg) {
		p++;	/* the '/' */
		seg = strcspn(p, "/");
		if (p + seg > path + plen)
			seg = (size_t)(path + plen - p);
		if (seg == 0 || (seg == 1 && p[0] == '.') ||
		    (seg == 2 && p[0] == '.' && p[1] == '.')) {
			*why = "has an empty, '.' or '..' path segment";
			return 0;
		}
		if (strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") < seg) {
			*why = "path may hold only letters, digits, "
			    "'-', '.', '_', '~' and '/'";
			return 0;
		}
	}
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

static int
config_proxies(struct config *cfg, const char *v, const char **why)
{
	const char	*p = v;
	size_t		 len;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		if (!config_ip(AF_INET, p, len) &&
		    !config_ip(AF_INET6, p, len)) {
			*why = "must list IP addresses (no names, no ranges)";
			return 0;
		}
		if (cfg->trusted_proxies_n == CONFIG_MAX_PROXIES) {
			*why = "lists more than 16 addresses";
			return 0;
		}
		if ((cfg->trusted_proxies[cfg->trusted_proxies_n] =
		    strndup(p, len)) == NULL) {
			*why = "out of memory";
			return 0;
		}
		cfg->trusted_proxies_n++;
		p += len;
	}
	if (cfg->trusted_proxies_n == 0) {
		*why = "lists no address";
		return 0;
	}
	return 1;
}

/* auth_hosts: exact host[:port] names, compared without letter case. */
static int
config_hosts(struct config *cfg, const char *v, const char **why)
{
	const char	*p = v;
	size_t		 len;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		len = strcspn(p, ", \t");
		if (p[0] == '[' || !config_hostport(p, len)) {
			*why = "must list host names, each with :port when not "
			    "on the default port (no addresses in brackets)";
			return 0;
		}
		if (cfg->auth_hosts_n == CONFIG_MAX_AUTH_HOSTS) {
			*why = "lists more than 32 hosts";
			return 0;
		}
		if ((cfg->auth_hosts[cfg->auth_hosts_n] = strndup(p, len)) ==
		    NULL) {
			*why = "out of memory";
			return 0;
		}
		cfg->auth_hosts_n++;
		p += len;
	}
	if (cfg->auth_hosts_n == 0) {
		*why = "lists no host";
		return 0;
	}
	return 1;
}

/*
 * cookie_domain: a name with a dot (never a top-level domain alone) of
 * which base_url's host is a part, or the browser would refuse the
 * cookie and nobody could log in.  Checked once the file is read.
 */
static int
config_domain_ok(const struct config *cfg, const char **why)
{
	const char	*host;
	size_t		 hlen, dlen;

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
config_level(const char *v, unsigned long long inter,
    unsigned long long mod, unsigned long long sens, unsigned long long *out)
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
	uint64_t	 n, unit;

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
	char	**dst = (char **)(void *)((char *)cfg + off);
	char	 *s;

	if ((s = strdup(v)) == NULL)
		return 0;
	free(*dst);
	*dst = s;
	return 1;
}

/* Check v for key k and store it; 0 with a reason in *why. */
static int
config_set(struct config *cfg, const struct config_key *k, const char *v,
    const char **why)
{
	void		*field = (char *)cfg + k->off;
	char		 email[255];
	uint64_t	 n;
	int64_t		 d;
	unsigned long long ops;

	switch (k->kind) {
	case CONF_URL:
		return config_url(cfg, v, why);
	case CONF_PATH:
		if (v[0] != '/') {
			*why = "must be an absolute path";
			return 0;
		}
		break;
	case CONF_PROGRAM:
		if (v[0] != '/') {
			*why = "must be an absolute path";
			return 0;
		}
		if (strpbrk(v, " \t") != NULL) {
			*why = "takes no arguments: the program is run "
			    "with the phone number as its only argument";
			return 0;
		}
		break;
	case CONF_HOST:
		if (v[0] == '[' && v[strlen(v) - 1] == ']' &&
		    config_ip(AF_INET6, v + 1, strlen(v) - 2)) {
			/* Kept without brackets, as for a bare address. */
			char	 tmp[INET6_ADDRSTRLEN + 1];

			memcpy(tmp, v + 1, strlen(v) - 2);
			tmp[strlen(v) - 2] = '\0';
			if (!config_setstr(cfg, k->off, tmp))
				goto nomem;
			return 1;
		}
		if (!config_hostname(v, strlen(v)) &&
		    !config_ip(AF_INET6, v, strlen(v))) {
			*why = "must be a host name or an IP address "
			    "(the port has its own key, smtp_port)";
			return 0;
		}
		break;
	case CONF_PORT:
		if (!config_number(v, 1, 65535, &n)) {
			*why = "must be a port number from 1 to 65535";
			return 0;
		}
		*(unsigned int *)field = (unsigned int)n;
		return 1;
	case CONF_STARTTLS:
		if (strcmp(v, "off") == 0)
			*(enum starttls_mode *)field = STARTTLS_OFF;
		else if (strcmp(v, "try") == 0)
			*(enum starttls_mode *)field = STARTTLS_TRY;
		else if (strcmp(v, "required") == 0)
			*(enum starttls_mode *)field = STARTTLS_REQUIRED;
		else {
			*why = "must be off, try or required";
			return 0;
		}
		return 1;
	case CONF_TEXT:
		if (strlen(v) > 255) {
			*why = "is longer than 255 bytes";
			return 0;
		}
		break;
	case CONF_EMAIL:
		if (!validate_email(v, email)) {
			*why = "is not a valid email address";
			return 0;
		}
		if (!config_setstr(cfg, k->off, email))
			goto nomem;
		return 1;
	case CONF_DURATION:
		if (!config_duration(v, &d)) {
			*why = "must be a positive number with a unit "
			    "(90s, 15m, 24h, 7d), at most 3650d";
			return 0;
		}
		*(int64_t *)field = d;
		return 1;
	case CONF_RULE:
		if (strcmp(v, "account") == 0)
			*(enum recovery_rule *)field = RECOVERY_ACCOUNT;
		else if (strcmp(v, "platform") == 0)
			*(enum recovery_rule *)field = RECOVERY_PLATFORM;
		else {
			*why = "must be account or platform";
			return 0;
		}
		return 1;
	case CONF_DNS:
		if (!config_hostport(v, strlen(v))) {
			*why = "must be host or host:port (IPv6 in brackets "
			    "when a port follows)";
			return 0;
		}
		break;
	case CONF_BOOL:
		if (strcmp(v, "on") == 0)
			*(int *)field = 1;
		else if (strcmp(v, "off") == 0)
			*(int *)field = 0;
		else {
			*why = "must be on or off";
			return 0;
		}
		return 1;
	case CONF_PROXIES:
		return config_proxies(cfg, v, why);
	case CONF_HOSTS:
		return config_hosts(cfg, v, why);
	case CONF_DOMAIN:
		/* Browsers ignore a leading dot; it is dropped here too. */
		if (v[0] == '.')
			v++;
		break;
	case CONF_USER:
		/* What useradd(8) accepts by default, and no more. */
		if (strlen(v) > 32 || !((v[0] >= 'a' && v[0] <= 'z') ||
		    v[0] == '_') || strspn(v, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_-") != strlen(v)) {
			*why = "must be a user name (lower-case letters, "
			    "digits, '_' and '-', at most 32)";
			return 0;
		}
		break;
	case CONF_OPS:
		if (!config_level(v, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_OPSLIMIT_MODERATE,
		    crypto_pwhash_OPSLIMIT_SENSITIVE, &ops)) {
			if (!config_number(v, crypto_pwhash_OPSLIMIT_MIN,
			    crypto_pwhash_OPSLIMIT_MAX, &n)) {
				*why = "must be interactive, moderate, "
				    "sensitive or a number of passes from 1 "
				    "to 4294967295";
				return 0;
			}
			ops = n;
		}
		*(unsigned long long *)field = ops;
		return 1;
	case CONF_MEM:
		if (config_level(v, crypto_pwhash_MEMLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_MODERATE,
		    crypto_pwhash_MEMLIMIT_SENSITIVE, &ops)) {
			*(size_t *)field = (size_t)ops;
			return 1;
		}
		if (!config_size(v, (size_t *)field)) {
			*why = "must be interactive, moderate, sensitive or "
			    "a size from 8KiB with a unit (KiB, MiB, GiB)";
			return 0;
		}
		return 1;
	}
	if (!config_setstr(cfg, k->off, v))
		goto nomem;
	return 1;
nomem:
	*why = "out of memory";
	return 0;
}

static int
config_defaults(struct config *cfg)
{
	cfg->smtp_port = 25;
	cfg->smtp_starttls = STARTTLS_TRY;
	cfg->reset_delay = 24 * 3600;
	/* R8: by default the code is typed with the change itself. */
	cfg->twofa_recent = 0;
	cfg->recovery_rule = RECOVERY_ACCOUNT;
	cfg->session_idle = 30 * 60;
	cfg->session_max = 12 * 3600;
	cfg->cookie_secure = 1;
	cfg->pwhash_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	cfg->pwhash_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	return (cfg->templates = strdup(POSTERN_DATADIR "/templates")) !=
	    NULL &&
	    (cfg->static_dir = strdup(POSTERN_DATADIR "/static")) != NULL &&
	    (cfg->smtp_host = strdup("127.0.0.1")) != NULL;
}

/* The key file lives next to the database unless configured. */
static int
config_keyfile(struct config *cfg)
{
	const char	*slash;
	size_t		 dir;
	struct buf	 b;

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

int
config_parse(struct config *cfg, const char *text, size_t len,
    const char *name, char *err, size_t errsz)
{
	size_t		 seen[NKEYS];
	const char	*p, *end, *nl, *ks, *ke, *vs, *ve, *eq, *why;
	const struct config_key *k;
	char		 value[CONFIG_MAX_LINE + 1];
	size_t		 lineno = 0, llen, i;

	memset(cfg, 0, sizeof(*cfg));
	memset(seen, 0, sizeof(seen));
	if (name == NULL)
		name = "configuration";
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (len > CONFIG_MAX_FILE) {
		config_err(err, errsz, "%s: larger than 64 KiB", name);
		goto fail;
	}
	if (text == NULL && len > 0) {
		config_err(err, errsz, "%s: no text", name);
		goto fail;
	}
	if (!config_defaults(cfg)) {
		config_err(err, errsz, "%s: out of memory", name);
		goto fail;
	}
	p = text;
	end = text + len;
	/* A byte-order mark from a Windows editor is not a key. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		llen = (size_t)(nl - p);
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (llen > CONFIG_MAX_LINE) {
			config_err(err, errsz, "%s:%zu: line longer than "
			    "4096 bytes", name, lineno);
			goto fail;
		}
		for (i = 0; i < llen; i++)
			if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
			    p[i] == 0x7f) {
				config_err(err, errsz, "%s:%zu: control "
				    "character", name, lineno);
				goto fail;
			}
		ks = p;
		ve = p + llen;
		p = nl + 1;
		while (ks < ve && config_space(*ks))
			ks++;
		while (ve > ks && config_space(ve[-1]))
			ve--;
		if (ks == ve || *ks == '#')
			continue;
		if ((eq = memchr(ks, '=', (size_t)(ve - ks))) == NULL) {
			config_err(err, errsz, "%s:%zu: expected "
			    "\"key = value\"", name, lineno);
			goto fail;
		}
		for (ke = eq; ke > ks && config_space(ke[-1]); ke--)
			continue;
		for (vs = eq + 1; vs < ve && config_space(*vs); vs++)
			continue;
		for (k = NULL, i = 0; i < NKEYS; i++)
			if (strlen(config_keys[i].name) == (size_t)(ke - ks) &&
			    memcmp(config_keys[i].name, ks,
			    (size_t)(ke - ks)) == 0) {
				k = &config_keys[i];
				break;
			}
		if (k == NULL) {
			config_err(err, errsz, "%s:%zu: unknown key \"%.*s\"",
			    name, lineno, (int)(ke - ks < 64 ? ke - ks : 64),
			    ks);
			goto fail;
		}
		if (seen[i] != 0) {
			config_err(err, errsz, "%s:%zu: %s repeated (first "
			    "set on line %zu)", name, lineno, k->name,
			    seen[i]);
			goto fail;
		}
		seen[i] = lineno;
		if (vs == ve) {
			config_err(err, errsz, "%s:%zu: %s has no value "
			    "(remove the line to use the default)", name,
			    lineno, k->name);
			goto fail;
		}
		if (memchr(vs, '\t', (size_t)(ve - vs)) != NULL) {
			config_err(err, errsz, "%s:%zu: %s: control "
			    "character in the value", name, lineno, k->name);
			goto fail;
		}
		memcpy(value, vs, (size_t)(ve - vs));
		value[ve - vs] = '\0';
		why = "is not valid";
		if (!config_set(cfg, k, value, &why)) {
			config_err(err, errsz, "%s:%zu: %s %s", name, lineno,
			    k->name, why);
			goto fail;
		}
	}
	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].required && seen[i] == 0) {
			config_err(err, errsz, "%s: missing %s", name,
			    config_keys[i].name);
			goto fail;
		}
	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].kind == CONF_DOMAIN && seen[i] != 0 &&
		    !config_domain_ok(cfg, &why)) {
			config_err(err, errsz, "%s:%zu: cookie_domain %s", name,
			    seen[i], why);
			goto fail;
		}
	if (!config_keyfile(cfg)) {
		config_err(err, errsz, "%s: out of memory", name);
		goto fail;
	}
	return 1;
fail:
	config_free(cfg);
	return 0;
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	struct stat	 st;
	char		*text = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd = -1, rc = 0;

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
