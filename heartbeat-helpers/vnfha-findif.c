// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-findif: which interface, prefix length and broadcast address would
 * carry an address on this host, chosen as resource-agents' findif chooses
 * them, from the routing tables over rtnetlink (no `ip route` text). A thin
 * front end over findif.h, the code ocf:vnfha:floatip uses when nic or
 * cidr_netmask is unset. See vnfha-findif(8).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "net/findif.h"
#include "net/nl.h"

#define PROG "vnfha-findif"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	       /* netlink or namespace error */
	EXIT_USAGE = 2,	       /* bad arguments, no such interface */
	EXIT_NOT_CONNECTED = 3 /* the address is on no connected subnet */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [-i interface] [-m prefix] [-n namespace] [-k] address[/prefix]\n"
		"\n"
		"  -i, --interface=NAME   only this interface (floatip's nic)\n"
		"  -m, --netmask=PREFIX   prefix length, or an IPv4 dotted netmask (cidr_netmask)\n"
		"  -n, --netns=NAME       look in this network namespace (name or path)\n"
		"  -k, --key-value        print nic=, cidr_netmask=, broadcast= lines\n"
		"  -h, --help             this text\n");
}

static int parse_prefix(const char *text, int family, int *ret_prefix)
{
	if (vnfha_findif_parse_prefix(text, family, ret_prefix) == 0) {
		return 0;
	}
	fprintf(stderr, PROG ": netmask '%s' is not a prefix length (0 to %d)%s\n", text,
		family == AF_INET ? 32 : 128,
		family == AF_INET ? " or a contiguous dotted netmask" : "");
	return -EINVAL;
}

static const char *explain(int r)
{
	switch (r) {
	case -ENETUNREACH:
		return "no route of the main table puts it on a subnet of an interface (of the "
		       "one given, if any); give --interface and --netmask";
	case -ENODEV:
		return "no such interface";
	default:
		return strerror(-r);
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netmask", required_argument, NULL, 'm' },
		{ "netns", required_argument, NULL, 'n' },
		{ "key-value", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *netmask = NULL, *netns = NULL;
	char text[INET6_ADDRSTRLEN + 8];
	char bcast[INET_ADDRSTRLEN];
	struct in6_addr addr;
	struct vnfha_findif f;
	struct vnfha_link link;
	struct vnfha_nl *nl = NULL;
	bool key_value = false;
	int family, prefix = -1, ifindex = 0;
	int opt, r, status = EXIT_FAIL;
	char *slash;

	while ((opt = getopt_long(argc, argv, "i:m:n:kh", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'm':
			netmask = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'k':
			key_value = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": exactly one address is required\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	snprintf(text, sizeof(text), "%s", argv[optind]);
	slash = strchr(text, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (netmask == NULL) {
			netmask = slash + 1;
		}
	}
	if (inet_pton(AF_INET, text, &addr) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, text, &addr) == 1) {
		family = AF_INET6;
	} else {
		fprintf(stderr, PROG ": '%s' is not an IPv4 or IPv6 address\n", text);
		return EXIT_USAGE;
	}
	if (netmask != NULL && parse_prefix(netmask, family, &prefix) < 0) {
		return EXIT_USAGE;
	}
	if (netns != NULL) {
		r = vnfha_netns_enter(netns);
		if (r < 0) {
			fprintf(stderr, PROG ": network namespace '%s': %s\n", netns,
				r == -ENOENT ? "no such namespace" : strerror(-r));
			return r == -ENOENT || r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		}
	}
	nl = vnfha_nl_open();
	if (nl == NULL) {
		fprintf(stderr, PROG ": rtnetlink: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (ifname != NULL) {
		r = vnfha_link_get(nl, ifname, 0, &link);
		if (r < 0) {
			fprintf(stderr, PROG ": interface '%s': %s\n", ifname, explain(r));
			status = r == -ENODEV ? EXIT_USAGE : EXIT_FAIL;
			goto out_close;
		}
		ifindex = link.ifindex;
	}
	r = vnfha_findif(nl, family, &addr, ifindex, prefix, &f);
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", text, explain(r));
		status = r == -ENETUNREACH ? EXIT_NOT_CONNECTED : EXIT_FAIL;
		goto out_close;
	}
	if (!f.has_broadcast || inet_ntop(AF_INET, &f.broadcast, bcast, sizeof(bcast)) == NULL) {
		bcast[0] = '\0';
	}
	if (key_value) {
		printf("nic=%s\ncidr_netmask=%u\nbroadcast=%s\n", f.ifname, f.prefixlen, bcast);
	} else {
		/* resource-agents' findif prints the same three fields. */
		printf("%s netmask %u%s%s\n", f.ifname, f.prefixlen, bcast[0] ? " broadcast " : "",
		       bcast);
	}
	status = EXIT_OK;
out_close:
	vnfha_nl_free(nl);
	return status;
}
