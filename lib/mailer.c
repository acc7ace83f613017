/*
 * mailer.c: the delivery loop of `postern mailer`.
 *
 * One pass takes the due rows of the outbox one at a time.  Each row is
 * first claimed in a short write transaction (its next_at moves a lease
 * ahead), then delivered with no transaction open, then marked sent,
 * retried or failed in a second short write.  So a crash (or a storage
 * error) between the two writes resends at most the one message that
 * was in flight, and only after the lease; a second mailer started by
 * mistake (a cron `--once` beside the service) skips rows claimed by
 * the first instead of sending them twice.
 *
 * Mail goes out through smtp.c.  SMS goes through sms_command, run
 * without a shell (fork and execv) with the number as its one argument
 * and the text on its standard input; exit status 0 means sent, any
 * other outcome is a temporary failure.
 *
 * Logs name the row, its kind, the recipient's domain (or the last
 * digits of a number) and the error: never a body, which holds codes
 * and links, and never the password.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "flow_account.h"
#include "flow_reset.h"
#include "log.h"
#include "mailer.h"
#include "recovery.h"
#include "outbox.h"
#include "render.h"

#define MAILER_BACKOFF_FIRST 30
#define MAILER_BACKOFF_MAX   3600
/* How long a claimed row waits before another pass may take it again
 * (a crash mid-delivery).  Longer than any one delivery can last. */
#define MAILER_LEASE   300
#define SMS_TIMEOUT_MS 30000
#define PASSWORD_MAX   1024
#define ERR_MAX	       256

static volatile sig_atomic_t mailer_stop;

int64_t
mailer_backoff(int attempts)
{
	int64_t d = MAILER_BACKOFF_FIRST;
	int	i;

	/*
	 * attempts is how many tries have failed so far: 30 s after the
	 * first, then 60 s, 120 s... up to an hour.  Zero or less is
	 * treated as one, so no caller ever schedules a retry at once.
	 */
	for (i = 1; i < attempts && d < MAILER_BACKOFF_MAX; i++)
		d *= 2;
	return d < MAILER_BACKOFF_MAX ? d : MAILER_BACKOFF_MAX;
}

/* Where a message went, for logs: the domain of an address, the last
 * two digits of a number. */
static void
mailer_where(const struct outbox_item *it, char *out, size_t outsz)
{
	const char *at;
	size_t	    n;

	if (it->kind == OUTBOX_MAIL) {
		at = strrchr(it->recipient, '@');
		snprintf(out, outsz, "%s", at != NULL ? at + 1 : "?");
		return;
	}
	n = strlen(it->recipient);
	snprintf(out, outsz, "...%s", n > 2 ? it->recipient + n - 2 : "");
}

/*
 * The SMTP password from smtp_password_file: the first line, without
 * its line end.  0 (and a log line) when the file cannot be read.
 */
static int
mailer_password(const char *path, char *out, size_t outsz)
{
	FILE  *f;
	size_t n;
	int    ok = 0;

	out[0] = '\0';
	if ((f = fopen(path, "re")) == NULL) {
		log_err("mailer: %s: %s", path, strerror(errno));
		return 0;
	}
	secret_file_check(fileno(f), path);
	n = fread(out, 1, outsz - 1, f);
	if (ferror(f)) {
		log_err("mailer: %s: read error", path);
		goto out;
	}
	if (n == outsz - 1 && !feof(f)) {
		log_err("mailer: %s: password too long", path);
		goto out;
	}
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	ok = 1;
out:
	if (!ok)
		sodium_memzero(out, outsz);
	fclose(f);
	return ok;
}

/* Milliseconds on a clock that does not jump. */
static int64_t
mailer_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write all of text to fd (non-blocking) before the deadline. */
static int
sms_feed(int fd, const char *text, int64_t deadline)
{
	size_t	      len = strlen(text), off = 0;
	ssize_t	      w;
	struct pollfd pfd;
	int64_t	      left;

	while (off < len) {
		if ((left = deadline - mailer_ms()) <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return 0;
		w = write(fd, text + off, len - off);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return 0; /* EPIPE: the command did not read */
		}
		off += (size_t)w;
	}
	return 1;
}

/*
 * Wait for the command until the deadline; past it, kill its whole
 * process group (whatever it started too).  1 with *status set when it
 * ended by itself; 0 with the reason in err.
 */
