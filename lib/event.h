#ifndef POSTERN_EVENT_H
#define POSTERN_EVENT_H

#include <stdint.h>

struct db;
struct render_dict;

/* event.c: the security events log shown on /account/activity. */

/*
 * Every kind of event, by area.  event_kinds[] in event.c names each as
 * the events table stores it; templates/activity.tpl words each in a
 * section of that name.
 */
enum event_kind {
	EVENT_SIGNUP,
	EVENT_SIGNUP_ADDRESS_TAKEN, /* of no account: its address */
	EVENT_EMAIL_VERIFIED,
	EVENT_LOGIN,
	EVENT_LOGIN_PASSWORD, /* password right, TOTP code due */
	EVENT_LOGIN_FAILED,
	EVENT_LOGIN_UNKNOWN,	/* of no account: a name unknown */
	EVENT_LOGIN_2FA_FAILED, /* no longer recorded; older
					   databases hold it */
	EVENT_LOGIN_LOCKED,
	EVENT_LOGIN_IP_LOCKED, /* of no account: one client */
	EVENT_TOTP_FAILED,
	EVENT_TOTP_LOCKED,
	EVENT_PASSWORD_FAILED,
	EVENT_LOGOUT,
	EVENT_SESSION_ENDED,
	EVENT_SESSIONS_ENDED, /* detail: how many */
	EVENT_CONTACT_ADDED,
	EVENT_CONTACT_VERIFIED,
	EVENT_CONTACT_REMOVED,
	EVENT_RECOVERY_CODE_CREATED,
	EVENT_KIT_CREATED,
	EVENT_TWOFA_ENABLED,
	EVENT_TWOFA_DISABLED,
	EVENT_DOMAIN_ADDED,
	EVENT_DOMAIN_VERIFIED,
	EVENT_DOMAIN_REMOVED,
	EVENT_EMAIL_CHANGE_REQUESTED,
	EVENT_EMAIL_CHANGED,
	EVENT_EMAIL_REVERTED,
	EVENT_R1_REFUSED,
	EVENT_ADDRESS_MUST_CHANGE,
	EVENT_RESET_REQUESTED,
	EVENT_RESET_UNKNOWN, /* of no account: a name unknown */
	EVENT_RESET_LOCKED,
	EVENT_RESET_LIMITED,
	EVENT_RESET_REFUSED,
	EVENT_RESET_PENDING,
	EVENT_RESET_APPLIED,
	EVENT_RESET_REJECTED,
	EVENT_LOCKED, /* postern lock */
	EVENT_UNLOCKED,
	EVENT_RESET_CANCELLED, /* postern reset cancel */
	EVENT_DISABLED,	       /* postern disable */
	EVENT_ENABLED,
	EVENT_SESSIONS_REVOKED, /* postern sessions revoke */
	EVENT_TWOFA_RESET,	/* postern 2fa reset */
	EVENT_DELETED,		/* postern delete */
	EVENT_PASSWORD_CHANGED, /* /account/password */
	EVENT_DELETE_REQUESTED, /* /account/delete */
	EVENT_DELETE_CANCELLED,
	EVENT_ACCOUNT_EXPORTED, /* /account/export */
	EVENT_NKINDS
};

/*
 * Why an event happened, for the kinds with several causes: the detail
 * of such an event is one of these names (event_whys[] in event.c), or
 * empty, and templates/activity.tpl words each in a section of that
 * name inside WHY.  The names are stable: databases and exports hold
 * them (docs/architecture.md).
 */
enum event_why {
	EVENT_WHY_NONE,
	EVENT_WHY_THIS_BROWSER,	      /* a limit on this browser */
	EVENT_WHY_STRANGERS,	      /* ... on every other one */
	EVENT_WHY_EVERY_BROWSER,      /* the ceiling over them all */
	EVENT_WHY_TWOFA,	      /* a login with the second step */
	EVENT_WHY_HOSTER_LOCK,	      /* postern lock */
	EVENT_WHY_HOSTER_DISABLE,     /* postern disable */
	EVENT_WHY_HOSTER_CANCEL,      /* postern reset cancel */
	EVENT_WHY_OWNER_PASSWORD,     /* /account/password */
	EVENT_WHY_RESET_WITHOUT_TOTP, /* R3: a reset proven without it */
	EVENT_WHY_LINK,		      /* the mailed link */
	EVENT_WHY_EMAIL_REVERT,	      /* an address change undone */
	EVENT_WHY_CONFIRMED,	      /* a reset confirmed early */
	EVENT_WHY_DEADLINE,	      /* a reset at its deadline */
	EVENT_NWHYS
};

/* The kind's name in the events table. */
const char *event_kind_name(enum event_kind);
/* The kind a stored name names; 0 if none does. */
int event_kind_of(const char *name, enum event_kind *);
/* The cause's name in the detail column; NULL for EVENT_WHY_NONE. */
const char *event_why_name(enum event_why);
/* The cause a stored detail names; 0 if none does. */
int event_why_of(const char *name, enum event_why *);

struct event {
	int64_t seq; /* the account's events count from 1 */
	int64_t account_id;
	int64_t at;
	char	kind[32];
	char	ip[64];
	char	detail[256];
};

/* account_id 0 records an event that belongs to no account. */
int event_add(struct db *, int64_t account_id, enum event_kind, const char *ip,
    const char *detail, int64_t now);
/* An event of a kind with several causes, and which one it was. */
int event_add_why(struct db *, int64_t account_id, enum event_kind,
    const char *ip, enum event_why, int64_t now);
/* Newest first, at most limit. */
int event_each(struct db *, int64_t account_id, int limit,
    void (*fn)(const struct event *, void *), void *arg);
/*
 * One row of the activity page's EVENT section: KIND, the section of
 * its kind's words (UNKNOWN for a name no kind has, which the page
 * shows as it is) and DETAIL, shown as it is (PLAIN_DETAIL) unless the
 * kind's words say what it counts, the section of its cause in WHY says
 * why, or a reset's proofs are worded one PROOF each in PROOFS.  A
 * detail that names no cause (text older databases hold) shows as it
 * is.
 */
void event_show(struct render_dict *row, const struct event *);

#endif /* !POSTERN_EVENT_H */
