/*
 * test_config.c: the configuration file.  A hoster who mistypes a line
 * must be told which line and why, at start-up; every key must reach
 * the program with the value meant, or its documented default.
 */
#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "tap.h"

#define BASE \
	"base_url = https://example.org/postern/\n" \
	"database = /var/lib/postern/postern.db\n" \
	"mail_from = postern@example.org\n"

static char err[512];

/* Parse text into c; the error, if any, is in err. */
static int
parse(struct config *c, const char *text)
{
	err[0] = '\0';
	return config_parse(c, text, strlen(text), "test.conf", err,
	    sizeof(err));
}

/* Parse BASE followed by extra (which starts on line 4). */
static int
with(struct config *c, const char *extra)
{
	char text[8192];

	snprintf(text, sizeof(text), "%s%s", BASE, extra);
	return parse(c, text);
}

/* 1 if BASE + extra is refused with exactly the error want. */
static int
refused(const char *extra, const char *want)
{
	struct config c;
	int	      rc;

	rc = with(&c, extra);
	if (rc) {
		config_free(&c);
		printf("# accepted: %s", extra);
		return 0;
	}
	if (c.base_url != NULL || c.templates != NULL || c.smtp_host != NULL ||
	    c.smtp_port != 0) {
		printf("# the struct was not freed after a failure\n");
		return 0;
	}
	if (want != NULL && strcmp(err, want) != 0) {
		printf("# got: '%s'\n# expected: '%s'\n", err, want);
		return 0;
	}
	return 1;
}

/* 1 if BASE + extra is accepted; c holds the result. */
static int
accepted(struct config *c, const char *extra)
{
	if (with(c, extra))
		return 1;
	printf("# refused: %s", err);
	return 0;
}

static void
test_defaults(void)
{
	struct config c;

	ok(accepted(&c, ""), "the three required keys are enough");
	is_str(c.base_url, "https://example.org/postern",
	    "base_url loses its trailing slash");
	is_str(c.base_path, "/postern", "base_path is the URL's path");
	is_str(c.database, "/var/lib/postern/postern.db", "database");
	is_str(c.mail_from, "postern@example.org", "mail_from");
	is_str(c.templates, POSTERN_DATADIR "/templates",
	    "templates default to the install path");
	is_str(c.static_dir, POSTERN_DATADIR "/static",
	    "static defaults to the install path");
	is_str(c.smtp_host, "127.0.0.1", "smtp_host defaults to 127.0.0.1");
	is_int(c.smtp_port, 25, "smtp_port defaults to 25");
	is_int(c.smtp_starttls, STARTTLS_TRY, "smtp_starttls defaults to try");
	ok(c.smtp_user == NULL, "no smtp_user by default");
	ok(c.smtp_password_file == NULL, "no smtp_password_file by default");
	ok(c.admin_email == NULL, "no admin_email: kits are off");
	ok(c.sms_command == NULL, "no sms_command: phones are off");
	is_int(c.reset_delay, 24 * 3600, "reset_delay defaults to 24h");
	is_int(c.twofa_recent, 0,
	    "twofa_recent defaults to none: the code is "
	    "typed with the change");
	is_int(c.recovery_rule, RECOVERY_ACCOUNT,
	    "recovery_rule defaults to account");
	ok(c.dns_server == NULL, "the system resolver by default");
	is_int(c.session_idle, 30 * 60, "session_idle defaults to 30m");
	is_int(c.session_max, 12 * 3600, "session_max defaults to 12h");
	is_int(c.cookie_secure, 1, "cookie_secure defaults to on");
	is_str(c.secret_key_file, "/var/lib/postern/postern.key",
	    "the key file lives next to the database");
	is_int(c.trusted_proxies_n, 0, "no trusted proxies by default");
	is_int(c.pwhash_ops, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    "pwhash_ops defaults to interactive");
	is_int(c.pwhash_mem, crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    "pwhash_mem defaults to interactive");
	ok(c.user == NULL, "no user by default: whoever runs the programs");
	is_str(c.site_name, "Postern", "site_name defaults to Postern");
	ok(config_check_user(&c, NULL, 0), "so any user may run them");
	config_free(&c);
	ok(c.base_url == NULL && c.templates == NULL,
	    "config_free clears the struct");
	config_free(&c);
	config_free(NULL);
	ok(1, "config_free is safe twice and on NULL");

	ok(parse(&c,
	       "base_url = http://localhost:8080\n"
	       "database = /postern.db\nmail_from = a@example.org\n"),
	    "a database in / parses");
	is_str(c.secret_key_file, "/postern.key",
	    "and its key file is /postern.key, not //postern.key");
	is_str(c.base_url, "http://localhost:8080", "a URL with a port");
	is_str(c.base_path, "", "at the root, base_path is empty");
	config_free(&c);
}

