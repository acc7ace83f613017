/*
 * postern: the admin command.  Scripts rely on its exit codes:
 *   0 success, 1 a runtime failure (storage, delivery),
 *   64 a usage error (EX_USAGE), 78 a configuration error (EX_CONFIG).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "postern.h"
#include "check.h"
#include "domains.h"
#include "flow_domains.h"
#include "message.h"
#include "onetime.h"
#include "recovery.h"
#include "reset.h"

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	64
#define EX_CONFIG	78

/* Unverified accounts and delivered mail are kept this long. */
#define PURGE_UNVERIFIED	(7 * 86400)
#define PURGE_OUTBOX		(30 * 86400)

static const char usage_text[] =
    "usage: postern [-f file] command [arguments]\n"
    "\n"
    "commands:\n"
    "  init             create the database and the secret key file\n"
    "  migrate          bring the database schema up to date\n"
    "  check-config     validate the configuration file and the paths\n"
    "  backup FILE      copy the database to FILE, checked, while in use\n"
    "  mailer [--once]  deliver queued mail and SMS (loop, or one pass)\n"
    "  users            list the accounts\n"
    "  domain add ACCOUNT DOMAIN\n"
    "                   add a verified managed domain to an account\n"
    "  domain list      list every managed domain\n"
    "  resets           list pending password changes\n"
    "  lock NAME        refuse automated resets of an account\n"
    "  unlock NAME      allow them again\n"
    "  purge            remove expired sessions, links, rate limits,\n"
    "                   old delivered mail and stale unverified accounts\n"
    "\n"
    "  -f file          configuration file (default: $POSTERN_CONF or\n"
    "                   " POSTERN_SYSCONFDIR "/postern/postern.conf)\n"
    "  -h, --help       this text\n"
    "\n"
    "exit status: 0 success, 1 failure, 64 usage error, 78 configuration "
    "error\n";

static int
usage(FILE *f)
{
	fputs(usage_text, f);
	return f == stdout ? EX_OK : EX_USAGE;
}

static int
load_config(const char *path, struct config *cfg)
{
	char	 err[512];

	if (!config_load(cfg, path, err, sizeof(err))) {
		fprintf(stderr, "postern: %s\n", err);
		return 0;
	}
	return 1;
}

/*
 * The outbox seals what it queues under a subkey of secret_key_file and
 * refuses to queue without it: commands that may queue mail, or deliver
 * it, load the key first.
 */
static int
load_outbox_key(const struct config *cfg)
{
	struct keys	 k;

	if (!keys_load(cfg->secret_key_file, &k))
		return 0;
	outbox_key_set(k.outbox);
	sodium_memzero(&k, sizeof(k));
	return 1;
}

/* Open the database, which must be at the schema version we know. */
static struct db *
open_db(const struct config *cfg, int *rc)
{
	struct db	*db;

	if ((db = db_open(cfg->database, 0)) == NULL) {
		*rc = EX_FAIL;
		return NULL;
	}
	if (!db_current(db)) {
		*rc = EX_CONFIG;
		db_close(db);
		return NULL;
	}
	return db;
}

/*
 * init and check-config work as the user the programs run as (the user
 * key), so what they make is that user's and what they check is what
 * that user can reach.  Run as root they become that user.
 */
static int
become_user(const struct config *cfg, int allow_any)
{
	char	 err[512];

	if (check_become_user(cfg, allow_any, err, sizeof(err)))
		return 1;
	fprintf(stderr, "postern: %s\n", err);
	return 0;
}

static int
cmd_check_config(const struct config *cfg, const char *path)
{
	int	 n;

	if (!become_user(cfg, 1))
		return EX_CONFIG;
	if ((n = check_paths(cfg, path, 0, stderr)) > 0) {
		fprintf(stderr, "postern: %s: %d problem%s with the paths "
		    "above\n", path, n, n == 1 ? "" : "s");
		return EX_CONFIG;
	}
	printf("%s: ok\n", path);
	return EX_OK;
}

