#ifndef POSTERN_SESSION_H
#define POSTERN_SESSION_H

#include <stdint.h>

#include "crypto.h"

struct db;

/*
 * session.c: login sessions.  The cookie carries a random token; the
 * database keeps only its hash.  A visitor without a session still has
 * a cookie (a pre-session, never stored) from which the CSRF token is
 * derived, so anonymous forms are protected without a database write.
 */

enum session_stage {
	SESSION_FULL = 0, /* logged in */
	SESSION_NEED_2FA =
	    1 /* password given, TOTP still due: grants nothing */
};

struct session {
	int64_t		   id; /* 0: no session */
	int64_t		   account_id;
	int64_t		   created_at;
	int64_t		   last_seen;
	int64_t		   twofa_at; /* 0: never proven in this session */
	enum session_stage stage;
	/* A one-shot notice for the next page shown (app.c), "": none. */
	char notice[24];
};

/* Look the cookie token up; expired or unknown tokens give id 0. */
int session_load(struct db *, const char *cookie, int64_t now, int64_t idle,
    int64_t max, struct session *);
/* Make a session with a new token written to cookie_out. */
int session_create(struct db *, int64_t account_id, enum session_stage,
    const char *ip, const char *user_agent, int64_t now,
    char cookie_out[TOKEN_TEXT], struct session *);
/* Record activity; writes at most once a minute per session. */
int session_touch(struct db *, struct session *, int64_t now);
/* Remember that a TOTP code was just proven in this session (R5). */
int session_set_twofa(struct db *, int64_t id, int64_t now);
int session_end(struct db *, int64_t id);
/*
 * The session of cookie keeps notice (NOTICE_<notice> in messages.tpl)
 * for the next page it shows; session_clear_notice() forgets it once
 * shown.
 */
int session_set_notice(struct db *, const char *cookie, const char *notice);
int session_clear_notice(struct db *, int64_t id);
/* Is session id one of account_id's (a full one)? */
int session_owned(struct db *, int64_t account_id, int64_t id, int *owned);
/* End one session of account_id; *ended is 0 when it is not theirs. */
int session_end_own(struct db *, int64_t account_id, int64_t id, int *ended);

struct session_info {
	int64_t id;
	int64_t created_at;
	int64_t last_seen;
	char	ip[64];
	char	user_agent[257];
};

/* The account's sessions: session first (0: none), then the others,
 * most recently active first. */
int session_each(struct db *, int64_t account_id, int64_t first,
    void (*fn)(const struct session_info *, void *), void *arg);
int session_end_all(struct db *, int64_t account_id);
/* End every session of account_id but keep, half-done logins included;
 * *ended is how many. */
int session_end_others(struct db *, int64_t account_id, int64_t keep,
    int *ended);
/* Remove sessions past their timeouts. */
int session_purge(struct db *, int64_t now, int64_t idle, int64_t max);

#endif /* !POSTERN_SESSION_H */
