// SPDX-License-Identifier: LGPL-2.1-or-later
/* Links, addresses, route lookups and the DAD wait over rtnetlink (nl.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/clock.h"
#include "net/nl_internal.h"
#include "net/nl_msg.h"

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vnfha_link *l = data;

	return vnfha_nl_link_parse(nlh, nlh->nlmsg_len, l) == 0 ? 0 : -EBADMSG;
}

int vnfha_link_get(struct vnfha_nl *nl, const char *name, int ifindex,
		   struct vnfha_link *ret_link)
{
	char req[VNFHA_NL_REQ_MAX];
	struct vnfha_link l = { 0 };
	int rc = vnfha_nl_link_get_build(req, sizeof(req), 0, name, ifindex);

	if (rc < 0) {
		return rc == -EINVAL && name != NULL ? -ENODEV : rc;
	}
	rc = vnfha__nl_request(nl, req, link_cb, &l);
	if (rc < 0) {
		return rc;
	}
	if (l.ifindex <= 0) {
		return -ENODEV;
	}
	*ret_link = l;
	return 0;
}

int vnfha_addr_add(struct vnfha_nl *nl, const struct vnfha_addr *a)
{
	char req[VNFHA_NL_REQ_MAX];
	int rc = vnfha_nl_addr_build(req, sizeof(req), RTM_NEWADDR, 0, a);

	return rc < 0 ? rc : vnfha__nl_request(nl, req, NULL, NULL);
}

int vnfha_addr_del(struct vnfha_nl *nl, const struct vnfha_addr *a)
{
	char req[VNFHA_NL_REQ_MAX];
	int rc = vnfha_nl_addr_build(req, sizeof(req), RTM_DELADDR, 0, a);

	return rc < 0 ? rc : vnfha__nl_request(nl, req, NULL, NULL);
}

struct addr_find {
	int family;
	int ifindex;
	int skip_ifindex;
	const void *addr;
	bool found;
	struct vnfha_addr hit;
};

static size_t family_len(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static bool addr_matches(const struct addr_find *f, const struct vnfha_addr *a)
{
	return a->family == f->family && (f->ifindex == 0 || a->ifindex == f->ifindex) &&
	       (f->skip_ifindex == 0 || a->ifindex != f->skip_ifindex) &&
	       memcmp(&a->addr, f->addr, family_len(f->family)) == 0;
}

static int addr_find_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_find *f = data;
	struct vnfha_addr a;

	if (vnfha_nl_addr_parse(nlh, nlh->nlmsg_len, &a) < 0) {
		return 0; /* another family or a kind we do not read */
	}
	if (!f->found && addr_matches(f, &a)) {
		f->hit = a;
		f->found = true;
	}
	return 0;
}

static void addr_find_reset(void *data)
{
	struct addr_find *f = data;

	f->found = false;
}

static int addr_find(struct vnfha_nl *nl, struct addr_find *fp, struct vnfha_addr *ret_addr)
{
	char req[VNFHA_NL_REQ_MAX];
	struct addr_find f = *fp;
	int rc = vnfha_nl_addr_dump_build(req, sizeof(req), 0, f.family, f.ifindex);

	if (rc < 0) {
		return rc;
	}
	rc = vnfha__nl_dump(nl, req, addr_find_cb, addr_find_reset, &f);
	if (rc < 0) {
		return rc;
	}
	if (!f.found) {
		return -ENOENT;
	}
	*ret_addr = f.hit;
	return 0;
}

int vnfha_addr_find(struct vnfha_nl *nl, int family, const void *addr, int ifindex,
		    struct vnfha_addr *ret_addr)
{
	struct addr_find f = { .family = family, .ifindex = ifindex, .addr = addr };

	return addr_find(nl, &f, ret_addr);
}

int vnfha_addr_find_other(struct vnfha_nl *nl, int family, const void *addr, int skip_ifindex,
			  struct vnfha_addr *ret_addr)
{
	struct addr_find f = { .family = family, .skip_ifindex = skip_ifindex, .addr = addr };

	return addr_find(nl, &f, ret_addr);
}

static int addrlabel(struct vnfha_nl *nl, uint16_t type, const struct in6_addr *prefix,
		     uint8_t prefixlen, uint32_t label)
{
	char req[VNFHA_NL_REQ_MAX];
	int rc = vnfha_nl_addrlabel_build(req, sizeof(req), type, 0, prefix, prefixlen, label);

	return rc < 0 ? rc : vnfha__nl_request(nl, req, NULL, NULL);
}

