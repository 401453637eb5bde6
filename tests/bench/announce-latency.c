// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In-process cost of announcing, as the floatip start action pays it:
 * median wall time of vnfha_announce_first() (opens, sends, closes its
 * packet socket) against vnfha_announce_start() (sends, hands the socket
 * to the detached child) and vnfha_announce_all() with count 1.
 * Usage: announce-latency IFACE ADDRESS [RUNS]   (root, inside a netns)
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "announce/announce.h"
#include "common/parse.h"

#define MAX_RUNS 1000

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	static double first[MAX_RUNS], start[MAX_RUNS], all[MAX_RUNS];
	struct vnfha_announce a = { .count = 2, .interval_ms = 1 };
	long runs = 50;

	if (argc < 3 || (argc == 4 && vnfha__parse_long(argv[3], 1, MAX_RUNS, &runs) < 0)) {
		fprintf(stderr, "usage: %s IFACE ADDRESS [RUNS]\n", argv[0]);
		return 2;
	}
	a.ifindex = (int)if_nametoindex(argv[1]);
	a.family = strchr(argv[2], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, argv[2], &a.addr) != 1) {
		return 2;
	}
	for (long i = 0; i < runs; i++) {
		pid_t pid = 0;
		double t0 = now_us();

		if (vnfha_announce_first(&a) < 0) {
			return 1;
		}
		first[i] = now_us() - t0;
		t0 = now_us();
		vnfha_announce_start(&a, &pid);
		start[i] = now_us() - t0;
		if (pid > 0) {
			waitpid(pid, NULL, 0);
		}
		a.count = 1;
		t0 = now_us();
		vnfha_announce_all(&a);
		all[i] = now_us() - t0;
		a.count = 2;
	}
	printf("%-14s first() %8.0f us   start() %6.0f us   all(count 1) %8.0f us   first/start %.0fx\n",
	       argv[2], median(first, (size_t)runs), median(start, (size_t)runs),
	       median(all, (size_t)runs), median(first, (size_t)runs) / median(start, (size_t)runs));
	return 0;
}
