#ifndef POSTERN_CONFIG_H
#define POSTERN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* config.c: the configuration file (DESIGN section 6).               */

enum starttls_mode { STARTTLS_OFF, STARTTLS_TRY, STARTTLS_REQUIRED };
enum recovery_rule { RECOVERY_ACCOUNT, RECOVERY_PLATFORM };

#define CONFIG_MAX_PROXIES    16
#define CONFIG_MAX_AUTH_HOSTS 32

struct config {
	char		  *base_url;  /* without trailing slash */
	char		  *base_path; /* path part of base_url, "" at root */
	char		  *database;
	char		  *templates;
	char		  *static_dir;
	char		  *smtp_host;
	unsigned int	   smtp_port;
	enum starttls_mode smtp_starttls;
	char		  *smtp_user;
	char		  *smtp_password_file;
	char		  *mail_from;
	char		  *admin_email; /* NULL: kits disabled; else also the
					 * contact line of every mail */
	char		  *sms_command; /* NULL: no phones */
	int64_t		   reset_delay;
	int64_t		   twofa_recent;
	enum recovery_rule recovery_rule;
	char		  *dns_server; /* NULL: system resolver */
	int64_t		   session_idle;
	int64_t		   session_max;
	int		   cookie_secure;
	char		  *cookie_domain; /* NULL: host-only cookie */
	char		  *auth_hosts[CONFIG_MAX_AUTH_HOSTS]; /* for next */
	size_t		   auth_hosts_n;
	char		  *secret_key_file;
	char		  *trusted_proxies[CONFIG_MAX_PROXIES];
	size_t		   trusted_proxies_n;
	unsigned long long pwhash_ops;
	size_t		   pwhash_mem;
	char		  *user;      /* NULL: whoever runs them */
	char		  *site_name; /* pages, mails and SMS name it */
};

/* The path of the configuration file: $POSTERN_CONF or the default. */
const char *config_default_path(void);

/*
 * Parse the configuration in text[0..len), naming it "name" in errors.
 * On failure, err holds "name:line: reason" and cfg is left freed.
 */
int config_parse(struct config *cfg, const char *text, size_t len,
    const char *name, char *err, size_t errsz);
/* Read and parse the file at path; same error contract. */
int config_load(struct config *cfg, const char *path, char *err, size_t errsz);
void config_free(struct config *);
/*
 * Does this process run as the configured user?  1 when it does or no
 * user is configured; 0 with the reason in err otherwise (or when the
 * user does not exist).
 */
int config_check_user(const struct config *, char *err, size_t errsz);
/* Parse "90s", "15m", "24h", "7d" into seconds. */
int config_duration(const char *s, int64_t *out);

#endif /* !POSTERN_CONFIG_H */