static int
sms_wait(pid_t pid, int64_t deadline, int *status, char *err, size_t errsz)
{
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r == -1 && errno != EINTR) {
			snprintf(err, errsz, "waitpid: %s", strerror(errno));
			return 0;
		}
		if (mailer_ms() >= deadline)
			break;
		/* A short nap: SMS are few, and this keeps to plain POSIX. */
		poll(NULL, 0, 20);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		continue;
	snprintf(err, errsz, "sms_command timed out after %d s",
	    SMS_TIMEOUT_MS / 1000);
	return 0;
}
/* The child: only async-signal-safe calls until execv. */
static void __attribute__((noreturn))
sms_exec(const char *cmd, const char *number, int in)
{
	char *argv[3];

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (dup2(in, STDIN_FILENO) == -1)
		_exit(127);
	/* Nothing else of ours (the database) reaches the command. */
	close_range(3, ~0U, 0);
	argv[0] = (char *)cmd;
	argv[1] = (char *)number;
	argv[2] = NULL;
	execv(cmd, argv);
	_exit(127);
}

/* Write text to the command's stdin at fd, then close it. */
static int
sms_give(int fd, const char *text, int64_t deadline)
{
	struct sigaction ign, oldpipe;
	int		 fed;

	/* A command that exits without reading must not kill us. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &oldpipe);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fed = sms_feed(fd, text, deadline);
	close(fd);
	sigaction(SIGPIPE, &oldpipe, NULL);
	return fed;
}

/* Did the command, which exited with status, take the text? */
static int
sms_verdict(int status, int fed, char *err, size_t errsz)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (fed)
			return 1;
		snprintf(err, errsz, "sms_command did not read the text");
	} else if (WIFEXITED(status))
		snprintf(err, errsz, "sms_command exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(err, errsz, "sms_command killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(err, errsz, "sms_command failed");
	return 0;
}

/*
 * Run sms_command with the number as its argument and the text on its
 * standard input.  1 when it exits with status 0 within the time
 * limit; otherwise 0 with the reason in err.  The command runs in its
 * own process group so that, past the limit, whatever it started is
 * killed with it.
 */
static int
sms_send(const char *cmd, const char *number, const char *text, char *err,
    size_t errsz)
{
	int	p[2] = { -1, -1 };
	int	status = 0, fed;
	pid_t	pid;
	int64_t deadline;

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		sms_exec(cmd, number, p[0]);
	/* Both sides, so the kill of the group cannot race the child. */
	setpgid(pid, pid);
	close(p[0]);
	deadline = mailer_ms() + SMS_TIMEOUT_MS;
	fed = sms_give(p[1], text, deadline);
	return sms_wait(pid, deadline, &status, err, errsz) &&
	    sms_verdict(status, fed, err, errsz);
fail:
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	return 0;
}

/* Claim the next due row: 1 with it->id set, 1 with it->id 0 when
 * nothing is due, 0 on a storage error. */
