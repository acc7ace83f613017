/*
 * fuzz_config.c: libFuzzer target for config_parse().  The file is
 * written by the hoster, not by visitors, but a parser that crashes on a
 * typo is still a bug.  On success the struct must hold the promised
 * shapes (required keys set, base_url without trailing slash and ending
 * in base_path, a valid and stable mail_from); on failure the error must
 * name the file and the struct must be empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config zero;
	struct config		   c;
	char			   err[256], again[255];
	size_t			   ul, pl, i;

	if (!config_parse(&c, (const char *)data, size, "fuzz.conf", err,
		sizeof(err))) {
		if (strncmp(err, "fuzz.conf", 9) != 0 ||
		    memcmp(&c, &zero, sizeof(c)) != 0)
			abort();
		return 0;
	}
	if (c.base_url == NULL || c.base_path == NULL || c.database == NULL ||
	    c.mail_from == NULL || c.templates == NULL ||
	    c.static_dir == NULL || c.smtp_host == NULL ||
	    c.secret_key_file == NULL)
		abort();
	ul = strlen(c.base_url);
	pl = strlen(c.base_path);
	if (ul == 0 || c.base_url[ul - 1] == '/' || pl > ul ||
	    strcmp(c.base_url + ul - pl, c.base_path) != 0 ||
	    (pl > 0 && c.base_path[0] != '/'))
		abort();
	if (strncmp(c.base_url, "http://", 7) != 0 &&
	    strncmp(c.base_url, "https://", 8) != 0)
		abort();
	if (c.database[0] != '/' || c.secret_key_file[0] != '/')
		abort();
	if (!validate_email(c.mail_from, again) ||
	    strcmp(again, c.mail_from) != 0)
		abort();
	if (c.smtp_port < 1 || c.smtp_port > 65535)
		abort();
	if (c.reset_delay <= 0 || c.twofa_recent <= 0 || c.session_idle <= 0 ||
	    c.session_max <= 0)
		abort();
	if (c.trusted_proxies_n > CONFIG_MAX_PROXIES)
		abort();
	for (i = 0; i < c.trusted_proxies_n; i++)
		if (c.trusted_proxies[i] == NULL)
			abort();
	config_free(&c);
	if (memcmp(&c, &zero, sizeof(c)) != 0)
		abort();
	return 0;
}
