#ifndef POSTERN_LOG_H
#define POSTERN_LOG_H

#include <stddef.h>
#include <stdint.h>

/* log.c: syslog always, stderr too when running in the foreground.   */

void	 log_open(const char *ident, int foreground);
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* !POSTERN_LOG_H */