int vnfha_addrlabel_add(struct vnfha_nl *nl, const struct in6_addr *prefix, uint8_t prefixlen,
			uint32_t label)
{
	return addrlabel(nl, RTM_NEWADDRLABEL, prefix, prefixlen, label);
}

int vnfha_addrlabel_del(struct vnfha_nl *nl, const struct in6_addr *prefix, uint8_t prefixlen,
			uint32_t label)
{
	return addrlabel(nl, RTM_DELADDRLABEL, prefix, prefixlen, label);
}

/* 1: usable, 0: still tentative, <0: failed. */
static int dad_verdict(const struct vnfha_addr *a, bool optimistic_ok)
{
	if (a->flags & IFA_F_DADFAILED) {
		return -EADDRINUSE;
	}
	if (!(a->flags & IFA_F_TENTATIVE)) {
		return 1;
	}
	return (optimistic_ok && (a->flags & IFA_F_OPTIMISTIC)) ? 1 : 0;
}

/* Reads queued events for a until a verdict; 0 when none came yet. */
static int dad_read_events(struct vnfha_nl *nl, const struct vnfha_addr *a, bool optimistic_ok)
{
	char buf[VNFHA_NL_RECV_BUF];
	struct addr_find f = { .family = a->family, .ifindex = a->ifindex, .addr = &a->addr };
	ssize_t n = vnfha__nl_recv(nl, buf, sizeof(buf));
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)n;

	if (n < 0) {
		/* ENOBUFS: events were lost; the caller looks the state up again. */
		return (int)n;
	}
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		struct vnfha_addr ev;
		int v;

		if (nlh->nlmsg_pid != 0 || vnfha_nl_addr_parse(nlh, nlh->nlmsg_len, &ev) < 0 ||
		    !addr_matches(&f, &ev)) {
			continue;
		}
		if (nlh->nlmsg_type == RTM_DELADDR) {
			return -EADDRNOTAVAIL;
		}
		v = dad_verdict(&ev, optimistic_ok);
		if (v != 0) {
			return v;
		}
	}
	return 0;
}

int vnfha_addr_dad_wait(struct vnfha_nl *nl, const struct vnfha_addr *a, unsigned int timeout_ms,
			bool optimistic_ok)
{
	int64_t deadline = vnfha__now_ms() + timeout_ms;
	bool lookup = true;

	for (;;) {
		struct pollfd pfd = { .fd = vnfha__nl_fd(nl), .events = POLLIN };
		int64_t left_ms;
		int rc;

		if (lookup) {
			/* The state now; events after this come through the socket. */
			struct vnfha_addr cur;

			rc = vnfha_addr_find(nl, a->family, &a->addr, a->ifindex, &cur);
			if (rc == -ENOENT) {
				return -EADDRNOTAVAIL;
			}
			if (rc < 0) {
				return rc;
			}
			rc = dad_verdict(&cur, optimistic_ok);
			if (rc != 0) {
				return rc < 0 ? rc : 0;
			}
			lookup = false;
		}
		left_ms = deadline - vnfha__now_ms();
		if (left_ms <= 0) {
			return -ETIMEDOUT;
		}
		rc = poll(&pfd, 1, (int)left_ms);
		if (rc < 0 && errno != EINTR) {
			return -errno;
		}
		if (rc <= 0) {
			continue;
		}
		rc = dad_read_events(nl, a, optimistic_ok);
		if (rc == -ENOBUFS) {
			lookup = true;
		} else if (rc != 0) {
			return rc < 0 ? rc : 0;
		}
	}
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vnfha_route *r = data;

	return vnfha_nl_route_parse(nlh, nlh->nlmsg_len, r) == 0 ? 0 : -EBADMSG;
}

int vnfha_route_get(struct vnfha_nl *nl, int family, const void *dst,
		    struct vnfha_route *ret_route)
{
	char req[VNFHA_NL_REQ_MAX];
	struct vnfha_route r = { 0 };
	int rc = vnfha_nl_route_get_build(req, sizeof(req), 0, family, dst);

	if (rc < 0) {
		return rc;
	}
	rc = vnfha__nl_request(nl, req, route_cb, &r);
	if (rc == -EHOSTUNREACH || rc == -ENETDOWN || rc == -ESRCH) {
		rc = -ENETUNREACH;
	}
	if (rc < 0) {
		return rc;
	}
	if (r.family == 0) {
		return -ENETUNREACH;
	}
	*ret_route = r;
	return 0;
}
