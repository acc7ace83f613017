/*
 * smtp_tls.c: STARTTLS that libESMTP 1.1 gets right every time.
 *
 * smtp_tls.h says what goes wrong without it.  The TLS 1.3 case in
 * detail, as strace shows it: the handshake ends when we send our
 * Finished; the server answers with two NewSessionTicket records, and
 * libESMTP, with EHLO still in its write buffer, polls for reading and
 * writing at once.  When the tickets are already there the poll says
 * "readable", libESMTP handles the read first, SSL_read() consumes the
 * tickets, finds no data and waits for more: for a reply to a command
 * it has not sent.  After its 30 s timeout it flushes the EHLO, gives
 * up and reports the server dropped the connection.  Under load the
 * tickets win that race more often, which is why the test suite saw it
 * only when the machine was busy.
 *
 * The fix runs in libESMTP's SMTP_EV_STARTTLS_OK event, after the
 * handshake and before EHLO is queued: we send NOOP and read its reply
 * ourselves.  A server writes its tickets while it completes the
 * handshake, before it can read our NOOP, so they come ahead of the
 * reply and SSL_read() consumes them on the way.  RFC 5321 allows NOOP
 * at any point of a session; the cost is one round trip per mail.
 *
 * OpenSSL's SSL_get_error() trusts the thread's error queue: a stale
 * entry turns "want read" into a fatal error, and libESMTP never clears
 * the queue.  So it is cleared before every session and around every
 * call made here.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* openssl/ssl.h first: libesmtp.h declares smtp_starttls_set_ctx()
 * only when it has seen SSL_CTX. */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "log.h"
#include "smtp_tls.h"

/* A NOOP reply is one short line; a server may add a few. */
#define SETTLE_REPLY_MAX 1024
/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with CRLF. */
#define REPLY_LINE_MAX 512

void
smtp_tls_clear_errors(void)
{
	ERR_clear_error();
}

/*
 * OpenSSL asks for a password when a client key is encrypted (libESMTP
 * looks for one under ~/.authenticate); with no callback it would
 * prompt on the terminal and hang the mailer.  There is no such
 * password, so refuse.
 */
static int
tls_no_password(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return 0;
}

/* One context for the life of the process; sessions hold references. */
static SSL_CTX *
smtp_tls_ctx(void)
{
	static SSL_CTX *ctx;

	if (ctx != NULL)
		return ctx;
	smtp_tls_clear_errors();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		log_err("smtp: cannot make a TLS context");
		return NULL;
	}
	/*
	 * libESMTP checks the certificate and the name itself after the
	 * handshake (SMTP_EV_INVALID_PEER_CERTIFICATE and friends, which
	 * smtp.c refuses), against the system's CAs; SSL_CERT_FILE and
	 * SSL_CERT_DIR replace them, as with libESMTP's own context.
	 */
	SSL_CTX_set_default_passwd_cb(ctx, tls_no_password);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_default_verify_paths(ctx))
		log_warn("smtp: TLS context: %s",
		    ERR_reason_error_string(ERR_peek_last_error()));
	smtp_tls_clear_errors();
	return ctx;
}

int
smtp_tls_attach(smtp_session_t session)
{
	SSL_CTX *ctx;

	/* libESMTP takes a reference and drops it with the session. */
	return (ctx = smtp_tls_ctx()) != NULL &&
	    smtp_starttls_set_ctx(session, ctx);
}

long
smtp_reply_end(const char *buf, size_t len)
{
	size_t at = 0, eol;
	int    last;

	while (at < len) {
		for (eol = at; eol < len && buf[eol] != '\n'; eol++)
			if (eol - at >= REPLY_LINE_MAX)
				return -1;
		if (eol == len)
			return 0; /* the line goes on */
		/* "NNN", "NNN text" or "NNN-text", ended by CRLF or LF. */
		if (eol - at < 3 || buf[at] < '2' || buf[at] > '5' ||
		    buf[at + 1] < '0' || buf[at + 1] > '9' ||
		    buf[at + 2] < '0' || buf[at + 2] > '9')
			return -1;
		last = buf[at + 3] != '-';
		if (last && buf[at + 3] != ' ' && buf[at + 3] != '\r' &&
		    buf[at + 3] != '\n')
			return -1;
		at = eol + 1;
		if (last)
			return (long)at;
	}
	return 0;
}

static int64_t
tls_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * After an SSL_read/SSL_write that returned ret: wait until the
 * socket is ready for what OpenSSL wants, until the deadline.
 */
static int
tls_wait(SSL *ssl, int ret, int64_t deadline, const char **why)
{
	struct pollfd pfd;
	int64_t	      left;
	int	      n;

	switch (SSL_get_error(ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		pfd.events = POLLIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		pfd.events = POLLOUT;
		break;
	case SSL_ERROR_ZERO_RETURN:
		*why = "server closed the TLS connection";
		return 0;
	default:
		*why = "TLS error";
		return 0;
	}
	pfd.fd = SSL_get_fd(ssl);
	for (;;) {
		if ((left = deadline - tls_ms()) <= 0) {
			*why = "timed out";
			return 0;
		}
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, (int)left)) > 0)
			return 1;
		if (n < 0 && errno != EINTR) {
			*why = "poll failed";
			return 0;
		}
	}
}

int
smtp_tls_settle(SSL *ssl, int timeout_ms, char *err, size_t errsz)
{
	static const char noop[] = "NOOP\r\n";
	char		  reply[SETTLE_REPLY_MAX];
	const char	 *why = NULL;
	size_t		  have = 0;
	int64_t		  deadline = tls_ms() + timeout_ms;
	long		  end = 0;
	int		  n;

	/* Without SSL_MODE_ENABLE_PARTIAL_WRITE a write is all or none. */
	for (;;) {
		smtp_tls_clear_errors();
		if ((n = SSL_write(ssl, noop, (int)sizeof(noop) - 1)) > 0)
			break;
		if (!tls_wait(ssl, n, deadline, &why))
			goto fail;
	}
	while (end == 0) {
		if (have == sizeof(reply)) {
			why = "reply to NOOP too long";
			goto fail;
		}
		smtp_tls_clear_errors();
		n = SSL_read(ssl, reply + have, (int)(sizeof(reply) - have));
		if (n <= 0) {
			if (!tls_wait(ssl, n, deadline, &why))
				goto fail;
			continue;
		}
		have += (size_t)n;
		end = smtp_reply_end(reply, have);
	}
	/*
	 * Bytes past the reply would be lost to libESMTP: a server that
	 * talks out of turn is not one to send mail through.
	 */
	if (end < 0 || (size_t)end != have) {
		why = "malformed reply to NOOP";
		goto fail;
	}
	smtp_tls_clear_errors();
	return 1;
fail:
	smtp_tls_clear_errors();
	if (errsz > 0)
		snprintf(err, errsz, "after STARTTLS: %s", why);
	(void)shutdown(SSL_get_fd(ssl), SHUT_RDWR);
	return 0;
}
