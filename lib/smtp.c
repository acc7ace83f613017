/*
 * smtp.c: one mail handed to the configured relay through libESMTP.
 *
 * The message text is composed by mailfmt.c (pure, tested, fuzzed);
 * this file only drives the protocol and sorts the outcome into sent,
 * temporary (try again later: the relay is down, busy, says 4xx, or our
 * own credentials were refused) and permanent (the relay said 5xx to
 * this sender, recipient or message, or the message itself is refused).
 * libESMTP reports at three levels and each may be missing: the session
 * (smtp_start_session), the envelope (MAIL FROM and each RCPT TO) and
 * the transfer (the answer to the end of DATA).  A mail counts as sent
 * only when the recipient and the transfer both say 2xx.  STARTTLS
 * goes through smtp_tls.c, which mends two defects of libESMTP 1.1.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mailer.h"
#include "mailfmt.h"
/* Includes auth-client.h before libesmtp.h, or libesmtp.h hides
 * smtp_auth_set_context(). */
#include "smtp_tls.h"

/*
 * Each protocol step may take this long.  RFC 5321 asks for minutes,
 * which would hold the whole outbox behind one stuck relay; the mail
 * is retried later anyway.
 */
#define SMTP_TIMEOUT_MS 30000

/* What the callbacks learn during one session. */
struct smtp_state {
	const char *user;
	const char *password;
	int	    auth_tried;	  /* AUTH was sent at least once */
	int	    auth_pending; /* AUTH sent, no final answer yet */
	int	    authenticated;
	int	    event;	    /* a TLS or extension event, or -1 */
	char	    tls_error[128]; /* why smtp_tls_settle() failed */
};

static void
smtp_seterr(char *err, size_t errsz, const char *reason)
{
	if (errsz > 0)
		snprintf(err, errsz, "%s", reason);
}

static int
smtp_interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	struct smtp_state *st = arg;
	int		   i;

	for (i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_PASS)
			result[i] = (char *)st->password;
		else if (req[i].flags & AUTH_USER)
			result[i] = (char *)st->user;
		else
			return 0; /* a realm or other: not configured */
	}
	return 1;
}

/*
 * Watch the protocol to learn whether AUTH succeeded: libESMTP goes on
 * without authentication when the relay refuses it, and the relay then
 * answers the envelope with 5xx ("relay access denied").  That 5xx says
 * our configuration is wrong, not the mail, so it must not fail the
 * mail for good.  The line written after "AUTH" holds the credentials:
 * nothing written is looked at beyond its first five bytes.
 */
static void
smtp_monitor(const char *buf, int buflen, int writing, void *arg)
{
	struct smtp_state *st = arg;

	if (writing == SMTP_CB_WRITING) {
		if (buflen >= 5 && strncasecmp(buf, "AUTH ", 5) == 0)
			st->auth_tried = st->auth_pending = 1;
		return;
	}
	if (writing != SMTP_CB_READING || !st->auth_pending || buflen < 1)
		return;
	if (buf[0] == '2') {
		st->authenticated = 1;
		st->auth_pending = 0;
	} else if (buf[0] == '4' || buf[0] == '5')
		st->auth_pending = 0;
}

/*
 * Remember why a session may end early (STARTTLS required but not
 * offered, a certificate that does not verify).  Events that pass an
 * "ok" flag are left at libESMTP's refusing default.  A good handshake
 * is settled before libESMTP sends anything over it (smtp_tls.c).
 */
static void
smtp_event(smtp_session_t session, int event, void *arg, ...)
{
	struct smtp_state *st = arg;
	va_list		   ap;
	struct ssl_st	  *ssl;

	(void)session;
	switch (event) {
	case SMTP_EV_STARTTLS_OK:
		va_start(ap, arg);
		ssl = va_arg(ap, struct ssl_st *);
		va_end(ap);
		(void)smtp_tls_settle(ssl, SMTP_TIMEOUT_MS, st->tls_error,
		    sizeof(st->tls_error));
		break;
	case SMTP_EV_EXTNA_STARTTLS:
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
	case SMTP_EV_NO_PEER_CERTIFICATE:
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
	case SMTP_EV_WEAK_CIPHER:
	case SMTP_EV_NO_CLIENT_CERTIFICATE:
	case SMTP_EV_UNUSABLE_CLIENT_CERTIFICATE:
	case SMTP_EV_UNUSABLE_CA_LIST:
		st->event = event;
		break;
	default:
		break;
	}
}

