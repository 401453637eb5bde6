// SPDX-License-Identifier: GPL-2.0-or-later
/* lbmember's per-node address map (see lbmember.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lbmember.h"

#define TOKEN_MAX 320 /* NODE (up to 255) '=' ADDRESS (up to 45) */

static int family_of(const char *addr)
{
	unsigned char bin[16];

	if (inet_pton(AF_INET, addr, bin) == 1) {
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, bin) == 1) {
		return AF_INET6;
	}
	return -EINVAL;
}

static bool is_sep(char c)
{
	return c == ' ' || c == ',' || c == '\t';
}

/*
 * Walks value; for each token calls nothing but checks it, and when node
 * is not NULL copies the matching address. Returns 0 / -errno.
 */
static int walk(const char *value, const char *node, char *buf, size_t len, int *ret_family)
{
	const char *p = value;
	int tokens = 0;
	bool found = false;
	char addr_found[TOKEN_MAX] = "";

	if (value == NULL) {
		return -EINVAL;
	}
	for (;;) {
		char tok[TOKEN_MAX];
		const char *start;
		char *eq;
		size_t n;

		while (is_sep(*p)) {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		start = p;
		while (*p != '\0' && !is_sep(*p)) {
			p++;
		}
		n = (size_t)(p - start);
		if (n >= sizeof(tok)) {
			return -EINVAL;
		}
		memcpy(tok, start, n);
		tok[n] = '\0';
		tokens++;
		eq = strchr(tok, '=');
		if (eq == NULL) {
			/* A bare address is only valid alone. */
			if (tokens > 1 || *p != '\0' || family_of(tok) < 0) {
				return -EINVAL;
			}
			memcpy(addr_found, tok, n + 1);
			found = true;
			break;
		}
		*eq = '\0';
		if (eq == tok || family_of(eq + 1) < 0) {
			return -EINVAL;
		}
		if (node != NULL && !found && strcmp(tok, node) == 0) {
			snprintf(addr_found, sizeof(addr_found), "%s", eq + 1);
			found = true;
		}
	}
	if (tokens == 0) {
		return -EINVAL;
	}
	if (node == NULL) {
		return 0;
	}
	if (!found) {
		return -ENOENT;
	}
	if (strlen(addr_found) >= len) {
		return -ENAMETOOLONG;
	}
	memcpy(buf, addr_found, strlen(addr_found) + 1);
	*ret_family = family_of(addr_found);
	return 0;
}

int vnfha__lbmember_address_check(const char *value)
{
	return walk(value, NULL, NULL, 0, NULL);
}

int vnfha__lbmember_address_for(const char *value, const char *node, char *buf, size_t len,
				int *ret_family)
{
	if (node == NULL) {
		return -EINVAL;
	}
	return walk(value, node, buf, len, ret_family);
}
