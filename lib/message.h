#ifndef POSTERN_MESSAGE_H
#define POSTERN_MESSAGE_H

#include <stdint.h>

#include "flow.h"

struct buf;

/*
 * message.c: the words of an outcome, from templates/messages.tpl with
 * the values a flow left in said: for a page's .error element or
 * title, or a line of `postern`.  A limit's time to try again follows
 * the words.
 */

/* The words of o (its title with title set; "" when it has none). */
int message_text(enum outcome o, const struct flow_said *, int64_t now,
    int title, struct buf *out);
/* A section's name: prefix and name in capitals, without ".tpl"
 * ("PAGE_", "login_2fa.tpl": PAGE_LOGIN_2FA), appended to out. */
int message_key(const char *prefix, const char *name, struct buf *out);
/*
 * The words of one section of messages.tpl, with no values: a page's
 * title (PAGE_ and its template's name, message_key()).  "" when there
 * is no such section.
 */
int message_section(const char *prefix, const char *name, struct buf *out);
/* A span of time in words: "24 hours", "1 minute". */
int message_span(int64_t seconds, struct buf *out);

#endif /* !POSTERN_MESSAGE_H */
