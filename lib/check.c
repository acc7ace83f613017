/*
 * check.c: can the programs' user reach what the configuration names?
 *
 * The configuration parser checks what a value says; this checks the
 * world it points at, for the user the FastCGI programs and the mailer
 * run as (the user key, postern in the examples): the database's folder
 * must be writable (SQLite makes the -wal and -shm files there), the key
 * and the configuration readable, the templates there.  A hoster who
 * works as root otherwise learns of a key only root can read from a
 * program that will not start, behind a web server that says 503.
 *
 * Each problem is one line that names the path, what is wrong with it,
 * as whom, and the command that fixes it.  The checks run as that user
 * (check_become_user() switches to it), so group membership, ACLs and
 * the folders above a path all count, as they will for the programs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

struct chk {
	FILE *out;
	char  user[64]; /* whom the checks run as */
	int   problems;
};

int
check_become_user(const struct config *cfg, int allow_any, char *err,
    size_t errsz)
{
	struct passwd *pw;

	if (cfg->user == NULL) {
		if (allow_any || geteuid() != 0)
			return 1;
		snprintf(err, errsz,
		    "running as root, and the configuration "
		    "names no user: set `user = postern` (the user the "
		    "programs run as; postern.conf(5)), or `user = root` to "
		    "run them as root");
		return 0;
	}
	if ((pw = getpwnam(cfg->user)) == NULL)
		return config_check_user(cfg, err, errsz);
	if (pw->pw_uid == geteuid())
		return 1;
	if (geteuid() != 0) {
		snprintf(err, errsz,
		    "the files must be checked and made as "
		    "%s, who runs the programs: run this as root or as %s",
		    cfg->user, cfg->user);
		return 0;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1 ||
	    setuid(0) != -1) {
		snprintf(err, errsz, "cannot become %s: %s", cfg->user,
		    strerror(errno));
		return 0;
	}
	return 1;
}

static void __attribute__((format(printf, 3, 4)))
chk_problem(struct chk *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->out, "postern: %s: ", path);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	c->problems++;
}

/* "owner root, group root, mode 0600" for a problem line. */
static void
chk_owner(const struct stat *st, char *out, size_t outsz)
{
	struct passwd *pw = getpwuid(st->st_uid);
	char	       owner[64];
	struct group  *gr;

	if (pw != NULL)
		snprintf(owner, sizeof(owner), "%s", pw->pw_name);
	else
		snprintf(owner, sizeof(owner), "%u", (unsigned)st->st_uid);
	gr = getgrgid(st->st_gid);
	if (gr != NULL)
		snprintf(out, outsz, "owner %s, group %s, mode %04o", owner,
		    gr->gr_name, (unsigned)(st->st_mode & 07777));
	else
		snprintf(out, outsz, "owner %s, group %u, mode %04o", owner,
		    (unsigned)st->st_gid, (unsigned)(st->st_mode & 07777));
}

/*
 * stat() path; on failure say why (missing: the fix given, NULL when a
 * missing file is fine) and return 0.
 */
static int
chk_stat(struct chk *c, const char *path, struct stat *st, const char *missing)
{
	if (stat(path, st) == 0)
		return 1;
	if (errno == ENOENT) {
		if (missing != NULL)
			chk_problem(c, path, "does not exist: %s", missing);
	} else
		chk_problem(c, path,
		    "%s cannot reach it (%s): give %s search "
		    "permission (x) on every folder above it",
		    c->user, strerror(errno), c->user);
	return 0;
}

/* A regular file the user must be able to read. */
static int
chk_read(struct chk *c, const char *path, const char *missing,
    const char *denied)
{
	struct stat st;
	char	    who[160];
	int	    fd;

	if (!chk_stat(c, path, &st, missing))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		chk_problem(c, path, "is not a regular file");
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		chk_owner(&st, who, sizeof(who));
		chk_problem(c, path, "%s cannot read it (%s; %s): %s", c->user,
		    who, strerror(errno), denied);
		return 0;
	}
	close(fd);
	return 1;
}

/* A folder the user must be able to list (and, with write, write). */
static int
chk_dir(struct chk *c, const char *path, int write, const char *missing)
{
	struct stat st;
	char	    who[160];

	if (!chk_stat(c, path, &st, missing))
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		chk_problem(c, path, "is not a folder");
		return 0;
	}
	if (faccessat(AT_FDCWD, path, (write ? W_OK : R_OK) | X_OK,
		AT_EACCESS) == -1) {
		chk_owner(&st, who, sizeof(who));
		if (write)
			chk_problem(c, path,
			    "%s cannot make files in this "
			    "folder (%s): chown %s %s && chmod 0700 %s",
			    c->user, who, c->user, path, path);
		else
			chk_problem(c, path,
			    "%s cannot read this folder (%s): "
			    "chmod a+rx %s",
			    c->user, who, path);
		return 0;
	}
	return 1;
}

/* The folder of an absolute path ("/" for "/x"). */
static void
chk_folder(const char *path, char *dir, size_t dirsz)
{
	const char *slash = strrchr(path, '/');

	snprintf(dir, dirsz, "%.*s",
	    slash == NULL || slash == path ? 1 : (int)(slash - path),
	    slash == NULL ? "/" : path);
}

