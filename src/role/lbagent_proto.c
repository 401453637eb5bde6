// SPDX-License-Identifier: LGPL-2.1-or-later
/* HAProxy agent-check answers (see lbagent_proto.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/parse.h"

#include "role/lbagent_proto.h"

static const char *const admin_words[] = { "ready", "drain", "maint" };

int vnfha__lbagent_answer(const struct vnfha__lbagent_view *view, char *buf, size_t len)
{
	char why[VNFHA__LBAGENT_WHY_MAX + 1];
	char weight[8] = "";
	size_t j = 0;
	int n;

	if ((unsigned int)view->admin > VNFHA__LBA_MAINT || view->weight_pct > 100) {
		return -EINVAL;
	}
	for (const char *c = view->why; c != NULL && *c != '\0' && j < VNFHA__LBAGENT_WHY_MAX;
	     c++) {
		/* HAProxy ends the answer at the first CR or LF; keep it one line. */
		if (*c >= 0x20 && *c <= 0x7e && *c != '#') {
			why[j++] = *c;
		}
	}
	why[j] = '\0';
	if (view->weight_pct > 0 && view->admin != VNFHA__LBA_MAINT) {
		snprintf(weight, sizeof(weight), " %u%%", view->weight_pct);
	}
	n = snprintf(buf, len, "%s %s%s%s%s\n", view->up ? "up" : "down", admin_words[view->admin],
		     weight, j > 0 ? " #" : "", why);
	if (n < 0 || (size_t)n >= len) {
		return -ENOSPC;
	}
	return n;
}

int vnfha__lbagent_parse_address(const char *text, struct sockaddr_storage *ss,
				 socklen_t *ret_len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = text != NULL ? strrchr(text, ':') : NULL;
	size_t host_len;
	long port = 0;

	if (colon == NULL || vnfha__parse_long(colon + 1, 0, 65535, &port) < 0) {
		return -EINVAL;
	}
	host_len = (size_t)(colon - text);
	if (host_len < 1 || host_len >= sizeof(host)) {
		return -EINVAL;
	}
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (host_len < 3 || host[host_len - 1] != ']') {
			return -EINVAL;
		}
		host[host_len - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1) {
			return -EINVAL;
		}
		*ret_len = sizeof(*in6);
		return 0;
	}
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;

	in4->sin_family = AF_INET;
	in4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1) {
		return -EINVAL;
	}
	*ret_len = sizeof(*in4);
	return 0;
}

int vnfha__lbagent_listen(const struct sockaddr_storage *ss, socklen_t len, int *ret_port)
{
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int rc;

	if (fd < 0) {
		return -errno;
	}
	/* A restarted VNFC rebinds at once, even with checks in TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&bound, &bound_len) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*ret_port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						     : ((struct sockaddr_in *)&bound)->sin_port);
	return fd;
}
