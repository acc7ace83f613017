#ifndef POSTERN_CHECK_H
#define POSTERN_CHECK_H

#include <stdio.h>

struct config;

/*
 * check.c: what `postern check-config` and `postern init` check of an
 * installation beyond the configuration's syntax: that the user the
 * programs run as (the user key) can reach every file and folder the
 * configuration names.
 */

/*
 * Become the configured user, when running as root and the user key
 * names another; 1 when this process now runs as that user (or no user
 * is configured and allow_any is set), 0 with the reason in err.
 */
int check_become_user(const struct config *, int allow_any, char *err,
    size_t errsz);
/*
 * Check, as the current user, every path of the configuration (conf is
 * the configuration file's own path); with before_init, a missing
 * database and key are not problems.  Writes one line per problem to
 * out, with its fix, and returns how many there were.
 */
int check_paths(const struct config *, const char *conf, int before_init,
    FILE *out);

#endif /* !POSTERN_CHECK_H */
