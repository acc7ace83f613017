/*
 * dns.c: TXT look-ups with the resolver in libc (res_nquery), which
 * every Debian system has.  With dns_server set, that server alone is
 * asked, on the port given: tests run a real dnsmasq on loopback, and
 * hosters may point at their own authoritative server.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "log.h"

/* Most answers fit the first buffer; no DNS message exceeds the second
 * (its length over TCP is 16 bits). */
#define DNS_ANSWER_FIRST 4096
#define DNS_ANSWER_MAX	 65535

/* Point the resolver at server ("host", "host:port", "[v6]:port"). */
static int
dns_use_server(res_state rs, const char *server)
{
	char		host[256], port[8] = "53";
	const char     *p;
	struct addrinfo hints, *ai = NULL;
	size_t		n;

	if (server[0] == '[') {
		if ((p = strchr(server, ']')) == NULL)
			return 0;
		n = (size_t)(p - server - 1);
		if (p[1] == ':')
			snprintf(port, sizeof(port), "%s", p + 2);
		server++;
	} else if ((p = strrchr(server, ':')) != NULL) {
		n = (size_t)(p - server);
		snprintf(port, sizeof(port), "%s", p + 1);
	} else
		n = strlen(server);
	if (n == 0 || n >= sizeof(host))
		return 0;
	memcpy(host, server, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET; /* the classic resolver state is IPv4 */
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL) {
		log_err("dns_server %s: not an IPv4 address or name", server);
		return 0;
	}
	memcpy(&rs->nsaddr_list[0], ai->ai_addr, sizeof(struct sockaddr_in));
	rs->nscount = 1;
	freeaddrinfo(ai);
	return 1;
}

/* Compare each TXT record's joined strings with want. */
static int
dns_answer_has(const unsigned char *ans, int len, const char *want)
{
	ns_msg		     msg;
	ns_rr		     rr;
	int		     i, count;
	const unsigned char *rd, *end;
	char		     text[1024];
	size_t		     n, k;

	if (ns_initparse(ans, len, &msg) == -1)
		return 0;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) == -1)
			return 0;
		if (ns_rr_type(rr) != ns_t_txt)
			continue;
		rd = ns_rr_rdata(rr);
		end = rd + ns_rr_rdlen(rr);
		/* A TXT record is a run of <length><bytes> strings, joined. */
		for (n = 0; rd < end; rd += k) {
			k = *rd++;
			if (k > (size_t)(end - rd) || n + k >= sizeof(text))
				break;
			memcpy(text + n, rd, k);
			n += k;
		}
		text[n] = '\0';
		if (rd == end && strlen(want) == n &&
		    memcmp(text, want, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * res_nquery() into a buffer that grows once to the answer's size.  It
 * returns the length of the whole answer even when it cut the answer to
 * fit the buffer (10,248 for 4,096 bytes was seen), so the length is
 * clamped to the buffer: the parser must never read past it.  -1 when
 * there is no answer; *ans is the caller's to free either way.
 */
static int
dns_query(res_state rs, const char *name, unsigned char **ans)
{
	unsigned char *bigger;
	int	       size = DNS_ANSWER_FIRST, len;

	if ((*ans = malloc((size_t)size)) == NULL)
		return -1;
	len = res_nquery(rs, name, ns_c_in, ns_t_txt, *ans, size);
	if (len > size) {
		size = len < DNS_ANSWER_MAX ? len : DNS_ANSWER_MAX;
		if ((bigger = realloc(*ans, (size_t)size)) == NULL)
			return -1;
		*ans = bigger;
		len = res_nquery(rs, name, ns_c_in, ns_t_txt, *ans, size);
	}
	return len < size ? len : size;
}

int
dns_txt_has(const char *server, const char *name, const char *want, int *found)
{
	struct __res_state rs;
	unsigned char	  *ans = NULL;
	int		   len, ok = 0;

	*found = 0;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0) {
		log_err("dns: resolver initialisation failed");
		return 0;
	}
	/* A person is waiting for the page: a few seconds at most. */
	rs.retrans = 2;
	rs.retry = 2;
	if (server != NULL && !dns_use_server(&rs, server))
		goto out;
	len = dns_query(&rs, name, &ans);
	if (len < 0) {
		/* NXDOMAIN and NODATA are answers: the record is not there. */
		ok = rs.res_h_errno == HOST_NOT_FOUND ||
		    rs.res_h_errno == NO_DATA;
		if (!ok)
			log_warn("dns: no answer for a TXT look-up");
	} else {
		*found = dns_answer_has(ans, len, want);
		ok = 1;
	}
out:
	free(ans);
	res_nclose(&rs);
	return ok;
}