static int
mailer_claim(struct db *db, int64_t now, struct outbox_item *it)
{
	if (!db_begin(db))
		return 0;
	if (!outbox_next_due(db, now, it))
		goto fail;
	if (it->id != 0 &&
	    !outbox_mark_retry(db, it->id, it->attempts, now + MAILER_LEASE,
		NULL))
		goto fail;
	if (!db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	outbox_item_free(it);
	return 0;
}

/* Record the outcome res of one delivery, which took attempts. */
static int
mailer_record(struct db *db, const struct outbox_item *it,
    enum smtp_result res, int attempts, int64_t now, int64_t next_at,
    const char *err)
{
	int ok;

	if (!db_begin(db))
		return 0;
	switch (res) {
	case SMTP_SENT:
		ok = outbox_mark_sent(db, it->id, now);
		break;
	case SMTP_TEMPORARY:
		ok = outbox_mark_retry(db, it->id, attempts, next_at, err);
		break;
	default:
		ok = outbox_mark_failed(db, it->id, attempts, now, err);
		break;
	}
	if (!ok || !db_commit(db)) {
		db_rollback(db);
		return 0;
	}
	return 1;
}

/* Log and count what mailer_record() recorded. */
static void
mailer_report(const struct outbox_item *it, enum smtp_result res, int attempts,
    int64_t wait, const char *err, struct mailer_stats *stats)
{
	const char *kind = outbox_kind_name(it->kind);
	char	    where[300];

	mailer_where(it, where, sizeof(where));
	switch (res) {
	case SMTP_SENT:
		stats->sent++;
		log_info("mailer: %s %lld to %s: sent", kind,
		    (long long)it->id, where);
		break;
	case SMTP_TEMPORARY:
		stats->retried++;
		log_warn("mailer: %s %lld to %s: attempt %d failed (%s), "
			 "next in %lld s",
		    kind, (long long)it->id, where, attempts, err,
		    (long long)wait);
		break;
	default:
		stats->failed++;
		log_err("mailer: %s %lld to %s: given up after %d "
			"attempt%s (%s)",
		    kind, (long long)it->id, where, attempts,
		    attempts == 1 ? "" : "s", err);
		break;
	}
}

/* Record and report the outcome of one delivery. */
static int
mailer_mark(struct db *db, const struct outbox_item *it, enum smtp_result res,
    int64_t now, const char *err, struct mailer_stats *stats)
{
	int	attempts = it->attempts + 1;
	int64_t wait = 0;

	if (res == SMTP_TEMPORARY && attempts >= MAILER_MAX_ATTEMPTS)
		res = SMTP_PERMANENT;
	if (res == SMTP_TEMPORARY)
		wait = mailer_backoff(attempts);
	if (!mailer_record(db, it, res, attempts, now, now + wait, err))
		return 0;
	mailer_report(it, res, attempts, wait, err, stats);
	return 1;
}

/* The keys, read once per process: one-time code hashes need them. */
static const struct keys *
mailer_keys(const struct config *cfg)
{
	static struct keys keys;
	static int	   have;

	if (!have && !(have = keys_load(cfg->secret_key_file, &keys)))
		return NULL;
	return &keys;
}

/*
 * What each pass does before delivering: R4 needs no cron, so every
 * reset whose deadline has passed is applied first and its notices go
 * out in this same pass; reset asks become codes here, out of the
 * request (reset.c).
 */
static int
mailer_chores(const struct config *cfg, struct db *db, int64_t now,
    struct mailer_stats *stats)
{
	struct flow fl;
	int	    applied, asks, deleted;

	flow_init(&fl, db, cfg, NULL, now);
	if (flow_reset_apply_due(&fl, 0, &applied) != OUT_OK)
		return 0;
	stats->resets += (unsigned int)applied;
	/* So does a deletion the owner asked for, once its time is up. */
	if (flow_delete_due(&fl, 0, &deleted) != OUT_OK)
		return 0;
	if ((fl.keys = mailer_keys(cfg)) == NULL ||
	    flow_reset_asks_process(&fl, &asks) != OUT_OK)
		return 0;
	stats->asks += (unsigned int)asks;
	/* The sealed copy of a new recovery code outlives no view. */
	if (!recovery_view_purge(db, now))
		return 0;
	/* Checkpoints happen here rather than inside a user's request. */
	(void)db_checkpoint(db);
	return 1;
}

/*
 * The relay's password, read once per pass: a changed password is used
 * from the next pass on, with no restart.  0 when it cannot be read.
 */
static int
mailer_pass_password(const struct config *cfg, char *password, size_t size)
{
	static int pwfail_logged;

	password[0] = '\0';
	if (cfg->smtp_password_file != NULL &&
	    !mailer_password(cfg->smtp_password_file, password, size)) {
		/*
		 * Deliver nothing rather than fail every mail on our own
		 * configuration: the rows wait, none is lost.
		 */
		if (!pwfail_logged)
			log_err("mailer: cannot read smtp_password_file; "
				"nothing is delivered until it can be read");
		pwfail_logged = 1;
		return 0;
	}
	pwfail_logged = 0;
	return 1;
}

/*
 * The text below every mail (templates/mail/signature.tpl): site_name
 * and, when admin_email is set, a line saying whom to write to.
 */
static int
mailer_signature(const struct config *cfg, struct buf *out)
{
	struct render_dict *d;
	int		    ok;

	if ((d = render_dict_new()) == NULL)
		return 0;
	render_set(d, "SITE_NAME", cfg->site_name);
	if (cfg->admin_email != NULL) {
		render_show(d, "CONTACT");
		render_set(d, "ADMIN_EMAIL", cfg->admin_email);
	}
	ok = render_text("mail/signature.tpl", d, out) && !out->failed;
	render_dict_free(d);
	return ok;
}

/* An SMS starts with site_name, as every subject does. */
static enum smtp_result
mailer_sms(const struct config *cfg, const char *number, const char *body,
    char *err, size_t errsz)
{
	struct buf	 text;
	enum smtp_result res = SMTP_TEMPORARY;

	buf_init(&text);
	buf_printf(&text, "%s: %s", cfg->site_name, body);
	if (text.failed)
		snprintf(err, errsz, "out of memory");
	else if (sms_send(cfg->sms_command, number, text.p, err, errsz))
		res = SMTP_SENT;
	/* The text holds codes and links. */
	if (text.p != NULL)
		sodium_memzero(text.p, text.cap);
	buf_free(&text);
	return res;
}

/* Deliver one claimed row by mail or SMS; why it failed into err. */
static enum smtp_result
mailer_deliver(const struct config *cfg, const char *password,
    struct outbox_item *it, char *err, size_t errsz)
{
	struct buf	 sig;
	enum smtp_result res;

	err[0] = '\0';
	/* Opened only now; outbox_item_free() wipes it. */
	if (!outbox_open(it)) {
		snprintf(err, errsz,
		    "the sealed message does not open: "
		    "secret_key_file was replaced, or the row changed");
		return SMTP_PERMANENT;
	}
	if (it->kind == OUTBOX_MAIL) {
		buf_init(&sig);
		if (!mailer_signature(cfg, &sig)) {
			/* A broken install: the row waits for a fixed one. */
			snprintf(err, errsz,
			    "mail/signature.tpl does not "
			    "expand");
			res = SMTP_TEMPORARY;
		} else
			res = smtp_send(cfg, password, it->recipient,
			    it->subject != NULL ? it->subject : "", it->body,
			    sig.p, err, errsz);
		buf_free(&sig);
		return res;
	}
	if (cfg->sms_command == NULL) {
		/* Phones cannot be added without it: an old row. */
		snprintf(err, errsz, "no sms_command configured");
		return SMTP_TEMPORARY;
	}
	return mailer_sms(cfg, it->recipient, it->body, err, errsz);
}

int
mailer_run_once(const struct config *cfg, struct db *db, int64_t now,
    struct mailer_stats *stats)
{
	struct outbox_item it;
	char		   password[PASSWORD_MAX];
	char		   err[ERR_MAX];
	enum smtp_result   res;
	int		   ok = 0;

	if (!mailer_chores(cfg, db, now, stats) ||
	    !mailer_pass_password(cfg, password, sizeof(password)))
		goto out;
	while (!mailer_stop) {
		if (!mailer_claim(db, now, &it))
			goto out;
		if (it.id == 0)
			break;
		res = mailer_deliver(cfg, password, &it, err, sizeof(err));
		/* Marks use the pass's time, so a row retried in this pass
		 * is not due again within it. */
		ok = mailer_mark(db, &it, res, now, err, stats);
		outbox_item_free(&it);
		if (!ok)
			goto out;
	}
	ok = 1;
out:
	sodium_memzero(password, sizeof(password));
	return ok;
}

static void
mailer_on_signal(int sig)
{
	(void)sig;
	mailer_stop = 1;
}

int
mailer_loop(const struct config *cfg, struct db *db)
{
	struct sigaction    sa;
	struct mailer_stats stats;
	struct timespec	    nap;
	unsigned int	    waits;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mailer_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal should cut the nap short. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&stats, 0, sizeof(stats));
	log_info("mailer: started");
	while (!mailer_stop) {
		/*
		 * A failed pass (storage busy, password file missing) is
		 * logged where it happens; wait longer before the next so
		 * the log does not fill with the same line every second.
		 */
		waits = mailer_run_once(cfg, db, (int64_t)time(NULL), &stats) ?
		    1 :
		    10;
		while (waits-- > 0 && !mailer_stop) {
			nap.tv_sec = 1;
			nap.tv_nsec = 0;
			nanosleep(&nap, NULL);
		}
	}
	log_info("mailer: stopped: %u sent, %u retried, %u failed", stats.sent,
	    stats.retried, stats.failed);
	return 1;
}
