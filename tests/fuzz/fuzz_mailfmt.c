/*
 * fuzz_mailfmt.c: libFuzzer target for the composition of mails
 * (lib/mailfmt.c).  The input is split at NUL bytes into recipient,
 * subject, body, mail_from, site_name and signature.  Whatever they hold, a composed mail must
 * have CRLF line ends only, no line past 998 bytes, a Subject folded
 * within 78 columns, and exactly the headers Postern writes, each once:
 * no value may add a header (DESIGN section 5).  A violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mailfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const headers[] = {
	"From:",
	"To:",
	"Subject:",
	"Date:",
	"Message-ID:",
	"MIME-Version:",
	"Content-Type:",
	"Content-Transfer-Encoding:",
	"Auto-Submitted:",
};
#define NHEADERS (sizeof(headers) / sizeof(headers[0]))

static void
check(const char *msg)
{
	const char *p = msg, *e;
	size_t	    i, n, seen[NHEADERS];
	int	    in_head = 1, in_subject = 0, found;

	memset(seen, 0, sizeof(seen));
	for (i = 0; msg[i] != '\0'; i++) {
		if (msg[i] == '\r' && msg[i + 1] != '\n')
			abort();
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			abort();
	}
	while ((e = strstr(p, "\r\n")) != NULL) {
		n = (size_t)(e - p);
		if (n > MAILFMT_LINE_MAX)
			abort();
		if (in_head && n == 0)
			in_head = 0;
		else if (in_head && (*p == ' ' || *p == '\t')) {
			if (in_subject && n > 78)
				abort();
		} else if (in_head) {
			found = 0;
			for (i = 0; i < NHEADERS; i++)
				if (strncasecmp(p, headers[i],
					strlen(headers[i])) == 0) {
					seen[i]++;
					found = 1;
					in_subject = i == 2;
				}
			if (!found || (in_subject && n > 78))
				abort();
		}
		p = e + 2;
	}
	if (in_head)
		abort();
	for (i = 0; i < NHEADERS; i++)
		if (seen[i] != 1)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	      *s, *part[6];
	size_t	       i, k;
	struct mailfmt m;
	struct buf     out;
	char	       addr[MAILFMT_ADDR_MAX + 1];

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	part[0] = s;
	part[1] = part[2] = part[3] = part[4] = part[5] = NULL;
	for (i = 0, k = 1; i < size && k < 6; i++)
		if (s[i] == '\0')
			part[k++] = s + i + 1;

	buf_init(&out);
	(void)mailfmt_subject_encode(s, &out);
	buf_free(&out);
	(void)mailfmt_address(s, addr, sizeof(addr));
	buf_init(&out);
	(void)mailfmt_name_encode(s, &out);
	buf_free(&out);

	memset(&m, 0, sizeof(m));
	m.to = part[0];
	m.subject = part[1] != NULL ? part[1] : "Subject";
	m.body = part[2] != NULL ? part[2] : "";
	m.from = part[3] != NULL ? part[3] : "postern@example.org";
	m.site_name = part[4];
	m.signature = part[5];
	m.date = 1700000000;
	m.msgid = "0123456789abcdef";
	buf_init(&out);
	if (mailfmt_compose(&m, &out))
		check(out.p);
	buf_free(&out);
	free(s);
	return 0;
}