static void
test_every_key(void)
{
	struct config c;

	ok(accepted(&c,
	       "templates = /srv/postern/templates\n"
	       "static = /srv/postern/static\n"
	       "smtp_host = mail.example.org\n"
	       "smtp_port = 587\n"
	       "smtp_starttls = required\n"
	       "smtp_user = postern@example.org\n"
	       "smtp_password_file = /etc/postern/smtp.pw\n"
	       "admin_email = Hoster@Example.ORG\n"
	       "sms_command = /usr/local/bin/send-sms\n"
	       "reset_delay = 48h\n"
	       "twofa_recent = 90m\n"
	       "recovery_rule = platform\n"
	       "dns_server = 192.0.2.53:5353\n"
	       "session_idle = 15m\n"
	       "session_max = 1d\n"
	       "cookie_secure = off\n"
	       "secret_key_file = /etc/postern/postern.key\n"
	       "trusted_proxies = 127.0.0.1, ::1 10.0.0.1\n"
	       "pwhash_ops = moderate\n"
	       "pwhash_mem = 256MiB\n"),
	    "every key set at once parses");
	is_str(c.templates, "/srv/postern/templates", "templates");
	is_str(c.static_dir, "/srv/postern/static", "static");
	is_str(c.smtp_host, "mail.example.org", "smtp_host");
	is_int(c.smtp_port, 587, "smtp_port");
	is_int(c.smtp_starttls, STARTTLS_REQUIRED, "smtp_starttls");
	is_str(c.smtp_user, "postern@example.org", "smtp_user");
	is_str(c.smtp_password_file, "/etc/postern/smtp.pw",
	    "smtp_password_file");
	is_str(c.admin_email, "Hoster@example.org",
	    "admin_email, with its domain normalised");
	is_str(c.sms_command, "/usr/local/bin/send-sms", "sms_command");
	is_int(c.reset_delay, 48 * 3600, "reset_delay");
	is_int(c.twofa_recent, 90 * 60, "twofa_recent");
	is_int(c.recovery_rule, RECOVERY_PLATFORM, "recovery_rule");
	is_str(c.dns_server, "192.0.2.53:5353", "dns_server");
	is_int(c.session_idle, 15 * 60, "session_idle");
	is_int(c.session_max, 86400, "session_max");
	is_int(c.cookie_secure, 0, "cookie_secure");
	is_str(c.secret_key_file, "/etc/postern/postern.key",
	    "secret_key_file overrides the default");
	is_int(c.trusted_proxies_n, 3, "three trusted proxies");
	is_str(c.trusted_proxies[0], "127.0.0.1", "the first proxy");
	is_str(c.trusted_proxies[1], "::1", "the second, after a comma");
	is_str(c.trusted_proxies[2], "10.0.0.1", "the third, after a space");
	is_int(c.pwhash_ops, crypto_pwhash_OPSLIMIT_MODERATE, "pwhash_ops");
	is_int(c.pwhash_mem, 256 * 1024 * 1024, "pwhash_mem");
	config_free(&c);
}

static void
test_base_url(void)
{
	struct config c;

	ok(parse(&c,
	       "base_url = HTTPS://example.org\n"
	       "database = /d.db\nmail_from = a@example.org\n"),
	    "an upper-case scheme parses");
	is_str(c.base_url, "https://example.org", "and is lower-cased");
	is_str(c.base_path, "", "no path means the root");
	config_free(&c);
	ok(parse(&c,
	       "base_url = https://example.org///\n"
	       "database = /d.db\nmail_from = a@example.org\n"),
	    "several trailing slashes parse");
	is_str(c.base_url, "https://example.org", "and all go");
	config_free(&c);
	ok(parse(&c,
	       "base_url = http://[::1]:8080/a/b-c_d.e~f/\n"
	       "database = /d.db\nmail_from = a@example.org\n"),
	    "a bracketed IPv6 host with a port and a deep path parses");
	is_str(c.base_path, "/a/b-c_d.e~f", "the path keeps its characters");
	config_free(&c);

#define URL(u) "base_url = " u "\ndatabase = /d.db\nmail_from = a@b.org\n"
	ok(!parse(&c, URL("ftp://example.org")) &&
		strcmp(err,
		    "test.conf:1: base_url must start with http:// or "
		    "https://") == 0,
	    "an ftp URL is refused, naming line 1");
	ok(!parse(&c, URL("example.org")), "a URL without scheme");
	ok(!parse(&c, URL("https://")), "a URL without host");
	ok(!parse(&c, URL("https:///path")), "an empty host before a path");
	ok(!parse(&c, URL("https://example.org/?x=1")), "a query");
	ok(!parse(&c, URL("https://example.org/#top")), "a fragment");
	ok(!parse(&c, URL("https://user@example.org/")), "a user name");
	ok(!parse(&c, URL("https://example.org:0/")), "port 0");
	ok(!parse(&c, URL("https://example.org:65536/")), "port 65536");
	ok(!parse(&c, URL("https://example.org:/")), "an empty port");
	ok(!parse(&c, URL("https://::1/")), "an unbracketed IPv6 host");
	ok(!parse(&c, URL("https://[::g]/")), "a bad IPv6 host");
	ok(!parse(&c, URL("https://exa_mple.org/")), "'_' in the host");
	ok(!parse(&c, URL("https://1.2.3.999/")), "a bad IPv4 host");
	ok(!parse(&c, URL("https://example.org/a b")), "a space in the path");
	ok(!parse(&c, URL("https://example.org/a%20b")),
	    "a percent-escape in the path");
	ok(!parse(&c, URL("https://example.org/a/../b")), "a '..' segment");
	ok(!parse(&c, URL("https://example.org/./b")), "a '.' segment");
	ok(!parse(&c, URL("https://example.org/a//b")), "an empty segment");
	ok(!parse(&c, URL("https://example.org/ # our URL")),
	    "a trailing comment is part of the value, and refused");
#undef URL
}