static int
cmd_init(const struct config *cfg, const char *path)
{
	struct db	*db;
	struct stat	 st;
	int		 ok;

	/* Files the programs could not read are never made. */
	if (!become_user(cfg, 0))
		return EX_CONFIG;
	if (check_paths(cfg, path, 1, stderr) > 0) {
		fprintf(stderr, "postern: nothing was made: fix the paths "
		    "above first\n");
		return EX_CONFIG;
	}
	if (stat(cfg->secret_key_file, &st) == -1) {
		if (errno != ENOENT || !key_create(cfg->secret_key_file))
			return EX_FAIL;
		printf("created %s\n", cfg->secret_key_file);
	}
	if ((db = db_open(cfg->database, 1)) == NULL)
		return EX_FAIL;
	ok = db_protect_files(db) && db_migrate(db);
	db_close(db);
	if (!ok)
		return EX_FAIL;
	printf("database %s is at version %d\n", cfg->database,
	    db_latest_version());
	return EX_OK;
}

static int
cmd_migrate(const struct config *cfg)
{
	struct db	*db;
	int		 ok;

	if ((db = db_open(cfg->database, 0)) == NULL)
		return EX_FAIL;
	/* An upgrade runs this: it closes a database made before 0600. */
	ok = db_protect_files(db) && db_migrate(db);
	db_close(db);
	return ok ? EX_OK : EX_FAIL;
}

static int
cmd_backup(const struct config *cfg, const char *file)
{
	struct db	*db;
	int		 rc = EX_OK, pages, v;

	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (!db_backup(db, file, &pages) || !db_version(db, &v))
		rc = EX_FAIL;
	else
		printf("%s: %d pages of %s at schema version %d, integrity "
		    "ok\n", file, pages, cfg->database, v);
	db_close(db);
	return rc;
}

static void
print_user(const struct account *a, void *arg)
{
	char		 when[32];
	struct tm	 tm;
	time_t		 t = (time_t)a->created_at;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	printf("%-32s  %-40s  %-10s  %s%s\n", a->username, a->email,
	    a->email_verified_at != 0 ? "verified" : "unverified", when,
	    a->locked_at != 0 ? "  locked" : "");
}

static int
cmd_users(const struct config *cfg)
{
	struct db	*db;
	int		 ok, rc = EX_OK;

	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	ok = account_each(db, print_user, NULL);
	db_close(db);
	return ok ? EX_OK : EX_FAIL;
}

static int
cmd_purge(const struct config *cfg)
{
	struct db	*db;
	int		 rc = EX_OK, accounts = 0, mails = 0;
	int64_t		 now = (int64_t)time(NULL);

	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (!db_begin(db) ||
	    !session_purge(db, now, cfg->session_idle, cfg->session_max) ||
	    !link_purge(db, now) || !rate_purge(db, now) ||
	    !onetime_purge(db, now) || !recovery_view_purge(db, now) ||
	    !outbox_purge(db, now - PURGE_OUTBOX, &mails) ||
	    !account_purge_unverified(db, now - PURGE_UNVERIFIED,
	    &accounts) || !db_commit(db)) {
		db_rollback(db);
		rc = EX_FAIL;
	} else
		printf("purged %d unverified accounts and %d old messages\n",
		    accounts, mails);
	db_close(db);
	return rc;
}

static void
print_domain(const struct managed_domain *d, void *arg)
{
	struct db	*db = arg;
	struct account	 a;

	if (!account_by_id(db, d->account_id, &a))
		a.username[0] = '\0';
	printf("%-40s  %-32s  %s\n", d->name, a.username,
	    d->verified_at != 0 ? "verified" : "pending");
}

/* A flow's refusal in the words of templates/messages.tpl. */
static void
refused(const struct flow *f, enum outcome o)
{
	struct buf	 text;

	buf_init(&text);
	if (message_text(o, &f->said, f->now, 0, &text) && text.len > 0)
		fprintf(stderr, "postern: %s\n", text.p);
	else
		fprintf(stderr, "postern: %s\n", outcome_name(o));
	buf_free(&text);
}