static const char *
smtp_event_reason(int event)
{
	switch (event) {
	case SMTP_EV_EXTNA_STARTTLS:
		return "server does not offer STARTTLS";
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
	case SMTP_EV_NO_PEER_CERTIFICATE:
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		return "server certificate not trusted";
	case SMTP_EV_WEAK_CIPHER:
		return "weak TLS cipher";
	default:
		return "TLS set-up failed";
	}
}

/* A status as "NNN text", the text cut to one short printable line
 * (it comes from the server: it may hold anything). */
static void
smtp_status_reason(const char *what, const smtp_status_t *s, char *err,
    size_t errsz)
{
	char   text[128];
	size_t i;

	snprintf(text, sizeof(text), "%s", s->text != NULL ? s->text : "");
	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f) {
			if (text[i] == '\r' || text[i] == '\n') {
				text[i] = '\0';
				break;
			}
			text[i] = '?';
		}
	if (errsz > 0)
		snprintf(err, errsz, "%s: %d %s", what, s->code, text);
}

/*
 * Sort one reply: 2 for success, 4 or 5 for the class of a failure,
 * 0 when the step never happened (no status, or code 0).
 */
static int
smtp_class(const smtp_status_t *s)
{
	if (s == NULL || s->code < 200 || s->code > 599)
		return 0;
	return s->code / 100;
}

/*
 * Why a session that neither sent the mail nor was refused for good
 * failed, from the most telling level down: a 4xx answer, a TLS or
 * extension event, a TLS check, the connection itself.
 */
static void
smtp_temporary_reason(smtp_message_t msg, smtp_recipient_t rcpt,
    int session_ok, const struct smtp_state *st, char *err, size_t errsz)
{
	const smtp_status_t *mail, *rs, *ts;
	char		     buf[128];

	mail = smtp_reverse_path_status(msg);
	rs = smtp_recipient_status(rcpt);
	ts = smtp_message_transfer_status(msg);
	if (smtp_class(mail) == 4)
		smtp_status_reason("MAIL FROM", mail, err, errsz);
	else if (smtp_class(rs) == 4)
		smtp_status_reason("RCPT TO", rs, err, errsz);
	else if (smtp_class(ts) == 4)
		smtp_status_reason("DATA", ts, err, errsz);
	else if (st->event != -1)
		smtp_seterr(err, errsz, smtp_event_reason(st->event));
	else if (st->tls_error[0] != '\0')
		smtp_seterr(err, errsz, st->tls_error);
	else if (!session_ok || smtp_errno() != 0) {
		/*
		 * Connection refused, timeout, dropped connection, or a
		 * session libESMTP ended with QUIT on an error of its own
		 * (it then reports success and sets its error number).
		 */
		smtp_strerror(smtp_errno(), buf, sizeof(buf));
		if (errsz > 0)
			snprintf(err, errsz, "session: %s", buf);
	} else
		smtp_seterr(err, errsz, "message not accepted");
}

