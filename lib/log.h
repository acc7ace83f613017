#ifndef POSTERN_LOG_H
#define POSTERN_LOG_H

#include <stddef.h>
#include <stdint.h>

/* log.c: syslog always, stderr too when running in the foreground.   */

void log_open(const char *ident, int foreground);
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * One line for the host's own tools (fail2ban, logcheck), to syslog's
 * authpriv facility at notice, in a format that stays stable:
 *
 *	postern auth KIND user=NAME ip=ADDRESS
 *
 * KIND is the event's kind (event.c lists which), NAME the account's
 * user name or "-" for none, ADDRESS the client's address, or
 * "postern" for the admin command.  A byte of either outside
 * [A-Za-z0-9._:-] is written as '?', so no value can forge a field.
 */
void log_auth(const char *kind, const char *user, const char *ip);

#endif /* !POSTERN_LOG_H */
