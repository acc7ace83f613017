#ifndef POSTERN_EVENT_H
#define POSTERN_EVENT_H

#include <stdint.h>

struct db;

/* event.c: the security events log shown on /account/activity. */

struct event {
	int64_t	 seq;		/* the account's events count from 1 */
	int64_t	 account_id;
	int64_t	 at;
	char	 kind[32];
	char	 ip[64];
	char	 detail[256];
};

/* account_id 0 records an event that belongs to no account. */
int	 event_add(struct db *, int64_t account_id, const char *kind,
	    const char *ip, const char *detail, int64_t now);
/* The newest event of kind but skip newer ones; e->seq 0 for none. */
int	 event_latest(struct db *, int64_t account_id, const char *kind,
	    int skip, struct event *e);
/* Newest first, at most limit. */
int	 event_each(struct db *, int64_t account_id, int limit,
	    void (*fn)(const struct event *, void *), void *arg);

#endif /* !POSTERN_EVENT_H */