static void
test_values(void)
{
	struct config c;

	ok(refused("database = var/postern.db\n",
	       "test.conf:4: database repeated (first set on line 2)"),
	    "a repeated key is refused before its value is judged");
	ok(parse(&c,
	       "base_url = https://e.org\ndatabase = db.sqlite\n"
	       "mail_from = a@e.org\n") == 0 &&
		strcmp(err,
		    "test.conf:2: database must be an absolute path") == 0,
	    "a relative database path is refused, naming line 2");
	ok(refused("templates = templates\n",
	       "test.conf:4: templates must be an absolute path"),
	    "a relative templates path");
	ok(refused("static = ./static\n", NULL), "a relative static path");
	ok(refused("secret_key_file = key\n", NULL), "a relative key file");
	ok(refused("smtp_password_file = pw\n", NULL),
	    "a relative password file");

	ok(accepted(&c, "smtp_host = 192.0.2.25\n") &&
		strcmp(c.smtp_host, "192.0.2.25") == 0,
	    "an IPv4 smtp_host");
	config_free(&c);
	ok(accepted(&c, "smtp_host = [2001:db8::25]\n") &&
		strcmp(c.smtp_host, "2001:db8::25") == 0,
	    "a bracketed IPv6 smtp_host is kept bare");
	config_free(&c);
	ok(accepted(&c, "smtp_host = 2001:db8::25\n"),
	    "a bare IPv6 smtp_host");
	config_free(&c);
	ok(refused("smtp_host = mail.example.org:25\n", NULL),
	    "a port in smtp_host is refused (it has its own key)");
	ok(refused("smtp_host = mail..example.org\n", NULL),
	    "an empty label in smtp_host");
	ok(refused("smtp_host = mail example\n", NULL),
	    "a space in smtp_host");
	ok(refused("smtp_host = 192.0.2.300\n", NULL),
	    "a bad IPv4 smtp_host is not taken for a name");

	ok(accepted(&c, "smtp_port = 65535\n") && c.smtp_port == 65535,
	    "smtp_port 65535");
	config_free(&c);
	ok(accepted(&c, "smtp_port = 1\n") && c.smtp_port == 1, "smtp_port 1");
	config_free(&c);
	ok(refused("smtp_port = 0\n",
	       "test.conf:4: smtp_port must be a "
	       "port number from 1 to 65535"),
	    "smtp_port 0");
	ok(refused("smtp_port = 65536\n", NULL), "smtp_port 65536");
	ok(refused("smtp_port = -25\n", NULL), "a negative smtp_port");
	ok(refused("smtp_port = 25x\n", NULL), "smtp_port with trailing text");
	ok(refused("smtp_port = 99999999999999999999999\n", NULL),
	    "an smtp_port that overflows");

	ok(accepted(&c, "smtp_starttls = off\n") &&
		c.smtp_starttls == STARTTLS_OFF,
	    "smtp_starttls off");
	config_free(&c);
	ok(refused("smtp_starttls = yes\n", NULL), "smtp_starttls yes");
	ok(refused("smtp_starttls = Try\n", NULL),
	    "smtp_starttls is case-sensitive");

	ok(refused("admin_email = not an address\n",
	       "test.conf:4: admin_email is not a valid email address"),
	    "a bad admin_email");
	ok(refused("admin_email = a@b.org\\r\\nBcc: x@y.org\n", NULL),
	    "an admin_email with an escaped header");
	ok(parse(&c,
	       "base_url = https://e.org\ndatabase = /d\n"
	       "mail_from = Postern <p@e.org>\n") == 0 &&
		strcmp(err,
		    "test.conf:3: mail_from is not a valid email "
		    "address") == 0,
	    "mail_from takes an address, not a name");
	ok(parse(&c,
	       "base_url = https://e.org\ndatabase = /d\n"
	       "mail_from = noreply@B\xc3\xbc"
	       "cher.de\n") &&
		strcmp(c.mail_from, "noreply@xn--bcher-kva.de") == 0,
	    "an IDN mail_from is stored in A-label form");
	config_free(&c);

	ok(refused("sms_command = send-sms\n", NULL),
	    "a relative sms_command");
	ok(refused("sms_command = /usr/bin/sms --to\n",
	       "test.conf:4: "
	       "sms_command takes no arguments: the program is run with the "
	       "phone number as its only argument"),
	    "an sms_command with args");

	ok(accepted(&c, "recovery_rule = account\n") &&
		c.recovery_rule == RECOVERY_ACCOUNT,
	    "recovery_rule account");
	config_free(&c);
	ok(refused("recovery_rule = global\n", NULL), "recovery_rule global");

	ok(accepted(&c, "cookie_secure = on\n") && c.cookie_secure == 1,
	    "cookie_secure on");
	config_free(&c);
	ok(refused("cookie_secure = yes\n", NULL), "cookie_secure yes");
	ok(refused("cookie_secure = 0\n", NULL), "cookie_secure 0");

	ok(accepted(&c, "smtp_user = user name with spaces\n") &&
		strcmp(c.smtp_user, "user name with spaces") == 0,
	    "smtp_user keeps inner spaces");
	config_free(&c);
}

