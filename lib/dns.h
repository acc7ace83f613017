#ifndef POSTERN_DNS_H
#define POSTERN_DNS_H

/*
 * dns.c: the ownership proof of a managed domain, a TXT record looked
 * up through the system resolver or through dns_server.
 */

/* The record a domain's owner publishes: name prefix and value prefix. */
#define DNS_CHALLENGE_LABEL  "_postern-challenge"
#define DNS_CHALLENGE_PREFIX "postern-verify="

/*
 * Does name have a TXT record whose text is exactly want?  server is
 * NULL for the system resolver, else "host", "host:port" or
 * "[v6]:port" from configuration.  Returns 1 with *found set when an
 * answer came (no record is an answer), 0 when none did.
 */
int dns_txt_has(const char *server, const char *name, const char *want,
    int *found);

#endif /* !POSTERN_DNS_H */
