/*
 * test_smtp_tls.c: the reading of a relay's reply to the NOOP that
 * settles a fresh STARTTLS connection (smtp_tls.c).  The end must be
 * found exactly: a byte read past it would be lost to libESMTP.
 */
#include <string.h>

#include "smtp_tls.h"
#include "tap.h"

static long
end_of(const char *s)
{
	return smtp_reply_end(s, strlen(s));
}

int
main(void)
{
	char longline[600];

	is_int(end_of("250 OK\r\n"), 8, "a one-line reply ends after CRLF");
	is_int(end_of("250 2.0.0 Ok\n"), 13, "a bare LF ends a line too");
	is_int(end_of("250\r\n"), 5, "a code alone is a reply");
	is_int(end_of("250-first\r\n250 last\r\n"), 21,
	    "a continued reply ends after its last line");
	is_int(end_of("250-first\r\n"), 0,
	    "a continuation line alone asks for more");
	is_int(end_of("250 OK"), 0, "a line without its end asks for more");
	is_int(end_of(""), 0, "nothing yet asks for more");
	is_int(end_of("250 OK\r\n250 again\r\n"), 8,
	    "the end is that of the first reply; the caller sees the rest");
	is_int(end_of("503 5.5.1 EHLO first\r\n"), 22,
	    "a refusal is a complete reply too");
	is_int(end_of("hello\r\n"), -1, "text that is no reply is refused");
	is_int(end_of("25 OK\r\n"), -1, "two digits are not a code");
	is_int(end_of("250xOK\r\n"), -1, "a code runs into text: refused");
	is_int(end_of("650 OK\r\n"), -1, "codes start with 2 to 5");
	memset(longline, 'a', sizeof(longline) - 1);
	memcpy(longline, "250 ", 4);
	longline[sizeof(longline) - 1] = '\0';
	is_int(end_of(longline), -1,
	    "a line longer than RFC 5321 allows is refused");
	return done_testing();
}