/* site_name goes into mail headers: nothing may end the header. */
static void
test_site_name(void)
{
	struct config c;
	char	      line[128];

	ok(accepted(&c, "site_name = Café Hosting\n") &&
		strcmp(c.site_name, "Café Hosting") == 0,
	    "a UTF-8 site_name is kept");
	config_free(&c);
	ok(accepted(&c, "site_name = \"Example, Inc.\" <x>\n") &&
		strcmp(c.site_name, "\"Example, Inc.\" <x>") == 0,
	    "quotes and specials are kept: mails encode them");
	config_free(&c);
	ok(refused("site_name = Evil\rBcc: x@example.net\n",
	       "test.conf:4: control character"),
	    "a CR inside site_name");
	ok(refused("site_name = Evil\nBcc: x@example.net\n",
	       "test.conf:5: expected \"key = value\""),
	    "a newline ends site_name: the rest is no key");
	ok(refused("site_name = Tab\there\n",
	       "test.conf:4: site_name: control character in the value"),
	    "a tab inside site_name");
	ok(refused("site_name = C1 \xc2\x85 NEL\n",
	       "test.conf:4: site_name must not hold a control character"),
	    "a C1 control (NEL) inside site_name");
	ok(refused("site_name = Bad \xc3(\n",
	       "test.conf:4: site_name must be UTF-8 text of at most 64 bytes"),
	    "bad UTF-8 in site_name");
	snprintf(line, sizeof(line), "site_name = %065d\n", 0);
	ok(refused(line, NULL), "a site_name of 65 bytes");
	snprintf(line, sizeof(line), "site_name = %064d\n", 0);
	ok(accepted(&c, line), "a site_name of 64 bytes");
	config_free(&c);
}

static void
test_dns_server(void)
{
	struct config c;
	const char   *good[] = { "192.0.2.53", "192.0.2.53:53",
		  "ns1.example.org", "ns1.example.org:5353", "[2001:db8::53]",
		  "[2001:db8::53]:53", "2001:db8::53", "localhost" };
	const char   *bad[] = { "192.0.2.53:0", "192.0.2.53:65536",
		  "ns1.example.org:", "[2001:db8::53", "[2001:db8::53]53",
		  "[ns1.example.org]", "ns1..example.org", "-ns.example.org",
		  "ns1.example.org:53:53", "ns_1.example.org", "[::1]:x",
		  "192.0.2.256", "192.0.2", "1234:53" };
	char	      line[128];
	size_t	      i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "dns_server = %s\n", good[i]);
		ok(accepted(&c, line) && strcmp(c.dns_server, good[i]) == 0,
		    "dns_server %s", good[i]);
		config_free(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "dns_server = %s\n", bad[i]);
		ok(refused(line, NULL), "dns_server %s is refused", bad[i]);
	}
}