/* The outcome of a session from its three levels of status. */
static enum smtp_result
smtp_outcome(smtp_message_t msg, smtp_recipient_t rcpt, int session_ok,
    const struct smtp_state *st, int want_auth, char *err, size_t errsz)
{
	const smtp_status_t *mail, *rs, *ts;
	int		     mc, rc, tc;

	mail = smtp_reverse_path_status(msg);
	rs = smtp_recipient_status(rcpt);
	ts = smtp_message_transfer_status(msg);
	mc = smtp_class(mail);
	rc = smtp_class(rs);
	tc = smtp_class(ts);

	if (rc == 2 && tc == 2)
		return SMTP_SENT;
	/* Refusals that follow a refused AUTH are about our credentials. */
	if (want_auth && !st->authenticated &&
	    (mc == 5 || rc == 5 || tc == 5)) {
		smtp_seterr(err, errsz,
		    st->auth_tried ?
			"authentication failed" :
			"server offered no usable AUTH (smtp_user is set)");
		return SMTP_TEMPORARY;
	}
	if (mc == 5) {
		smtp_status_reason("MAIL FROM", mail, err, errsz);
		return SMTP_PERMANENT;
	}
	if (rc == 5) {
		smtp_status_reason("RCPT TO", rs, err, errsz);
		return SMTP_PERMANENT;
	}
	if (rc == 2 && tc == 5) {
		smtp_status_reason("DATA", ts, err, errsz);
		return SMTP_PERMANENT;
	}
	smtp_temporary_reason(msg, rcpt, session_ok, st, err, errsz);
	return SMTP_TEMPORARY;
}

/*
 * Compose the message into text and the bare sender address into from.
 * 0 with *res and err set when it cannot be: a message that can never
 * be composed is refused for good.
 */
static int
smtp_compose(const struct config *cfg, const char *to, const char *subject,
    const char *body, const char *signature, struct buf *text,
    char from[MAILFMT_ADDR_MAX + 1], enum smtp_result *res, char *err,
    size_t errsz)
{
	struct mailfmt m;
	unsigned char  rnd[16];
	char	       msgid[2 * sizeof(rnd) + 1];

	if (sodium_init() < 0) {
		smtp_seterr(err, errsz, "libsodium failed to start");
		return 0;
	}
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(msgid, sizeof(msgid), rnd, sizeof(rnd));
	memset(&m, 0, sizeof(m));
	m.from = cfg->mail_from;
	m.site_name = cfg->site_name;
	m.to = to;
	m.subject = subject;
	m.body = body;
	m.signature = signature;
	m.date = (int64_t)time(NULL);
	m.msgid = msgid;
	if (!mailfmt_compose(&m, text)) {
		if (text->failed)
			smtp_seterr(err, errsz, "out of memory");
		else {
			/* The row will never become sendable: give it up. */
			smtp_seterr(err, errsz,
			    "refused: control characters "
			    "or malformed address in a header");
			*res = SMTP_PERMANENT;
		}
		return 0;
	}
	/* compose checked the address already */
	return mailfmt_address(cfg->mail_from, from, MAILFMT_ADDR_MAX + 1);
}

/*
 * "host:port" of the relay.  libESMTP splits host and port at the first
 * ':' and defaults to 587, so an IPv6 literal cannot be given, and the
 * port always is.
 */
static int
smtp_server(const struct config *cfg, char *server, size_t serversz, char *err,
    size_t errsz)
{
	int n;

	if (cfg->smtp_host == NULL || strchr(cfg->smtp_host, ':') != NULL) {
		smtp_seterr(err, errsz,
		    "smtp_host unusable (IPv6 literals "
		    "are not supported)");
		return 0;
	}
	n = snprintf(server, serversz, "%s:%u", cfg->smtp_host,
	    cfg->smtp_port);
	if (n < 0 || (size_t)n >= serversz) {
		smtp_seterr(err, errsz, "smtp_host too long");
		return 0;
	}
	return 1;
}

/* A timeout for each step, and STARTTLS as configured. */
static int
smtp_session_options(const struct config *cfg, smtp_session_t session)
{
	static const int     steps[] = { Timeout_GREETING, Timeout_ENVELOPE,
		    Timeout_DATA, Timeout_TRANSFER, Timeout_DATA2 };
	enum starttls_option tls;
	size_t		     i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		smtp_set_timeout(session,
		    steps[i] | Timeout_OVERRIDE_RFC2822_MINIMUM,
		    SMTP_TIMEOUT_MS);
	switch (cfg->smtp_starttls) {
	case STARTTLS_OFF:
		tls = Starttls_DISABLED;
		break;
	case STARTTLS_REQUIRED:
		tls = Starttls_REQUIRED;
		break;
	default:
		tls = Starttls_ENABLED;
		break;
	}
	smtp_starttls_enable(session, tls);
	return tls == Starttls_DISABLED || smtp_tls_attach(session);
}

