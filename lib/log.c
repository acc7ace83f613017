/*
 * log.c: messages go to syslog, because lighttpd and spawn-fcgi throw a
 * child's stderr away, and to stderr as well in the foreground.  No
 * caller passes a password, code, token or link: log lines name the
 * account and the event, never the secret.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int log_stderr = 1;
static int log_opened;

void
log_open(const char *ident, int foreground)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_opened = 1;
	log_stderr = foreground;
}

static void __attribute__((format(printf, 2, 0)))
log_v(int prio, const char *fmt, va_list ap)
{
	va_list ap2;
	char	line[1024];
	int	n;

	if (log_stderr) {
		/* One write per line: several programs share one log file. */
		va_copy(ap2, ap);
		n = vsnprintf(line, sizeof(line) - 1, fmt, ap2);
		va_end(ap2);
		if (n < 0)
			n = 0;
		if ((size_t)n > sizeof(line) - 2)
			n = (int)sizeof(line) - 2;
		line[n] = '\n';
		/* Nothing sensible to do if stderr is gone. */
		if (write(STDERR_FILENO, line, (size_t)n + 1) < 0)
			log_stderr = 0;
	}
	if (log_opened)
		vsyslog(prio, fmt, ap);
}

/* prio may name a facility too (LOG_AUTHPRIV | LOG_NOTICE). */
static void __attribute__((format(printf, 2, 3)))
log_at(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(prio, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, fmt, ap);
	va_end(ap);
}

/* s, or "-" when empty, with every byte outside the safe set as '?'. */
static void
log_field(const char *s, char *out, size_t outsz)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-";
	size_t		  i;

	if (s == NULL || *s == '\0')
		s = "-";
	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = strchr(safe, s[i]) != NULL ? s[i] : '?';
	out[i] = '\0';
}

void
log_auth(const char *kind, const char *user, const char *ip)
{
	char k[40], u[80], a[80];

	log_field(kind, k, sizeof(k));
	log_field(user, u, sizeof(u));
	log_field(ip, a, sizeof(a));
	log_at(LOG_AUTHPRIV | LOG_NOTICE, "postern auth %s user=%s ip=%s", k,
	    u, a);
}