static void
test_durations(void)
{
	struct config c;
	int64_t	      d;

	ok(config_duration("90s", &d) && d == 90, "90s is 90 seconds");
	ok(config_duration("15m", &d) && d == 900, "15m is 900 seconds");
	ok(config_duration("24h", &d) && d == 86400, "24h is a day");
	ok(config_duration("7d", &d) && d == 604800, "7d is a week");
	ok(config_duration("3650d", &d) && d == 3650LL * 86400,
	    "3650d, the longest, parses");
	ok(config_duration("87600h", &d) && d == 3650LL * 86400,
	    "87600h, the same in hours, parses");
	ok(!config_duration("3651d", &d), "3651d is too long");
	ok(!config_duration("87601h", &d), "87601h is too long");
	ok(!config_duration("9223372036854775807s", &d),
	    "INT64_MAX seconds is refused");
	ok(!config_duration("106751991167301d", &d),
	    "days that overflow int64 seconds are refused");
	ok(!config_duration("18446744073709551616s", &d),
	    "a number that overflows 64 bits is refused");
	ok(!config_duration("99999999999999999999999999d", &d),
	    "a huge number is refused");
	ok(!config_duration("0s", &d), "zero is refused");
	ok(!config_duration("15", &d), "a number without unit is refused");
	ok(!config_duration("m", &d), "a unit without number is refused");
	ok(!config_duration("", &d), "an empty string is refused");
	ok(!config_duration(NULL, &d), "NULL is refused");
	ok(!config_duration("-5m", &d), "a negative number is refused");
	ok(!config_duration("+5m", &d), "a sign is refused");
	ok(!config_duration("1.5h", &d), "a fraction is refused");
	ok(!config_duration("15 m", &d), "a space before the unit is refused");
	ok(!config_duration("15M", &d), "units are lower-case");
	ok(!config_duration("10ms", &d), "text after the unit is refused");
	ok(!config_duration("2w", &d), "weeks are not a unit");

	ok(accepted(&c,
	       "reset_delay = 90s\ntwofa_recent = 1m\n"
	       "session_idle = 1h\nsession_max = 2d\n") &&
		c.reset_delay == 90 && c.twofa_recent == 60 &&
		c.session_idle == 3600 && c.session_max == 172800,
	    "every duration key takes every unit");
	config_free(&c);
	ok(refused("reset_delay = 24\n",
	       "test.conf:4: reset_delay must be "
	       "a positive number with a unit (90s, 15m, 24h, 7d), at most "
	       "3650d"),
	    "a duration without unit names its line");
	ok(refused("twofa_recent = 0m\n", NULL), "twofa_recent 0m");
	ok(refused("session_idle = 9999999999999999999999s\n", NULL),
	    "an overflowing session_idle");
	ok(refused("session_max = forever\n", NULL), "session_max forever");
}

static void
test_proxies(void)
{
	struct config c;
	char	      line[1024];
	size_t	      i, len;

	len = (size_t)snprintf(line, sizeof(line), "trusted_proxies =");
	for (i = 0; i < CONFIG_MAX_PROXIES; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    " 10.0.0.%zu", i + 1);
	snprintf(line + len, sizeof(line) - len, "\n");
	ok(accepted(&c, line) && c.trusted_proxies_n == CONFIG_MAX_PROXIES,
	    "%d trusted proxies are allowed", CONFIG_MAX_PROXIES);
	is_str(c.trusted_proxies[CONFIG_MAX_PROXIES - 1], "10.0.0.16",
	    "the last one is kept");
	config_free(&c);
	snprintf(line + len, sizeof(line) - len, ",10.0.1.1\n");
	ok(refused(line,
	       "test.conf:4: trusted_proxies lists more than 16 "
	       "addresses"),
	    "%d trusted proxies are too many", CONFIG_MAX_PROXIES + 1);
	ok(accepted(&c, "trusted_proxies = 192.0.2.1,,2001:db8::1 ,\n") &&
		c.trusted_proxies_n == 2,
	    "separators may repeat");
	config_free(&c);
	ok(refused("trusted_proxies = proxy.example.org\n",
	       "test.conf:4: "
	       "trusted_proxies must list IP addresses (no names, no ranges)"),
	    "a host name is refused");
	ok(refused("trusted_proxies = 10.0.0.0/8\n", NULL),
	    "a CIDR range is refused");
	ok(refused("trusted_proxies = 10.0.0.256\n", NULL),
	    "a bad IPv4 address is refused");
	ok(refused("trusted_proxies = ,\n",
	       "test.conf:4: trusted_proxies "
	       "lists no address"),
	    "a list of nothing is refused");
}

