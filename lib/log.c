/*
 * log.c: messages go to syslog, because lighttpd and spawn-fcgi throw a
 * child's stderr away, and to stderr as well in the foreground.  No
 * caller passes a password, code, token or link: log lines name the
 * account and the event, never the secret.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int	 log_stderr = 1;
static int	 log_opened;

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
	va_list	 ap2;
	char	 line[1024];
	int	 n;

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

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_v(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_v(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, fmt, ap);
	va_end(ap);
}
