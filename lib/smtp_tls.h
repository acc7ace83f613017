#ifndef POSTERN_SMTP_TLS_H
#define POSTERN_SMTP_TLS_H

#include <stddef.h>

/*
 * smtp_tls.c: what libESMTP 1.1's STARTTLS needs from smtp.c to be
 * reliable.  Only smtp.c (and the tests) include this; it is the one
 * place that speaks OpenSSL.
 *
 * Two defects of Debian's libESMTP 1.1.0 are worked around here:
 *  - It caches the SSL_CTX it makes in a static variable but frees it
 *    with the first session, so the second STARTTLS session of a
 *    process (the long-running `postern mailer`) uses freed memory.
 *    smtp_tls_ctx() makes one context per process and hands it over
 *    with smtp_starttls_set_ctx(), which takes its own reference.
 *  - After STARTTLS, a TLS 1.3 server sends its session tickets.  When
 *    they arrive before libESMTP has flushed the EHLO that follows,
 *    its protocol loop sees the socket readable, reads for the EHLO's
 *    reply before sending the EHLO, and waits its whole timeout: the
 *    session ends as "server dropped connection".  smtp_tls_settle()
 *    makes one NOOP round trip right after the handshake, which reads
 *    the tickets (they precede any reply in the stream) before
 *    libESMTP polls.
 */

#include <auth-client.h>
#include <libesmtp.h>

struct ssl_st;

/*
 * Give the session the process's TLS context (made on first use).
 * 0 when it cannot be made.
 */
int smtp_tls_attach(smtp_session_t);
/*
 * One NOOP round trip on a fresh TLS connection, within timeout_ms,
 * for SMTP_EV_STARTTLS_OK.  0 with the reason in err when it cannot
 * be made; the socket is then shut down, so libESMTP ends the session
 * at once.
 */
int smtp_tls_settle(struct ssl_st *, int timeout_ms, char *err, size_t errsz);
/*
 * Where a complete SMTP reply (one or more lines "NNN-text", ending
 * with "NNN text" or "NNN") ends in buf[0..len): the offset after its
 * last CRLF, 0 when more is needed, -1 when the bytes are not a reply.
 */
long smtp_reply_end(const char *buf, size_t len);
/* Forget OpenSSL errors a call left behind (see smtp_tls.c). */
void smtp_tls_clear_errors(void);

#endif /* !POSTERN_SMTP_TLS_H */
