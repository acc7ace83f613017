#ifndef POSTERN_OUTCOME_H
#define POSTERN_OUTCOME_H

/*
 * outcome.h: what a flow (lib/flow_*.c) answers, one enum for all of
 * them.  The programs in cgi-bin/ map an outcome to a page, bin/postern
 * to a line; both take the words from templates/messages.tpl, where
 * each outcome has a section of its name (and may have NAME_TITLE for
 * the heading of an error page), so a hoster can reword or translate
 * every message without touching C.
 *
 * Each entry: the name (OUT_<name>, and the template section) and the
 * HTTP status a page answers with.  Grouped by the flows that give
 * them; OK and STORAGE belong to all.
 */
#define OUTCOMES \
	X(OK, 200) \
	X(STORAGE, 503) \
	X(BAD_REQUEST, 400) \
	X(NOT_FOUND, 404) \
	X(NO_SESSION, 403) \
	X(AUTH_NO_SESSION, 401) /* the authorizer, not a GET */ \
	/* Requests the front controller (lib/app.c) refuses */ \
	X(FORM_INCOMPLETE, 400) \
	X(MALFORMED, 400) \
	X(TOO_LARGE, 413) \
	X(NOT_A_FORM, 415) \
	X(WRONG_METHOD, 405) \
	X(CROSS_SITE, 403) \
	X(CSRF, 403) \
	X(NO_RESOURCES, 503) \
	X(NO_ANSWER, 500) \
	X(FILE_FAILED, 500) \
	/* R8: the proof typed with an action */ \
	X(NEED_PASSWORD, 422) \
	X(BAD_PASSWORD, 422) \
	X(NEED_CODE, 422) \
	X(BAD_CODE, 422) \
	X(CODE_USED, 422) \
	X(CODE_LOCKED, 429) \
	X(PASSWORD_LOCKED, 429) \
	/* What people type */ \
	X(BAD_USERNAME, 400) \
	X(BAD_EMAIL, 400) \
	X(BAD_PHONE, 400) \
	X(BAD_DOMAIN, 400) \
	X(EMPTY_EMAIL, 400) \
	X(EMPTY_CONTACT, 400) \
	X(CODE_FORMAT, 422) \
	X(PASSWORD_LENGTH, 422) \
	X(PASSWORD_WEAK, 422) \
	/* Limits (429, with the time to try again) */ \
	X(LIMIT_MESSAGES, 429) \
	X(LIMIT_SIGNUPS, 429) \
	X(LIMIT_RESETS, 429) \
	X(LIMIT_RESETS_NAME, 429) \
	X(LIMIT_EMAIL, 429) \
	X(LIMIT_RESENDS, 429) \
	X(LIMIT_KITS, 429) \
	X(LIMIT_LOGIN, 429) \
	X(LIMIT_LOGIN_IP, 429) \
	/* R1 */ \
	X(R1_OWN_DOMAIN, 422) \
	X(R1_PLATFORM_DOMAIN, 422) \
	/* Signup, login */ \
	X(USERNAME_TAKEN, 422) \
	X(LOGIN_WRONG, 422) \
	X(LOGIN_EXPIRED, 403) \
	X(ACCOUNT_DISABLED, 403) \
	/* Contacts, recovery code, kit, 2FA (R2, R6) */ \
	X(NO_PHONES, 422) \
	X(IS_PRIMARY, 422) \
	X(CONTACT_KNOWN, 422) \
	X(CONTACTS_FULL, 422) \
	X(NO_CONTACT, 404) \
	X(CONTACT_CODE_WRONG, 422) \
	X(CONTACT_CODE_SPENT, 422) \
	X(CONTACT_CODE_NONE, 422) \
	X(CONTACT_OTHER_SESSION, 403) \
	X(LAST_WAY, 422) \
	X(TWOFA_PHONE, 422) \
	X(TWOFA_NEED_PHONE, 422) \
	X(TWOFA_NEED_RECOVERY_CODE, 422) \
	X(TWOFA_NOT_SET_UP, 422) \
	X(TWOFA_SETUP_ENDED, 422) \
	X(KITS_OFF, 404) \
	X(KIT_NEEDS_EMAIL, 422) \
	X(VIEW_GONE, 410) \
	/* Sessions */ \
	X(NO_SESSION_ID, 404) \
	/* Email change (R5) */ \
	X(SAME_ADDRESS, 422) \
	X(ADDRESS_TAKEN, 422) \
	X(LINK_BROKEN, 400) \
	X(LINK_STALE, 422) \
	X(ADDRESS_NOW_TAKEN, 422) \
	X(ADDRESS_NOW_MANAGED, 422) \
	/* Reset (R3, R4, R9) */ \
	X(NAME_NEEDED, 400) \
	X(RESET_LOCKED, 403) \
	X(RESET_NOT_RIGHT, 422) \
	X(RESET_NEED_TWO, 422) \
	X(RESET_NEED_NON_EMAIL, 422) \
	X(RESET_TOO_NEW, 422) \
	X(RESET_ONE_TOTP, 422) \
	X(RESET_TOO_MANY_CODES, 400) \
	X(RESET_NOTHING_PENDING, 404) \
	X(RESET_NOT_OLDER, 403) \
	X(RESET_MAILED_ONLY, 403) \
	X(RESET_AUTH_TOO_NEW, 403) \
	X(RESET_STALE, 422) \
	X(RESET_STOPPED_LOCKED, 403) \
	X(RESET_PASSWORD_TOO_NEW, 403) \
	/* The account itself: password, deletion */ \
	X(PASSWORD_RESET_WAITS, 422) \
	X(DELETE_NOTHING_PENDING, 404) \
	X(DELETE_PENDING, 422) \
	/* Domains */ \
	X(DOMAIN_SUFFIX, 422) \
	X(DOMAIN_ELSEWHERE, 422) \
	X(DOMAIN_KNOWN, 422) \
	X(DOMAIN_NOT_FOUND, 422) \
	X(DOMAIN_R1, 422) \
	X(NO_DOMAIN, 422) \
	/* The hoster's commands (flow_admin.c) */ \
	X(NO_ACCOUNT, 404) \
	X(TWOFA_ALREADY_OFF, 422)

enum outcome {
#define X(name, status) OUT_##name,
	OUTCOMES
#undef X
	    OUT_NOUTCOMES
};

/* "BAD_PASSWORD": the section of templates/messages.tpl. */
const char *outcome_name(enum outcome);
/* The HTTP status a page answers with. */
int outcome_status(enum outcome);

#endif /* !POSTERN_OUTCOME_H */
