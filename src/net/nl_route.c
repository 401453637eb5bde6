// SPDX-License-Identifier: LGPL-2.1-or-later
/* Route table dumps and the routing cache flush (nl.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nl_internal.h"
#include "net/nl_msg.h"

struct route_dump {
	int family;
	uint32_t table;
	int (*cb)(const struct vnfha_route *r, void *data);
	void (*reset)(void *data);
	void *data;
};

static void route_dump_reset(void *data)
{
	struct route_dump *d = data;

	if (d->reset != NULL) {
		d->reset(d->data);
	}
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_dump *d = data;
	struct vnfha_route r;

	if (vnfha_nl_route_parse(nlh, nlh->nlmsg_len, &r) < 0) {
		return 0; /* a kind of route we do not read (another family) */
	}
	/* The kernel filters on the table (strict check); older ones did not. */
	if (r.family != d->family || r.table != d->table) {
		return 0;
	}
	return d->cb(&r, d->data);
}

int vnfha_route_dump(struct vnfha_nl *nl, int family, uint32_t table,
		     int (*cb)(const struct vnfha_route *r, void *data), void (*reset)(void *data),
		     void *data)
{
	char req[VNFHA_NL_REQ_MAX];
	struct route_dump d = {
		.family = family, .table = table, .cb = cb, .reset = reset, .data = data,
	};
	int rc = vnfha_nl_route_dump_build(req, sizeof(req), 0, family, table);

	if (rc < 0 || cb == NULL) {
		return rc < 0 ? rc : -EINVAL;
	}
	return vnfha__nl_dump(nl, req, route_dump_cb, route_dump_reset, &d);
}

int vnfha_route_flush_cache(int family)
{
	const char *path = family == AF_INET6 ? "/proc/sys/net/ipv6/route/flush"
					      : "/proc/sys/net/ipv4/route/flush";
	/* What iproute2 writes; any write flushes IPv4, IPv6 reads a delay. */
	static const char value[] = "-1";
	int fd = -1;
	ssize_t n;

	if (family != AF_INET && family != AF_INET6) {
		return -EAFNOSUPPORT;
	}
	/* /proc/sys/net is the opener's network namespace. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	n = write(fd, value, sizeof(value) - 1);
	if (n < 0) {
		n = -errno;
	}
	close(fd);
	return n < 0 ? (int)n : 0;
}