/*
 * Add a verified domain for a hoster that syncs from its platform: the
 * same flow as a DNS proof on the page, so R1 and the platform rule's
 * notices are the same whichever way a domain comes.
 */
static int
domain_add(const struct config *cfg, struct db *db, const char *who,
    const char *typed)
{
	struct flow	 f;
	struct account	 a;
	enum outcome	 o;

	flow_init(&f, db, cfg, NULL, (int64_t)time(NULL));
	if (!account_by_login(db, who, &a)) {
		refused(&f, OUT_STORAGE);
		return EX_FAIL;
	}
	if (a.id == 0) {
		fprintf(stderr, "postern: no account %s\n", who);
		return EX_FAIL;
	}
	if ((o = flow_domain_vouch(&f, a.id, typed)) != OUT_OK) {
		refused(&f, o);
		return EX_FAIL;
	}
	printf("%s: %s is verified\n", a.username, f.said.what);
	return EX_OK;
}

static int
cmd_domain(const struct config *cfg, int argc, char **argv)
{
	static const char *const domain_templates[] = {
		FLOW_DOMAINS_TEMPLATES, NULL
	};
	struct db	*db;
	int		 rc = EX_OK;

	if (!((argc == 2 && strcmp(argv[1], "list") == 0) ||
	    (argc == 4 && strcmp(argv[1], "add") == 0)))
		return usage(stderr);
	if (argc == 4 && !render_init(cfg->templates, domain_templates))
		return EX_CONFIG;
	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (argc == 2)
		rc = domains_each_all(db, print_domain, db) ? EX_OK : EX_FAIL;
	else
		rc = domain_add(cfg, db, argv[2], argv[3]);
	db_close(db);
	return rc;
}

static void
print_reset(const struct reset *rs, void *arg)
{
	struct db	*db = arg;
	struct account	 a;
	char		 when[32], due[32];
	struct tm	 tm;
	time_t		 t;

	if (!account_by_id(db, rs->account_id, &a))
		a.username[0] = '\0';
	t = (time_t)rs->created_at;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	t = (time_t)rs->deadline;
	gmtime_r(&t, &tm);
	strftime(due, sizeof(due), "%Y-%m-%d %H:%M", &tm);
	printf("%-32s  asked %s  takes effect %s UTC\n", a.username, when,
	    due);
}

static int
cmd_resets(const struct config *cfg)
{
	struct db	*db;
	int		 rc = EX_OK;

	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	rc = reset_each_pending(db, print_reset, db) ? EX_OK : EX_FAIL;
	db_close(db);
	return rc;
}

/*
 * lock/unlock: a locked account gets no automated reset (R3, R4), and
 * locking stops one that is pending.
 */
static int
cmd_lock(const struct config *cfg, const char *name, int lock)
{
	static const char *const notices[] = { RESET_NOTICE_TEMPLATES, NULL };
	struct db	*db;
	struct account	 a;
	int		 rc = EX_OK, stopped;

	if (!render_init(cfg->templates, notices))
		return EX_CONFIG;
	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (!account_by_login(db, name, &a)) {
		rc = EX_FAIL;
		goto out;
	}
	if (a.id == 0) {
		fprintf(stderr, "postern: no account %s\n", name);
		rc = EX_FAIL;
		goto out;
	}
	if (!reset_lock(db, cfg, a.id, lock, "postern", (int64_t)time(NULL),
	    &stopped)) {
		fprintf(stderr, "postern: storage error\n");
		rc = EX_FAIL;
		goto out;
	}
	printf("%s: automated reset %s\n", a.username, lock ? "refused" :
	    "allowed");
	if (stopped)
		printf("%s: the pending password change was stopped; every "
		    "channel was told\n", a.username);
out:
	db_close(db);
	return rc;
}