static void
test_pwhash(void)
{
	struct config c;

	ok(accepted(&c, "pwhash_ops = sensitive\npwhash_mem = sensitive\n") &&
		c.pwhash_ops == crypto_pwhash_OPSLIMIT_SENSITIVE &&
		c.pwhash_mem == crypto_pwhash_MEMLIMIT_SENSITIVE,
	    "sensitive limits");
	config_free(&c);
	ok(accepted(&c, "pwhash_ops = interactive\npwhash_mem = moderate\n") &&
		c.pwhash_ops == crypto_pwhash_OPSLIMIT_INTERACTIVE &&
		c.pwhash_mem == crypto_pwhash_MEMLIMIT_MODERATE,
	    "names mix between the two keys");
	config_free(&c);
	ok(accepted(&c, "pwhash_ops = 3\npwhash_mem = 7MiB\n") &&
		c.pwhash_ops == 3 && c.pwhash_mem == 7 * 1024 * 1024,
	    "a number of passes and a size in MiB");
	config_free(&c);
	ok(accepted(&c, "pwhash_mem = 8192KiB\n") &&
		c.pwhash_mem == 8192 * 1024,
	    "a size in KiB");
	config_free(&c);
	ok(accepted(&c, "pwhash_mem = 1GiB\n") &&
		c.pwhash_mem == 1024 * 1024 * 1024,
	    "a size in GiB");
	config_free(&c);
	ok(accepted(&c, "pwhash_mem = 8KiB\n") &&
		c.pwhash_mem == crypto_pwhash_MEMLIMIT_MIN,
	    "libsodium's minimum, 8 KiB");
	config_free(&c);
	ok(accepted(&c, "pwhash_ops = 1\n") && c.pwhash_ops == 1,
	    "one pass, libsodium's minimum");
	config_free(&c);
	ok(accepted(&c, "pwhash_ops = 4294967295\n") &&
		c.pwhash_ops == 4294967295ULL,
	    "libsodium's maximum passes");
	config_free(&c);
	ok(refused("pwhash_ops = 0\n", NULL), "zero passes");
	ok(refused("pwhash_ops = 4294967296\n", NULL), "2^32 passes");
	ok(refused("pwhash_ops = fast\n", NULL), "an unknown level");
	ok(accepted(&c, "pwhash_ops = 3 \t\n") && c.pwhash_ops == 3,
	    "trailing white space is trimmed, not refused");
	config_free(&c);
	ok(refused("pwhash_mem = 7KiB\n", NULL), "less than 8 KiB");
	ok(refused("pwhash_mem = 64MB\n", NULL), "MB is not a unit");
	ok(refused("pwhash_mem = 64\n", NULL), "a size without unit");
	ok(refused("pwhash_mem = 64 MiB\n", NULL), "a space before the unit");
	ok(refused("pwhash_mem = 5000GiB\n", NULL),
	    "more than libsodium's maximum");
	ok(refused("pwhash_mem = 18014398509481984GiB\n", NULL),
	    "a size that overflows");
}

