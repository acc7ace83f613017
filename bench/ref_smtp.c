/*
 * ref_smtp.c: the reference of the mailer case of `make bench`.
 *
 *	bench-smtp HOST:PORT COUNT FROM BODYFILE
 *
 * Sends COUNT mails through libESMTP to the SMTP server, one session
 * per mail like lib/smtp.c does (so one TCP connection, EHLO, MAIL,
 * RCPT, DATA, QUIT each), with the headers Postern's mails carry and
 * the body read from BODYFILE, to bench-NNNNNN@example.org.  No
 * database, no outbox: what libESMTP and the server cost on their own.
 * Prints "sent N failed F seconds S rate R".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <auth-client.h>
#include <libesmtp.h>

#include "ref.h"

#define REF_MAX_BODY (64 * 1024)

/* One session, one mail: 1 when the recipient and the data got 2xx. */
static int
ref_send(const char *server, const char *from, const char *to,
    const char *text)
{
	smtp_session_t	     session;
	smtp_message_t	     msg;
	smtp_recipient_t     rcpt;
	const smtp_status_t *rs, *ts;
	int		     ok = 0;

	if ((session = smtp_create_session()) == NULL)
		return 0;
	if ((msg = smtp_add_message(session)) != NULL &&
	    smtp_set_server(session, server) &&
	    smtp_set_reverse_path(msg, from) &&
	    (rcpt = smtp_add_recipient(msg, to)) != NULL &&
	    smtp_set_message_str(msg, (void *)text) &&
	    smtp_starttls_enable(session, Starttls_DISABLED) &&
	    smtp_start_session(session)) {
		rs = smtp_recipient_status(rcpt);
		ts = smtp_message_transfer_status(msg);
		ok = rs != NULL && rs->code / 100 == 2 && ts != NULL &&
		    ts->code / 100 == 2;
	}
	smtp_destroy_session(session);
	return ok;
}

int
main(int argc, char **argv)
{
	static char body[REF_MAX_BODY];
	static char text[REF_MAX_BODY + 4096];
	char	    to[64], date[64];
	FILE	   *f;
	size_t	    n;
	long	    count, i, sent = 0, failed = 0;
	double	    start, secs;
	time_t	    now;
	struct tm   tm;

	if (argc != 5 || (count = atol(argv[2])) <= 0) {
		fprintf(stderr,
		    "usage: bench-smtp HOST:PORT COUNT FROM "
		    "BODYFILE\n");
		return 64;
	}
	if ((f = fopen(argv[4], "rb")) == NULL) {
		perror(argv[4]);
		return 1;
	}
	n = fread(body, 1, sizeof(body) - 1, f);
	fclose(f);
	body[n] = '\0';
	start = ref_now();
	for (i = 0; i < count; i++) {
		snprintf(to, sizeof(to), "bench-%06ld@example.org", i);
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
		    &tm);
		/* The body file has CRLF line ends already. */
		snprintf(text, sizeof(text),
		    "From: %s\r\nTo: %s\r\n"
		    "Subject: Bench reference mail\r\nDate: %s\r\n"
		    "Message-ID: <bench%08lx%08lx@example.org>\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n"
		    "Auto-Submitted: auto-generated\r\n\r\n%s",
		    argv[3], to, date, (long)now, i, body);
		if (ref_send(argv[1], argv[3], to, text))
			sent++;
		else
			failed++;
	}
	secs = ref_now() - start;
	printf("sent %ld failed %ld seconds %.3f rate %.3f\n", sent, failed,
	    secs, (double)sent / secs);
	return failed != 0;
}
