/*
 * ref_verify.c: Argon2id on its own, for `make bench`.
 *
 *	bench-verify hash OPS MEMBYTES		(password on standard input)
 *	bench-verify run OPS MEMBYTES PROCESSES SECONDS
 *
 * hash prints crypto_pwhash_str of the password (one line, no line
 * end read) with those limits: the seed's hash for every account.
 *
 * run is the reference of the POST /login case: PROCESSES processes
 * (like the FastCGI programs: one allocator each, no shared address
 * space) call crypto_pwhash_str_verify with a correct password, back to
 * back, for SECONDS, and it prints "verifies N seconds S rate R" (R per
 * second, all processes together).  No HTTP, no database: the ceiling
 * a login can reach with these limits on these cores.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ref.h"

#define REF_PASSWORD  "correct horse battery 7"
#define REF_MAX_PROCS 64

/* A child: verify until the deadline, write the count to fd. */
static int
ref_worker(const char *hash, double deadline, int fd)
{
	unsigned long count = 0;

	while (ref_now() < deadline) {
		if (crypto_pwhash_str_verify(hash, REF_PASSWORD,
			strlen(REF_PASSWORD)) != 0)
			return 1;
		count++;
	}
	return write(fd, &count, sizeof(count)) == (ssize_t)sizeof(count) ? 0 :
									    1;
}

static int
ref_usage(void)
{
	fprintf(stderr,
	    "usage: bench-verify hash OPS MEMBYTES < password\n"
	    "       bench-verify run OPS MEMBYTES PROCESSES SECONDS\n");
	return 64;
}

int
main(int argc, char **argv)
{
	char		   pw[1024], hash[crypto_pwhash_STRBYTES];
	unsigned long long ops;
	unsigned long	   total = 0, count;
	size_t		   mem, n;
	double		   start, secs;
	int		   i, procs, fds[2], status, failed = 0;
	pid_t		   pid;

	if (argc < 4)
		return ref_usage();
	ops = strtoull(argv[2], NULL, 10);
	mem = (size_t)strtoull(argv[3], NULL, 10);
	if (sodium_init() < 0) {
		fprintf(stderr, "bench-verify: libsodium failed to start\n");
		return 1;
	}
	if (strcmp(argv[1], "hash") == 0 && argc == 4) {
		n = fread(pw, 1, sizeof(pw) - 1, stdin);
		pw[n] = '\0';
		pw[strcspn(pw, "\r\n")] = '\0';
		if (crypto_pwhash_str(hash, pw, strlen(pw), ops, mem) != 0) {
			fprintf(stderr, "bench-verify: out of memory\n");
			return 1;
		}
		printf("%s\n", hash);
		return 0;
	}
	if (strcmp(argv[1], "run") != 0 || argc != 6)
		return ref_usage();
	procs = atoi(argv[4]);
	secs = atof(argv[5]);
	if (procs < 1 || procs > REF_MAX_PROCS || secs <= 0)
		return ref_usage();
	if (crypto_pwhash_str(hash, REF_PASSWORD, strlen(REF_PASSWORD), ops,
		mem) != 0) {
		fprintf(stderr, "bench-verify: out of memory\n");
		return 1;
	}
	if (pipe(fds) == -1) {
		perror("bench-verify: pipe");
		return 1;
	}
	fflush(stdout);
	start = ref_now();
	for (i = 0; i < procs; i++) {
		if ((pid = fork()) == -1) {
			perror("bench-verify: fork");
			return 1;
		}
		if (pid == 0) {
			close(fds[0]);
			_exit(ref_worker(hash, start + secs, fds[1]));
		}
	}
	close(fds[1]);
	while (read(fds[0], &count, sizeof(count)) == (ssize_t)sizeof(count))
		total += count;
	for (i = 0; i < procs; i++)
		if (wait(&status) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	if (failed) {
		fprintf(stderr, "bench-verify: a verification failed\n");
		return 1;
	}
	secs = ref_now() - start;
	printf("verifies %lu seconds %.3f rate %.3f\n", total, secs,
	    (double)total / secs);
	return 0;
}
