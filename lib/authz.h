#ifndef POSTERN_AUTHZ_H
#define POSTERN_AUTHZ_H

struct app;
struct FCGX_Request;

/*
 * authz.c: Postern as a FastCGI Authorizer for the hoster's other
 * services (DESIGN section 9): the web server asks it about every
 * request to a protected place, before the request reaches it.
 *
 * With a live session of a verified, unlocked account: 200 and
 * Variable-REMOTE_USER (the username), Variable-POSTERN_EMAIL and
 * Variable-POSTERN_2FA ("1" when a TOTP code was proven in this
 * session, else "0"), which the server hands on.  Otherwise 302 to
 * base_url/login?next=<the URL asked for> for GET and HEAD, and 401
 * for other methods (a form sent after the session ended must not be
 * turned into a GET of the login page).
 *
 * Sessions time out and are refreshed as on Postern's own pages
 * (session_touch(): last_seen is written at most once a minute), so a
 * protected request costs one read transaction and no write.
 */
void authz_serve(struct app *, struct FCGX_Request *);

#endif /* !POSTERN_AUTHZ_H */