static int
cmd_mailer(const struct config *cfg, int argc, char **argv)
{
	struct db		*db;
	struct mailer_stats	 st;
	char			 err[512];
	int			 once = 0, ok, rc = EX_OK;

	if (argc == 2 && strcmp(argv[1], "--once") == 0)
		once = 1;
	else if (argc != 1)
		return usage(stderr);
	if (!config_check_user(cfg, err, sizeof(err))) {
		fprintf(stderr, "postern: %s\n", err);
		return EX_CONFIG;
	}
	/* Applying a due reset renders its notices. */
	if (!render_init(cfg->templates, NULL))
		return EX_CONFIG;
	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (once) {
		memset(&st, 0, sizeof(st));
		ok = mailer_run_once(cfg, db, (int64_t)time(NULL), &st);
		/* Quiet when there was nothing to do, so cron mails nothing. */
		if (st.sent + st.retried + st.failed + st.resets + st.asks > 0)
			printf("sent %u, retrying %u, failed %u, resets applied "
			    "%u, reset asks %u\n", st.sent, st.retried,
			    st.failed, st.resets, st.asks);
		/* A message given up is the hoster's to look at. */
		if (st.failed > 0) {
			fprintf(stderr, "postern: %u message%s could not be "
			    "delivered and were given up; see the log\n",
			    st.failed, st.failed == 1 ? "" : "s");
			ok = 0;
		}
	} else
		ok = mailer_loop(cfg, db);
	db_close(db);
	return ok ? EX_OK : EX_FAIL;
}

/*
 * The commands, with their number of words (the command's own
 * included) and whether they may queue or deliver mail, which needs
 * the key.
 */
static const struct command {
	const char	*name;
	int		 min_argc, max_argc;
	int		 queues;
} commands[] = {
	{ "init", 1, 1, 0 },
	{ "migrate", 1, 1, 0 },
	{ "check-config", 1, 1, 0 },
	{ "backup", 2, 2, 0 },
	{ "mailer", 1, 2, 1 },
	{ "users", 1, 1, 0 },
	{ "purge", 1, 1, 0 },
	{ "domain", 2, 4, 1 },
	{ "resets", 1, 1, 0 },
	{ "lock", 2, 2, 1 },
	{ "unlock", 2, 2, 1 },
	{ NULL, 0, 0, 0 }
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	 cfg;
	const char	*path = NULL, *cmd;
	int		 c, rc;

	while ((c = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'h':
			return usage(stdout);
		default:
			return usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage(stderr);
	cmd = argv[0];
	if (strcmp(cmd, "help") == 0)
		return usage(stdout);
	for (c = 0; commands[c].name != NULL; c++)
		if (strcmp(cmd, commands[c].name) == 0)
			break;
	if (commands[c].name == NULL) {
		fprintf(stderr, "postern: unknown command: %s\n", cmd);
		return usage(stderr);
	}
	if (argc < commands[c].min_argc || argc > commands[c].max_argc)
		return usage(stderr);
	log_open("postern", 1);
	if (path == NULL)
		path = config_default_path();
	memset(&cfg, 0, sizeof(cfg));
	if (!load_config(path, &cfg))
		return EX_CONFIG;
	if (!crypto_init()) {
		config_free(&cfg);
		return EX_FAIL;
	}
	if (commands[c].queues && !load_outbox_key(&cfg)) {
		config_free(&cfg);
		return EX_CONFIG;
	}
	if (strcmp(cmd, "check-config") == 0)
		rc = cmd_check_config(&cfg, path);
	else if (strcmp(cmd, "init") == 0)
		rc = cmd_init(&cfg, path);
	else if (strcmp(cmd, "backup") == 0)
		rc = cmd_backup(&cfg, argv[1]);
	else if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(&cfg);
	else if (strcmp(cmd, "users") == 0)
		rc = cmd_users(&cfg);
	else if (strcmp(cmd, "purge") == 0)
		rc = cmd_purge(&cfg);
	else if (strcmp(cmd, "domain") == 0)
		rc = cmd_domain(&cfg, argc, argv);
	else if (strcmp(cmd, "resets") == 0)
		rc = cmd_resets(&cfg);
	else if (strcmp(cmd, "lock") == 0 || strcmp(cmd, "unlock") == 0)
		rc = cmd_lock(&cfg, argv[1], strcmp(cmd, "lock") == 0);
	else
		rc = cmd_mailer(&cfg, argc, argv);
	config_free(&cfg);
	return rc;
}