static void
test_syntax(void)
{
	struct config c;
	char	     *big;
	size_t	      i;

	ok(parse(&c,
	       "# Postern\n\n   \n\t# indented comment\n"
	       "  base_url=https://example.org  \n"
	       "database\t=\t/d.db\r\n"
	       "mail_from = a@example.org"),
	    "comments, blank lines, tabs, "
	    "CRLF and a last line without newline parse");
	is_str(c.database, "/d.db", "the CR is not part of the value");
	is_str(c.mail_from, "a@example.org", "the unterminated line is read");
	config_free(&c);
	ok(parse(&c, "\xef\xbb\xbf" BASE),
	    "a UTF-8 byte-order mark is skipped");
	config_free(&c);

	ok(refused("colour = blue\n", "test.conf:4: unknown key \"colour\""),
	    "an unknown key");
	ok(refused("\n\n# x\nBase_URL = https://x.org\n",
	       "test.conf:7: unknown key \"Base_URL\""),
	    "keys are case-sensitive, and blank and comment lines count");
	ok(refused("smtp_port 25\n", "test.conf:4: expected \"key = value\""),
	    "a line without '='");
	ok(refused("= 25\n", "test.conf:4: unknown key \"\""),
	    "a line without a key");
	ok(refused("admin_email =\n",
	       "test.conf:4: admin_email has no value "
	       "(remove the line to use the default)"),
	    "an empty value");
	ok(refused("smtp_user = a\x01z\n", "test.conf:4: control character"),
	    "a control character in a value");
	ok(refused("smtp_user = a\tz\n",
	       "test.conf:4: smtp_user: control "
	       "character in the value"),
	    "a TAB inside a value");
	ok(refused("# a comment with an escape \x1b[2J\n",
	       "test.conf:4: control character"),
	    "a control character anywhere");
	ok(refused("smtp_user = a\x7fz\n", NULL), "a DEL");
	ok(!config_parse(&c, BASE "smtp_user = a\0z\n",
	       sizeof(BASE "smtp_user = a\0z\n") - 1, "test.conf", err,
	       sizeof(err)) &&
		strcmp(err, "test.conf:4: control character") == 0,
	    "a NUL byte names its line");

	ok(parse(&c, "mail_from = a@example.org\ndatabase = /d.db\n") == 0 &&
		strcmp(err, "test.conf: missing base_url") == 0,
	    "a missing base_url is named");
	ok(parse(&c,
	       "base_url = https://e.org\nmail_from = a@example.org\n") == 0 &&
		strcmp(err, "test.conf: missing database") == 0,
	    "a missing database is named");
	ok(parse(&c, "base_url = https://e.org\ndatabase = /d.db\n") == 0 &&
		strcmp(err, "test.conf: missing mail_from") == 0,
	    "a missing mail_from is named");
	ok(parse(&c, "") == 0 &&
		strcmp(err, "test.conf: missing base_url") == 0,
	    "an empty file misses base_url");

	/* Line length: 4096 bytes are allowed, 4097 are not. */
	big = malloc(8192);
	i = (size_t)snprintf(big, 8192, "%ssmtp_user = ", BASE);
	memset(big + i, 'u', 4096 - strlen("smtp_user = "));
	big[i + 4096 - strlen("smtp_user = ")] = '\0';
	i = strlen(big);
	big[i] = '\n';
	big[i + 1] = '\0';
	ok(!parse(&c, big) &&
		strcmp(err,
		    "test.conf:4: smtp_user is longer than 255 bytes") == 0,
	    "a 4096-byte line is read (and its value judged)");
	big[i] = 'u';
	big[i + 1] = '\n';
	big[i + 2] = '\0';
	ok(!parse(&c, big) &&
		strcmp(err, "test.conf:4: line longer than 4096 bytes") == 0,
	    "a 4097-byte line is refused");
	free(big);

	/* File size: 64 KiB is allowed, one byte more is not. */
	big = malloc(64 * 1024 + 2);
	i = (size_t)snprintf(big, 64 * 1024, "%s", BASE);
	for (; i < 64 * 1024; i++)
		big[i] = i % 64 == 63 ? '\n' : '#';
	ok(config_parse(&c, big, 64 * 1024, "test.conf", err, sizeof(err)),
	    "a file of 64 KiB parses");
	config_free(&c);
	big[64 * 1024] = '\n';
	ok(!config_parse(&c, big, 64 * 1024 + 1, "test.conf", err,
	       sizeof(err)) &&
		strcmp(err, "test.conf: larger than 64 KiB") == 0,
	    "a file of 64 KiB and one byte is refused");
	free(big);
}

static void
test_files(void)
{
	struct config c;
	char	      dir[] = "/tmp/postern-test-config.XXXXXX";
	char	      path[256];
	FILE	     *f;
	size_t	      i;

	unsetenv("POSTERN_CONF");
	is_str(config_default_path(),
	    POSTERN_SYSCONFDIR "/postern/postern.conf",
	    "the default path is under SYSCONFDIR");
	setenv("POSTERN_CONF", "", 1);
	is_str(config_default_path(),
	    POSTERN_SYSCONFDIR "/postern/postern.conf",
	    "an empty POSTERN_CONF is ignored");
	setenv("POSTERN_CONF", "/srv/p.conf", 1);
	is_str(config_default_path(), "/srv/p.conf", "POSTERN_CONF wins");
	unsetenv("POSTERN_CONF");

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/postern.conf", dir);
	f = fopen(path, "w");
	fputs(BASE "smtp_port = 2525\n", f);
	fclose(f);
	ok(config_load(&c, path, err, sizeof(err)), "a file loads");
	is_int(c.smtp_port, 2525, "with its values");
	config_free(&c);

	f = fopen(path, "w");
	fputs(BASE "smtp_port = 0\n", f);
	fclose(f);
	{
		char want[512];

		snprintf(want, sizeof(want),
		    "%s:4: smtp_port must be a port "
		    "number from 1 to 65535",
		    path);
		ok(!config_load(&c, path, err, sizeof(err)) &&
			strcmp(err, want) == 0,
		    "errors name the file and line");
	}

	f = fopen(path, "w");
	for (i = 0; i < 64 * 1024 / 8 + 1; i++)
		fputs("#######\n", f);
	fclose(f);
	ok(!config_load(&c, path, err, sizeof(err)) &&
		strstr(err, "larger than 64 KiB") != NULL,
	    "a file larger than 64 KiB is refused");
	unlink(path);

	ok(!config_load(&c, path, err, sizeof(err)) &&
		strncmp(err, path, strlen(path)) == 0 &&
		strstr(err, "No such file") != NULL,
	    "a missing file is named with the reason");
	ok(!config_load(&c, dir, err, sizeof(err)) &&
		strstr(err, "not a regular file") != NULL,
	    "a directory is refused");
	rmdir(dir);
}

