/*
 * postern: the admin command.  It parses its arguments, calls the
 * library (the hoster's brakes are flows of lib/flow_admin.c, where
 * their rules live) and prints.  Scripts rely on its exit codes:
 *   0 success, 1 a runtime failure (storage, delivery, a refusal),
 *   64 a usage error (EX_USAGE), 78 a configuration error (EX_CONFIG).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "postern.h"
#include "check.h"
#include "domains.h"
#include "flow_admin.h"
#include "flow_domains.h"
#include "message.h"
#include "onetime.h"
#include "recovery.h"
#include "reset.h"
#include "when.h"

#define EX_OK	  0
#define EX_FAIL	  1
#define EX_USAGE  64
#define EX_CONFIG 78

/* Unverified accounts and delivered mail are kept this long. */
#define PURGE_UNVERIFIED (7 * 86400)
#define PURGE_OUTBOX	 (30 * 86400)

/* What a command works with; main() fills it as the table asks. */
struct ctx {
	const struct config *cfg;
	const char	    *path; /* of the configuration */
	struct db	    *db;   /* with CMD_DB */
	struct flow	     f;	   /* with CMD_DB */
};

static int
load_config(const char *path, struct config *cfg)
{
	char err[512];

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
	struct keys k;

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
	struct db *db;

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
	char err[512];

	if (check_become_user(cfg, allow_any, err, sizeof(err)))
		return 1;
	fprintf(stderr, "postern: %s\n", err);
	return 0;
}

static int
cmd_check_config(struct ctx *c, char **args)
{
	const struct config *cfg = c->cfg;
	const char	    *path = c->path;
	int		     n;

	(void)args;
	if (!become_user(cfg, 1))
		return EX_CONFIG;
	if ((n = check_paths(cfg, path, 0, stderr)) > 0) {
		fprintf(stderr,
		    "postern: %s: %d problem%s with the paths "
		    "above\n",
		    path, n, n == 1 ? "" : "s");
		return EX_CONFIG;
	}
	printf("%s: ok\n", path);
	return EX_OK;
}

