/*
 * ref.h: what the reference programs of `make bench` (bench-verify,
 * bench-smtp) share; each is built from its one .c file and this.
 */
#ifndef POSTERN_BENCH_REF_H
#define POSTERN_BENCH_REF_H

#include <time.h>

/* Seconds on the monotonic clock, for rates. */
static inline double
ref_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* !POSTERN_BENCH_REF_H */