/* The database, its -wal and -shm files, and its folder. */
static void
chk_database(struct chk *c, const char *db, int before_init)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char	    dir[PATH_MAX], path[PATH_MAX + 8], fix[PATH_MAX * 3];
	struct stat st;
	char	    who[160];
	size_t	    i;

	chk_folder(db, dir, sizeof(dir));
	snprintf(fix, sizeof(fix),
	    "install -d -o %s -m 0700 %s (or "
	    "systemd-tmpfiles --create for the default folder)",
	    c->user, dir);
	if (!chk_dir(c, dir, 1, fix))
		return;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
		if (!chk_stat(c, path, &st,
			i == 0 && !before_init ? "run `postern init`" : NULL))
			continue;
		if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == -1) {
			chk_owner(&st, who, sizeof(who));
			chk_problem(c, path,
			    "%s cannot read and write it (%s): "
			    "chown %s %s",
			    c->user, who, c->user, path);
		}
	}
}

/* The secret key: the user's to read, nobody else's. */
static void
chk_key(struct chk *c, const char *key, int before_init)
{
	char	    dir[PATH_MAX], fix[PATH_MAX * 2 + 64];
	struct stat st;

	if (before_init && stat(key, &st) == -1 && errno == ENOENT) {
		/* init makes it: its folder must take it. */
		chk_folder(key, dir, sizeof(dir));
		chk_dir(c, dir, 1,
		    "create the folder, or set "
		    "secret_key_file to a file in the database's folder");
		return;
	}
	snprintf(fix, sizeof(fix), "chown %s %s && chmod 0600 %s", c->user,
	    key, key);
	if (!chk_read(c, key, "run `postern init`", fix))
		return;
	if (stat(key, &st) == 0 && (st.st_mode & 0007) != 0)
		chk_problem(c, key,
		    "other users may read the key (mode "
		    "%04o): chmod 0600 %s",
		    (unsigned)(st.st_mode & 07777), key);
}

/* What `make install` put in place: the templates and static files. */
static void
chk_installed(struct chk *c, const struct config *cfg, const char *conf)
{
	struct stat st;
	char	    path[PATH_MAX], fix[PATH_MAX * 2 + 128];

	snprintf(fix, sizeof(fix),
	    "set templates in %s to the templates "
	    "folder that `make install` made",
	    conf);
	if (chk_dir(c, cfg->templates, 0, fix)) {
		snprintf(path, sizeof(path), "%s/layout.tpl", cfg->templates);
		snprintf(fix, sizeof(fix), "chmod -R a+rX %s", cfg->templates);
		chk_read(c, path,
		    "this is not Postern's templates folder; "
		    "set templates to the one `make install` made",
		    fix);
	}
	/* The web server serves these, not the programs: it must exist. */
	snprintf(fix, sizeof(fix),
	    "set static in %s to the static folder "
	    "that `make install` made",
	    conf);
	if (chk_stat(c, cfg->static_dir, &st, fix) && !S_ISDIR(st.st_mode))
		chk_problem(c, cfg->static_dir, "is not a folder");
}

/* What delivery needs, where configured: the SMTP password, the SMS
 * program. */
static void
chk_delivery(struct chk *c, const struct config *cfg)
{
	struct stat st;
	char	    fix[PATH_MAX * 2 + 128];

	if (cfg->smtp_password_file != NULL) {
		snprintf(fix, sizeof(fix), "chgrp %s %s && chmod 0640 %s",
		    c->user, cfg->smtp_password_file, cfg->smtp_password_file);
		chk_read(c, cfg->smtp_password_file,
		    "write the SMTP "
		    "password in it, or remove smtp_password_file",
		    fix);
	}
	if (cfg->sms_command != NULL &&
	    chk_stat(c, cfg->sms_command, &st,
		"install the program, or remove sms_command")) {
		if (!S_ISREG(st.st_mode))
			chk_problem(c, cfg->sms_command, "is not a program");
		else if (faccessat(AT_FDCWD, cfg->sms_command, X_OK,
			     AT_EACCESS) == -1)
			chk_problem(c, cfg->sms_command,
			    "%s cannot run it: "
			    "chmod 0755 %s",
			    c->user, cfg->sms_command);
	}
}

int
check_paths(const struct config *cfg, const char *conf, int before_init,
    FILE *out)
{
	struct chk     c;
	struct passwd *pw;
	char	       fix[PATH_MAX * 2 + 128];

	memset(&c, 0, sizeof(c));
	c.out = out;
	if ((pw = getpwuid(geteuid())) != NULL)
		snprintf(c.user, sizeof(c.user), "%s", pw->pw_name);
	else
		snprintf(c.user, sizeof(c.user), "%u", (unsigned)geteuid());

	/* Root owns the file; the programs' group reads it. */
	snprintf(fix, sizeof(fix), "chgrp %s %s && chmod 0640 %s", c.user,
	    conf, conf);
	chk_read(&c, conf, NULL, fix);
	chk_database(&c, cfg->database, before_init);
	chk_key(&c, cfg->secret_key_file, before_init);
	chk_installed(&c, cfg, conf);
	chk_delivery(&c, cfg);
	return c.problems;
}
