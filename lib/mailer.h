#ifndef POSTERN_MAILER_H
#define POSTERN_MAILER_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct db;

/*
 * mailer.c and smtp.c: the delivery loop of `postern mailer`, which
 * also applies password resets and account deletions whose deadline
 * has passed, and turns reset asks into codes (reset.c).  Mail goes
 * out through libESMTP, SMS through sms_command (no shell).  Temporary
 * failures (4xx, connection refused) are retried with exponential
 * backoff; permanent ones (5xx) are given up, recorded and reported.
 */

#define MAILER_MAX_ATTEMPTS 12

struct mailer_stats {
	unsigned int sent;
	unsigned int retried;
	unsigned int failed;
	unsigned int resets; /* pending resets applied (R4) */
	unsigned int asks;   /* reset asks turned into codes */
};

/* Deliver everything due now, once.  0 on a storage error. */
int mailer_run_once(const struct config *, struct db *, int64_t now,
    struct mailer_stats *);
/* Loop until SIGINT/SIGTERM, polling about once a second. */
int mailer_loop(const struct config *, struct db *);
/* The delay before attempt number attempts+1 (30 s doubling, 1 h cap). */
int64_t mailer_backoff(int attempts);

/* Result of one SMTP delivery. */
enum smtp_result { SMTP_SENT, SMTP_TEMPORARY, SMTP_PERMANENT };

/*
 * Send one mail from mail_from, named site_name, with the subject after
 * "site_name: " and signature (or NULL) below the body.  err receives a
 * reason without secrets.
 */
enum smtp_result smtp_send(const struct config *, const char *password,
    const char *to, const char *subject, const char *body,
    const char *signature, char *err, size_t errsz);

#endif /* !POSTERN_MAILER_H */