static int
cmd_init(struct ctx *c, char **args)
{
	const struct config *cfg = c->cfg;
	const char	    *path = c->path;
	struct db	    *db;
	struct stat	     st;
	int		     ok;

	(void)args;
	/* Files the programs could not read are never made. */
	if (!become_user(cfg, 0))
		return EX_CONFIG;
	if (check_paths(cfg, path, 1, stderr) > 0) {
		fprintf(stderr,
		    "postern: nothing was made: fix the paths "
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
cmd_migrate(struct ctx *c, char **args)
{
	struct db *db;
	int	   ok;

	(void)args;
	if ((db = db_open(c->cfg->database, 0)) == NULL)
		return EX_FAIL;
	/* An upgrade runs this: it closes a database made before 0600. */
	ok = db_protect_files(db) && db_migrate(db);
	db_close(db);
	return ok ? EX_OK : EX_FAIL;
}

static int
cmd_backup(struct ctx *c, char **args)
{
	int pages, v;

	if (!db_backup(c->db, args[0], &pages) || !db_version(c->db, &v))
		return EX_FAIL;
	printf("%s: %d pages of %s at schema version %d, integrity ok\n",
	    args[0], pages, c->cfg->database, v);
	return EX_OK;
}

static void
print_user(const struct account *a, void *arg)
{
	char	  when[32];
	struct tm tm;
	time_t	  t = (time_t)a->created_at;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	printf("%-32s  %-40s  %-10s  %s%s%s\n", a->username, a->email,
	    a->email_verified_at != 0 ? "verified" : "unverified", when,
	    a->locked_at != 0 ? "  locked" : "",
	    a->disabled_at != 0 ? "  disabled" : "");
}

static int
cmd_users(struct ctx *c, char **args)
{
	(void)args;
	return account_each(c->db, print_user, NULL) ? EX_OK : EX_FAIL;
}

static int
cmd_purge(struct ctx *c, char **args)
{
	const struct config *cfg = c->cfg;
	struct db	    *db = c->db;
	int		     accounts = 0, mails = 0;
	int64_t		     now = c->f.now;

	(void)args;
	if (!db_begin(db) ||
	    !session_purge(db, now, cfg->session_idle, cfg->session_max) ||
	    !link_purge(db, now) || !rate_purge(db, now) ||
	    !onetime_purge(db, now) || !recovery_view_purge(db, now) ||
	    !outbox_purge(db, now - PURGE_OUTBOX, &mails) ||
	    !account_purge_unverified(db, now - PURGE_UNVERIFIED, &accounts) ||
	    !db_commit(db)) {
		db_rollback(db);
		return EX_FAIL;
	}
	printf("purged %d unverified accounts and %d old messages\n", accounts,
	    mails);
	return EX_OK;
}

/* A flow's refusal in the words of templates/messages.tpl. */
static int
refused(const struct flow *f, enum outcome o)
{
	struct buf text;

	buf_init(&text);
	if (message_text(o, &f->said, f->now, 0, &text) && text.len > 0)
		fprintf(stderr, "postern: %s\n", text.p);
	else
		fprintf(stderr, "postern: %s\n", outcome_name(o));
	buf_free(&text);
	return EX_FAIL;
}

/*
 * Add a verified domain for a hoster that syncs from its platform: the
 * same flow as a DNS proof on the page, so R1 and the platform rule's
 * notices are the same whichever way a domain comes.
 */
static int
cmd_domain_add(struct ctx *c, char **args)
{
	struct account a;
	enum outcome   o;

	if ((o = flow_admin_account(&c->f, args[0], &a)) != OUT_OK ||
	    (o = flow_domain_vouch(&c->f, a.id, args[1])) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: %s is verified\n", a.username, c->f.said.what);
	return EX_OK;
}

static void
print_domain(const struct managed_domain *d, void *arg)
{
	struct db     *db = arg;
	struct account a;

	if (!account_by_id(db, d->account_id, &a))
		a.username[0] = '\0';
	printf("%-40s  %-32s  %s\n", d->name, a.username,
	    d->verified_at != 0 ? "verified" : "pending");
}

static int
cmd_domain_list(struct ctx *c, char **args)
{
	(void)args;
	return domains_each_all(c->db, print_domain, c->db) ? EX_OK : EX_FAIL;
}

static void
print_reset(const struct reset *rs, void *arg)
{
	struct db     *db = arg;
	struct account a;
	char	       asked[WHEN_TEXT], due[WHEN_TEXT];

	if (!account_by_id(db, rs->account_id, &a))
		a.username[0] = '\0';
	when_stamp(rs->created_at, asked);
	when_stamp(rs->deadline, due);
	printf("%-32s  asked %s  takes effect %s\n", a.username, asked, due);
}

static int
cmd_reset_list(struct ctx *c, char **args)
{
	(void)args;
	return reset_each_pending(c->db, print_reset, c->db) ? EX_OK : EX_FAIL;
}

static void
print_stopped(const struct ctx *c)
{
	printf("%s: the pending password change was stopped; every channel "
	       "was told\n",
	    c->f.said.what);
}

static int
cmd_reset_cancel(struct ctx *c, char **args)
{
	enum outcome o;
	int	     requests, stopped;

	if ((o = flow_admin_reset_cancel(&c->f, args[0], &requests,
		 &stopped)) != OUT_OK)
		return refused(&c->f, o);
	if (stopped)
		print_stopped(c);
	if (requests > 0)
		printf("%s: %d reset request%s and their codes voided\n",
		    c->f.said.what, requests, requests == 1 ? "" : "s");
	return EX_OK;
}

static int
lock(struct ctx *c, const char *name, int on)
{
	enum outcome o;
	int	     stopped;

	if ((o = flow_admin_lock(&c->f, name, on, &stopped)) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: automated reset %s\n", c->f.said.what,
	    on ? "refused" : "allowed");
	if (stopped)
		print_stopped(c);
	return EX_OK;
}

static int
cmd_lock(struct ctx *c, char **args)
{
	return lock(c, args[0], 1);
}

static int
cmd_unlock(struct ctx *c, char **args)
{
	return lock(c, args[0], 0);
}

static int
disable(struct ctx *c, const char *name, int on)
{
	enum outcome o;
	int	     changed, ended, stopped;

	if ((o = flow_admin_disable(&c->f, name, on, &changed, &ended,
		 &stopped)) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: %s%s\n", c->f.said.what, changed ? "" : "already ",
	    on ? "disabled: logins refused" : "enabled");
	if (ended > 0)
		printf("%s: %d session%s ended\n", c->f.said.what, ended,
		    ended == 1 ? "" : "s");
	if (stopped)
		print_stopped(c);
	return EX_OK;
}

static int
cmd_disable(struct ctx *c, char **args)
{
	return disable(c, args[0], 1);
}

static int
cmd_enable(struct ctx *c, char **args)
{
	return disable(c, args[0], 0);
}

static void
print_session(const struct session_info *si, void *arg)
{
	char started[WHEN_TEXT], seen[WHEN_TEXT];

	(void)arg;
	when_stamp(si->created_at, started);
	when_stamp(si->last_seen, seen);
	printf("%-6lld  started %s  seen %s  %-15s  %s\n", (long long)si->id,
	    started, seen, si->ip, si->user_agent);
}

static int
cmd_sessions(struct ctx *c, char **args)
{
	struct account a;
	enum outcome   o;

	if ((o = flow_admin_account(&c->f, args[0], &a)) != OUT_OK)
		return refused(&c->f, o);
	return session_each(c->db, a.id, 0, print_session, NULL) ? EX_OK :
								   EX_FAIL;
}

static int
cmd_sessions_revoke(struct ctx *c, char **args)
{
	enum outcome o;
	int	     ended;

	if ((o = flow_admin_sessions_revoke(&c->f, args[0], &ended)) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: %d session%s ended\n", c->f.said.what, ended,
	    ended == 1 ? "" : "s");
	return EX_OK;
}

static int
cmd_twofa_reset(struct ctx *c, char **args)
{
	enum outcome o;

	if ((o = flow_admin_twofa_reset(&c->f, args[0])) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: two-step verification is off; every channel was told\n",
	    c->f.said.what);
	return EX_OK;
}

static void
print_event(const struct event *e, void *arg)
{
	char when[WHEN_TEXT];

	(void)arg;
	when_stamp(e->at, when);
	/* The kind as stored; /account/activity words it (activity.tpl). */
	printf("%s  %s", when, e->kind);
	if (e->detail[0] != '\0')
		printf(" (%s)", e->detail);
	printf("  from %s\n", e->ip[0] != '\0' ? e->ip : "-");
}

static int
cmd_events(struct ctx *c, char **args)
{
	struct account a;
	enum outcome   o;

	if ((o = flow_admin_account(&c->f, args[0], &a)) != OUT_OK)
		return refused(&c->f, o);
	/* A negative limit is none: every event. */
	return event_each(c->db, a.id, -1, print_event, NULL) ? EX_OK :
								EX_FAIL;
}

/* Ask on the terminal (or whatever stdin is) for the account's name. */
static int
delete_confirmed(const struct account *a)
{
	char   line[128];
	size_t n;

	fprintf(stderr,
	    "This deletes the account %s (%s) and everything "
	    "of it: contacts,\nsessions, links, resets, domains and events. "
	    "Its channels are told.\nType the account's name to go on: ",
	    a->username, a->email);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return strcasecmp(line, a->username) == 0;
}

static int
cmd_delete(struct ctx *c, char **args)
{
	struct account a;
	enum outcome   o;
	const char    *name = NULL;
	int	       yes = 0, i;

	for (i = 0; args[i] != NULL; i++) {
		if (strcmp(args[i], "--yes") == 0)
			yes = 1;
		else if (name == NULL)
			name = args[i];
		else
			return EX_USAGE;
	}
	if (name == NULL)
		return EX_USAGE;
	if ((o = flow_admin_account(&c->f, name, &a)) != OUT_OK)
		return refused(&c->f, o);
	if (!yes && !delete_confirmed(&a)) {
		fprintf(stderr, "postern: %s: nothing was deleted\n",
		    a.username);
		return EX_FAIL;
	}
	if ((o = flow_admin_delete(&c->f, a.username)) != OUT_OK)
		return refused(&c->f, o);
	printf("%s: deleted; every channel was told\n", c->f.said.what);
	return EX_OK;
}

static int
cmd_mailer(struct ctx *c, char **args)
{
	const struct config *cfg = c->cfg;
	struct db	    *db;
	struct mailer_stats  st;
	char		     err[512];
	int		     once = 0, ok, rc = EX_OK;

	if (args[0] != NULL) {
		if (strcmp(args[0], "--once") != 0)
			return EX_USAGE;
		once = 1;
	}
	/* Its own database, once it knows it runs as the right user. */
	if (!config_check_user(cfg, err, sizeof(err))) {
		fprintf(stderr, "postern: %s\n", err);
		return EX_CONFIG;
	}
	if ((db = open_db(cfg, &rc)) == NULL)
		return rc;
	if (once) {
		memset(&st, 0, sizeof(st));
		ok = mailer_run_once(cfg, db, (int64_t)time(NULL), &st);
		/* Quiet when there was nothing to do, so cron mails nothing. */
		if (st.sent + st.retried + st.failed + st.resets + st.asks > 0)
			printf(
			    "sent %u, retrying %u, failed %u, resets applied "
			    "%u, reset asks %u\n",
			    st.sent, st.retried, st.failed, st.resets,
			    st.asks);
		/* A message given up is the hoster's to look at. */
		if (st.failed > 0) {
			fprintf(stderr,
			    "postern: %u message%s could not be "
			    "delivered and were given up; see the log\n",
			    st.failed, st.failed == 1 ? "" : "s");
			ok = 0;
		}
	} else
		ok = mailer_loop(cfg, db);
	db_close(db);
	return ok ? EX_OK : EX_FAIL;
}

static int cmd_help(struct ctx *, char **);

/* CMD_DB: main() opens the database (at the current schema) and a flow.
 * CMD_MAIL: the command may queue or deliver mail, which needs the key
 * and the templates. */
#define CMD_DB	 0x1
#define CMD_MAIL 0x2

/*
 * The commands: one or two words, then between min and max arguments,
 * which the handler receives NULL-ended.  A handler answers an exit
 * status (EX_USAGE for arguments it cannot take).  A name of two
 * words comes before the same first word alone.
 */
static const struct command {
	const char *name;
	const char *sub; /* the second word, or NULL */
	int	    min, max;
	int	    flags;
	int (*run)(struct ctx *, char **);
	const char *args; /* for help: the arguments */
	const char *help; /* for help: one line */
} commands[] = {
	{ "init", NULL, 0, 0, 0, cmd_init, "",
	    "create the database and the secret key file" },
	{ "migrate", NULL, 0, 0, 0, cmd_migrate, "",
	    "bring the database schema up to date" },
	{ "check-config", NULL, 0, 0, 0, cmd_check_config, "",
	    "validate the configuration file and the paths" },
	{ "backup", NULL, 1, 1, CMD_DB, cmd_backup, "FILE",
	    "copy the database to FILE, checked, while in use" },
	{ "mailer", NULL, 0, 1, CMD_MAIL, cmd_mailer, "[--once]",
	    "deliver queued mail and SMS (loop, or one pass)" },
	{ "purge", NULL, 0, 0, CMD_DB, cmd_purge, "",
	    "remove expired data and stale unverified accounts" },
	{ "users", NULL, 0, 0, CMD_DB, cmd_users, "", "list the accounts" },
	{ "domain", "add", 2, 2, CMD_DB | CMD_MAIL, cmd_domain_add,
	    "NAME DOMAIN", "add a verified managed domain to an account" },
	{ "domain", "list", 0, 0, CMD_DB, cmd_domain_list, "",
	    "list every managed domain" },
	{ "reset", "list", 0, 0, CMD_DB, cmd_reset_list, "",
	    "list pending password changes" },
	{ "reset", "cancel", 1, 1, CMD_DB | CMD_MAIL, cmd_reset_cancel, "NAME",
	    "cancel the account's resets; its channels are told" },
	/* The name before `reset list`, kept for scripts. */
	{ "resets", NULL, 0, 0, CMD_DB, cmd_reset_list, "",
	    "the same as reset list" },
	{ "lock", NULL, 1, 1, CMD_DB | CMD_MAIL, cmd_lock, "NAME",
	    "refuse automated resets of an account (logins go on)" },
	{ "unlock", NULL, 1, 1, CMD_DB | CMD_MAIL, cmd_unlock, "NAME",
	    "allow them again" },
	{ "disable", NULL, 1, 1, CMD_DB | CMD_MAIL, cmd_disable, "NAME",
	    "refuse logins and resets, end every session" },
	{ "enable", NULL, 1, 1, CMD_DB, cmd_enable, "NAME",
	    "allow them again" },
	{ "sessions", "revoke", 1, 1, CMD_DB, cmd_sessions_revoke, "NAME",
	    "end every session of the account" },
	{ "sessions", NULL, 1, 1, CMD_DB, cmd_sessions, "NAME",
	    "list the account's sessions" },
	{ "2fa", "reset", 1, 1, CMD_DB | CMD_MAIL, cmd_twofa_reset, "NAME",
	    "turn 2FA off, after checking who asks" },
	{ "events", NULL, 1, 1, CMD_DB, cmd_events, "NAME",
	    "the account's security events, newest first" },
	{ "delete", NULL, 1, 2, CMD_DB | CMD_MAIL, cmd_delete, "[--yes] NAME",
	    "delete the account and everything of it" },
	{ "help", NULL, 0, 0, 0, cmd_help, "", "this text" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
usage(FILE *out)
{
	char   words[64];
	size_t i;

	fputs("usage: postern [-f file] command [arguments]\n\ncommands:\n",
	    out);
	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(words, sizeof(words), "%s%s%s%s%s", commands[i].name,
		    commands[i].sub != NULL ? " " : "",
		    commands[i].sub != NULL ? commands[i].sub : "",
		    commands[i].args[0] != '\0' ? " " : "", commands[i].args);
		if (strlen(words) > 22)
			fprintf(out, "  %s\n  %-22s  %s\n", words, "",
			    commands[i].help);
		else
			fprintf(out, "  %-22s  %s\n", words, commands[i].help);
	}
	fputs("\n"
	      "  -f file                 configuration file (default: "
	      "$POSTERN_CONF or\n"
	      "                          " POSTERN_SYSCONFDIR
	      "/postern/postern.conf)\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "exit status: 0 success, 1 failure, 64 usage error, 78 "
	      "configuration error\n",
	    out);
	return out == stdout ? EX_OK : EX_USAGE;
}

static int
cmd_help(struct ctx *c, char **args)
{
	(void)c;
	(void)args;
	return usage(stdout);
}

/* The entry for argv (argc words), or NULL; *nwords: its words. */
static const struct command *
command_find(int argc, char **argv, int *nwords)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		if (commands[i].sub == NULL) {
			*nwords = 1;
			return &commands[i];
		}
		if (argc > 1 && strcmp(argv[1], commands[i].sub) == 0) {
			*nwords = 2;
			return &commands[i];
		}
	}
	return NULL;
}

/* Run cmd with its arguments, after what its flags ask for. */
static int
command_run(const struct command *cmd, struct ctx *c, char **args)
{
	const struct config *cfg = c->cfg;
	int		     rc = EX_OK;

	if (cmd->run == cmd_help)
		return cmd_help(c, args);
	if (!crypto_init())
		return EX_FAIL;
	/* Applying a due reset, or a brake, renders its notices. */
	if ((cmd->flags & CMD_MAIL) &&
	    (!load_outbox_key(cfg) || !render_init(cfg->templates, NULL)))
		return EX_CONFIG;
	if (cmd->flags & CMD_DB) {
		if ((c->db = open_db(cfg, &rc)) == NULL)
			return rc;
		flow_init(&c->f, c->db, cfg, NULL, (int64_t)time(NULL));
	}
	rc = cmd->run(c, args);
	if (c->db != NULL)
		db_close(c->db);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	struct config	      cfg;
	struct ctx	      c;
	const char	     *path = NULL;
	int		      ch, nwords, nargs, rc;

	while ((ch = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
		switch (ch) {
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
	if ((cmd = command_find(argc, argv, &nwords)) == NULL) {
		fprintf(stderr, "postern: unknown command: %s%s%s\n", argv[0],
		    argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
		return usage(stderr);
	}
	nargs = argc - nwords;
	if (nargs < cmd->min || nargs > cmd->max)
		return usage(stderr);
	log_open("postern", 1);
	if (path == NULL)
		path = config_default_path();
	memset(&cfg, 0, sizeof(cfg));
	if (cmd->run != cmd_help && !load_config(path, &cfg))
		return EX_CONFIG;
	memset(&c, 0, sizeof(c));
	c.cfg = &cfg;
	c.path = path;
	rc = command_run(cmd, &c, argv + nwords);
	config_free(&cfg);
	return rc == EX_USAGE ? usage(stderr) : rc;
}
