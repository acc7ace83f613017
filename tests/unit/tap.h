/*
 * tap.h: the smallest Test Anything Protocol emitter, so unit tests run
 * under prove(1) next to the end-to-end tests.  Header-only on purpose:
 * each test is one small program.
 */
#ifndef TAP_H
#define TAP_H

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s line %d\n", file, line);
	}
}

#define tap_is_str(got, want, file, line, ...) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		int	    p_ = (g_ == NULL && w_ == NULL) || \
		    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0); \
		tap_ok(p_, file, line, __VA_ARGS__); \
		if (!p_) \
			printf("#   got: '%s'\n#   expected: '%s'\n", \
			    g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define tap_is_int(got, want, file, line, ...) \
	do { \
		long long g_ = (got), w_ = (want); \
		tap_ok(g_ == w_, file, line, __VA_ARGS__); \
		if (g_ != w_) \
			printf("#   got: %lld\n#   expected: %lld\n", g_, \
			    w_); \
	} while (0)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0 || tap_n == 0;
}

/* Remove a test's scratch folder: its files, then itself; no shell. */
static inline void
tap_remove_dir(const char *dir)
{
	DIR	      *d;
	struct dirent *de;
	char	       path[512];

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

#endif /* !TAP_H */