/* The user key: a name as useradd takes it, and who runs the program. */
static void
test_user(void)
{
	struct config  c;
	char	       why[512];
	struct passwd *pw = getpwuid(geteuid());

	ok(accepted(&c, "user = postern\n") && c.user != NULL &&
		strcmp(c.user, "postern") == 0,
	    "user = postern");
	config_free(&c);
	ok(accepted(&c, "user = _postern-2\n"), "'_', '-' and digits");
	config_free(&c);
	ok(refused("user = Postern\n",
	       "test.conf:4: user must be a user "
	       "name (lower-case letters, digits, '_' and '-', at most 32)"),
	    "an upper-case name is refused, naming the line");
	ok(refused("user = 2postern\n", NULL), "a leading digit");
	ok(refused("user = post ern\n", NULL), "a space");
	ok(refused("user = postern:x\n", NULL), "a colon");
	ok(refused("user = abcdefghijklmnopqrstuvwxyz0123456\n", NULL),
	    "33 characters");
	ok(pw != NULL, "this process's user has a name");
	if (pw == NULL)
		return;
	ok(accepted(&c, "user = nosuchuser-postern-test\n") &&
		!config_check_user(&c, why, sizeof(why)) &&
		strstr(why,
		    "user nosuchuser-postern-test (the user key) does not "
		    "exist") != NULL,
	    "a user that does not exist is named");
	config_free(&c);
	snprintf(why, sizeof(why), "user = %s\n", pw->pw_name);
	ok(accepted(&c, why) && config_check_user(&c, why, sizeof(why)),
	    "the user this runs as passes");
	config_free(&c);
	ok(accepted(&c,
	       geteuid() == 0 ? "user = nobody\n" : "user = root\n") &&
		!config_check_user(&c, why, sizeof(why)) &&
		strstr(why, "but the user key says") != NULL,
	    "another user is refused: %s", why);
	config_free(&c);
}

/* The authorizer's keys (DESIGN section 9). */
static void
test_auth_keys(void)
{
	struct config c;

	ok(accepted(&c, "") && c.cookie_domain == NULL && c.auth_hosts_n == 0,
	    "no cookie_domain and no auth_hosts by "
	    "default");
	config_free(&c);
	ok(accepted(&c, "cookie_domain = example.org\n") &&
		strcmp(c.cookie_domain, "example.org") == 0,
	    "cookie_domain: base_url's parent domain");
	config_free(&c);
	ok(accepted(&c, "cookie_domain = .example.org\n") &&
		strcmp(c.cookie_domain, "example.org") == 0,
	    "cookie_domain: a leading dot is dropped, as browsers do");
	config_free(&c);
	ok(refused("cookie_domain = evil.example\n",
	       "test.conf:4: "
	       "cookie_domain must be base_url's host or a domain above it"),
	    "cookie_domain: a domain base_url is not under");
	ok(refused("cookie_domain = ample.org\n", NULL),
	    "cookie_domain: a name base_url's host only ends with");
	ok(refused("cookie_domain = org\n",
	       "test.conf:4: cookie_domain "
	       "must be a domain name with at least two labels"),
	    "cookie_domain: a top-level domain alone");
	ok(refused("cookie_domain = exa mple.org\n", NULL),
	    "cookie_domain: not a name");
	ok(accepted(&c,
	       "auth_hosts = panel.example.org, "
	       "mail.example.org:8443 wiki.example.net\n") &&
		c.auth_hosts_n == 3 &&
		strcmp(c.auth_hosts[1], "mail.example.org:8443") == 0,
	    "auth_hosts: host names, a port where needed");
	config_free(&c);
	ok(refused("auth_hosts = https://panel.example.org\n", NULL),
	    "auth_hosts: a URL, not a host");
	ok(refused("auth_hosts = *.example.org\n", NULL),
	    "auth_hosts: no wildcards");
	ok(refused("auth_hosts = user@panel.example.org\n", NULL),
	    "auth_hosts: no user name");
}

int
main(void)
{
	test_defaults();
	test_every_key();
	test_base_url();
	test_values();
	test_site_name();
	test_dns_server();
	test_durations();
	test_proxies();
	test_pwhash();
	test_syntax();
	test_files();
	test_user();
	test_auth_keys();
	return done_testing();
}
