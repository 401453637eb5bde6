// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-garp: announce an address on an interface (gratuitous ARP request
 * and reply for IPv4, unsolicited neighbour advertisement for IPv6), or
 * probe whether another host holds it. A thin front end over announce.h,
 * the code ocf:vnfha:floatip uses. See vnfha-garp(8).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "announce/announce.h"
#include "common/parse.h"

#define PROG "vnfha-garp"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	/* the announcement or probe could not be done */
	EXIT_USAGE = 2, /* bad arguments */
	EXIT_IN_USE = 3 /* --probe: another host holds the address */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [-c count] [-I interval] [-r delay] [-R|-N] [-f] [-b] -i interface address\n"
		"       " PROG " -p [-t timeout] -i interface address\n"
		"\n"
		"  -i, --interface=NAME     interface to announce on (required)\n"
		"  -c, --count=N            announcements in a burst, 1-1000 (default 5)\n"
		"  -I, --interval=TIME      between announcements (default 200ms)\n"
		"  -r, --repeat-delay=TIME  second burst this long after the first (default 0: none)\n"
		"  -R, --router             IPv6: set the Router flag (default: if the interface forwards)\n"
		"  -N, --no-router          IPv6: never set the Router flag\n"
		"  -f, --force              announce even if the address is not on this host\n"
		"  -b, --background         send the first announcement, leave the rest to a child\n"
		"  -p, --probe              only probe: is the address in use by another host?\n"
		"  -t, --timeout=TIME       how long --probe listens (default 1s)\n"
		"  -h, --help               this text\n"
		"TIME is milliseconds, or a number with ms, s or min.\n");
}

/* Milliseconds: a bare number, or a number with a unit ("1s"). */
static int parse_ms(const char *opt, const char *text, unsigned int max, unsigned int *ret_ms)
{
	uint64_t ms = 0;
	long bare = 0;
	int r = vnfha__parse_long(text, 0, max, &bare);

	if (r == -EINVAL) {
		/* Not a bare number: one with a unit ("1s", "500ms")? */
		r = vnfha__parse_duration_ms(text, max, &ms);
		bare = (long)ms;
	}
	if (r < 0) {
		fprintf(stderr, PROG ": --%s '%s' is %s (0 to %u ms)\n", opt, text,
			r == -ERANGE ? "out of range" : "not a duration", max);
		return r;
	}
	*ret_ms = (unsigned int)bare;
	return 0;
}

static const char *explain(int r)
{
	switch (r) {
	case -ENODEV:
		return "no such interface";
	case -ENOTSUP:
		return "the interface does no ARP/neighbour discovery (IFF_NOARP, or not Ethernet)";
	case -EADDRNOTAVAIL:
		return "the address is not (or no longer) on this host; --force announces it anyway";
	case -EINVAL:
		return "not an address one can announce (unspecified, multicast, broadcast)";
	case -ENETDOWN:
		return "the interface is down";
	case -EPERM:
	case -EACCES:
		return "permission denied (raw sockets need CAP_NET_RAW)";
	default:
		return strerror(-r);
	}
}

static int probe(const char *ifname, const struct vnfha_announce *a, unsigned int timeout_ms)
{
	uint8_t mac[6];
	char text[INET6_ADDRSTRLEN];
	int r = vnfha_dup_probe(a->ifindex, a->family, &a->addr, timeout_ms, mac);

	inet_ntop(a->family, &a->addr, text, sizeof(text));
	if (r == -EADDRINUSE) {
		printf("%s is in use on %s by %02x:%02x:%02x:%02x:%02x:%02x\n", text, ifname, mac[0],
		       mac[1], mac[2], mac[3], mac[4], mac[5]);
		return EXIT_IN_USE;
	}
	if (r < 0) {
		fprintf(stderr, PROG ": probing %s on '%s': %s\n", text, ifname, explain(r));
		return EXIT_FAIL;
	}
	printf("%s is free on %s (no answer in %u ms)\n", text, ifname, timeout_ms);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'I' },
		{ "repeat-delay", required_argument, NULL, 'r' },
		{ "router", no_argument, NULL, 'R' },
		{ "no-router", no_argument, NULL, 'N' },
		{ "force", no_argument, NULL, 'f' },
		{ "background", no_argument, NULL, 'b' },
		{ "probe", no_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vnfha_announce a = { .count = 5, .interval_ms = 200 };
	const char *ifname = NULL;
	unsigned int timeout_ms = 1000;
	bool background = false, do_probe = false;
	int router = -1; /* -1: ask the interface */
	long count = 0;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "i:c:I:r:RNfbpt:h", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'c':
			r = vnfha__parse_long(optarg, 1, 1000, &count);
			if (r < 0) {
				fprintf(stderr, PROG ": --count '%s' is %s (1 to 1000)\n", optarg,
					r == -ERANGE ? "out of range" : "not a number");
				return EXIT_USAGE;
			}
			a.count = (unsigned int)count;
			break;
		case 'I':
			if (parse_ms("interval", optarg, 60000, &a.interval_ms) < 0) {
				return EXIT_USAGE;
			}
			break;
		case 'r':
			if (parse_ms("repeat-delay", optarg, 3600000, &a.repeat_delay_ms) < 0) {
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (parse_ms("timeout", optarg, 600000, &timeout_ms) < 0) {
				return EXIT_USAGE;
			}
			break;
		case 'R':
		case 'N':
			router = opt == 'R';
			break;
		case 'f':
			a.absent_ok = true;
			break;
		case 'b':
			background = true;
			break;
		case 'p':
			do_probe = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (ifname == NULL || optind != argc - 1) {
		fprintf(stderr, PROG ": %s\n",
			ifname == NULL ? "--interface is required" : "exactly one address is required");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (inet_pton(AF_INET, argv[optind], &a.addr.v4) == 1) {
		a.family = AF_INET;
	} else if (inet_pton(AF_INET6, argv[optind], &a.addr.v6) == 1) {
		a.family = AF_INET6;
	} else {
		fprintf(stderr, PROG ": '%s' is not an IPv4 or IPv6 address\n", argv[optind]);
		return EXIT_USAGE;
	}
	a.ifindex = (int)if_nametoindex(ifname);
	if (a.ifindex == 0) {
		fprintf(stderr, PROG ": no interface '%s'\n", ifname);
		return EXIT_USAGE;
	}
	if (do_probe) {
		return probe(ifname, &a, timeout_ms);
	}
	a.router = a.family == AF_INET6 &&
		   (router == -1 ? vnfha_announce_is_router(a.ifindex) : router == 1);

	r = background ? vnfha_announce_start(&a, NULL) : vnfha_announce_all(&a);
	if (r < 0) {
		fprintf(stderr, PROG ": announcing '%s' on '%s': %s\n", argv[optind], ifname,
			explain(r));
		return r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	return EXIT_OK;
}
