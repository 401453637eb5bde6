// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ocf/ocf_node.h"
#include "statesync_peers.h"

/* A numeric address for name (an address already, or a name that resolves). */
static int resolve(const char *name, char *host, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc;

	if (getaddrinfo(name, NULL, &hints, &res) != 0 || res == NULL) {
		return -ENOENT;
	}
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, host, len, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	return rc == 0 ? 0 : -ENOENT;
}

int ss_peer_address(const char *map, const char *node, long port, char *out, size_t len)
{
	size_t nlen = strlen(node);
	char host[INET6_ADDRSTRLEN] = "";
	char server[256];

	for (const char *p = map; p != NULL && *p != '\0'; p += strcspn(p, " \t")) {
		p += strspn(p, " \t");
		if (strncmp(p, node, nlen) == 0 && p[nlen] == '=') {
			snprintf(host, sizeof(host), "%.*s", (int)strcspn(p + nlen + 1, " \t"),
				 p + nlen + 1);
			break;
		}
	}
	if (host[0] == '\0') {
		bool remote = vnfha__ocf_remote_addr(node, server, sizeof(server)) == 0 &&
			      server[0] != '\0';

		if (resolve(remote ? server : node, host, sizeof(host)) < 0) {
			return -ENOENT;
		}
	}
	snprintf(out, len, strchr(host, ':') ? "[%s]:%ld" : "%s:%ld", host, port);
	return 0;
}

void ss_peers_last(const char *peersfile, int which, char *buf, size_t len)
{
	FILE *f = fopen(peersfile, "re");

	buf[0] = '\0';
	if (f == NULL) {
		return;
	}
	for (int i = 0; i <= which; i++) {
		if (fgets(buf, (int)len, f) == NULL) {
			buf[0] = '\0';
			break;
		}
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}
