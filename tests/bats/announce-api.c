// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for the announce.h calls the floatip agent makes, so bats can
 * check them on a real link: announce-api MODE IFACE ADDRESS COUNT
 * INTERVAL_MS REPEAT_MS, MODE one of first+background, first+rest, start,
 * spawn, all. Prints the child's pid (start, spawn) and exits 0 or 1.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "announce/announce.h"
#include "common/parse.h"

int main(int argc, char **argv)
{
	struct vnfha_announce a = { 0 };
	const char *mode = argv[1];
	long count = 0, interval = 0, repeat = 0;
	pid_t pid = 0;
	int r;

	if (argc != 7 || vnfha__parse_long(argv[4], 1, 1000, &count) < 0 ||
	    vnfha__parse_long(argv[5], 0, 60000, &interval) < 0 ||
	    vnfha__parse_long(argv[6], 0, 60000, &repeat) < 0) {
		fprintf(stderr, "usage: %s MODE IFACE ADDRESS COUNT INTERVAL_MS REPEAT_MS\n", argv[0]);
		return 2;
	}
	a.ifindex = (int)if_nametoindex(argv[2]);
	a.family = strchr(argv[3], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, argv[3], &a.addr) != 1) {
		return 2;
	}
	a.count = (unsigned int)count;
	a.interval_ms = (unsigned int)interval;
	a.repeat_delay_ms = (unsigned int)repeat;
	a.router = a.family == AF_INET6 && vnfha_announce_is_router(a.ifindex);

	if (strcmp(mode, "start") == 0) {
		r = vnfha_announce_start(&a, &pid);
	} else if (strcmp(mode, "all") == 0) {
		r = vnfha_announce_all(&a);
	} else if (strcmp(mode, "spawn") == 0) {
		r = vnfha_announce_spawn(&a, &pid);
	} else {
		r = vnfha_announce_first(&a);
		if (r == 0 && strcmp(mode, "first+background") == 0) {
			r = vnfha_announce_background(&a);
		} else if (r == 0) {
			r = vnfha_announce_rest(&a);
		}
	}
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", mode, strerror(-r));
		return 1;
	}
	if (pid > 0) {
		printf("%d\n", (int)pid);
	}
	return 0;
}