/* AUTH PLAIN as smtp_user with password, through *auth (caller frees). */
static int
smtp_session_auth(const struct config *cfg, const char *password,
    smtp_session_t session, struct smtp_state *st, auth_context_t *auth)
{
	static int auth_ready;

	if (!auth_ready) {
		auth_client_init();
		auth_ready = 1;
	}
	st->user = cfg->smtp_user;
	st->password = password != NULL ? password : "";
	return (*auth = auth_create_context()) != NULL &&
	    auth_set_mechanism_flags(*auth, AUTH_PLUGIN_PLAIN, 0) &&
	    auth_set_interact_cb(*auth, smtp_interact, st) &&
	    smtp_auth_set_context(session, *auth);
}

/* One session with the relay, for one message to one recipient. */
struct smtp_conn {
	smtp_session_t	 session;
	smtp_message_t	 msg;
	smtp_recipient_t rcpt;
	auth_context_t	 auth; /* NULL: no AUTH */
};

/*
 * Set up c to carry text from from to to through server, reporting to
 * st; smtp_close() frees it whatever this returns.
 */
static int
smtp_open(const struct config *cfg, const char *password, const char *server,
    const char *from, const char *to, char *text, struct smtp_state *st,
    struct smtp_conn *c, char *err, size_t errsz)
{
	if ((c->session = smtp_create_session()) == NULL ||
	    (c->msg = smtp_add_message(c->session)) == NULL ||
	    !smtp_set_server(c->session, server) ||
	    !smtp_set_reverse_path(c->msg, from) ||
	    (c->rcpt = smtp_add_recipient(c->msg, to)) == NULL ||
	    !smtp_set_message_str(c->msg, text)) {
		smtp_seterr(err, errsz, "cannot set up the SMTP session");
		return 0;
	}
	if (!smtp_session_options(cfg, c->session)) {
		smtp_seterr(err, errsz, "cannot set up TLS");
		return 0;
	}
	smtp_set_eventcb(c->session, smtp_event, st);
	smtp_set_monitorcb(c->session, smtp_monitor, st, 0);
	if (cfg->smtp_user != NULL && cfg->smtp_user[0] != '\0' &&
	    !smtp_session_auth(cfg, password, c->session, st, &c->auth)) {
		smtp_seterr(err, errsz, "cannot set up SMTP AUTH");
		return 0;
	}
	return 1;
}

static void
smtp_close(struct smtp_conn *c)
{
	if (c->session != NULL)
		smtp_destroy_session(c->session);
	if (c->auth != NULL)
		auth_destroy_context(c->auth);
}

enum smtp_result
smtp_send(const struct config *cfg, const char *password, const char *to,
    const char *subject, const char *body, const char *signature, char *err,
    size_t errsz)
{
	struct buf	  text;
	struct smtp_state st;
	struct smtp_conn  c;
	char		  from[MAILFMT_ADDR_MAX + 1];
	char		  server[300];
	enum smtp_result  res = SMTP_TEMPORARY;
	int		  ok;

	buf_init(&text);
	memset(&st, 0, sizeof(st));
	memset(&c, 0, sizeof(c));
	st.event = -1;
	smtp_seterr(err, errsz, "");
	if (!smtp_compose(cfg, to, subject, body, signature, &text, from, &res,
		err, errsz) ||
	    !smtp_server(cfg, server, sizeof(server), err, errsz) ||
	    !smtp_open(cfg, password, server, from, to, text.p, &st, &c, err,
		errsz))
		goto out;
	/* text must stay alive until this returns: libESMTP reads it
	 * through the callback and does not copy it.  An error left in
	 * OpenSSL's queue would turn its next "want read" into a failure. */
	smtp_tls_clear_errors();
	ok = smtp_start_session(c.session);
	res = smtp_outcome(c.msg, c.rcpt, ok, &st, c.auth != NULL, err, errsz);
out:
	smtp_close(&c);
	/* The text holds codes and links. */
	if (text.p != NULL)
		sodium_memzero(text.p, text.cap);
	buf_free(&text);
	return res;
}
