// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where floatip's address is on this host, or goes (floatip.h): findif's
 * interface, IPaddr2's labelled addresses found like any other, and the
 * loopback and address-label work of lvs_support / lvs_ipv6_addrlabel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "floatip.h"
#include "net/findif.h"

#define LOOPBACK_IFINDEX 1 /* the kernel gives every namespace's lo index 1 */

/*
 * Why this node does not fit, as the exit reason. The code comes from the
 * errno table with this node's state as the context: a namespace,
 * interface or subnet missing here is OCF_ERR_GENERIC (the address may
 * start on another node), a missing privilege OCF_ERR_PERM, never
 * OCF_ERR_CONFIGURED.
 */
int place_error(const struct vip *v, int rc)
{
	int ocf_rc = vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST);

	switch (rc) {
	case -ENOENT:
	case -EINVAL:
		return vnfha_ocf_fail(ocf_rc,
				      "network_namespace='%s' does not exist on this node: create "
				      "it first (order this resource after the one that does)",
				      v->netns);
	case -ENODEV:
		if (v->nic[0] == '\0') {
			break; /* findif's interface vanished meanwhile */
		}
		return vnfha_ocf_fail(ocf_rc,
				      "nic='%s' is no interface on this node (`ip link` lists "
				      "them): the address can go to a node that has it",
				      v->nic);
	case -ENETUNREACH:
		return vnfha_ocf_fail(ocf_rc,
				      "ip='%s' is on no connected subnet of %s%s on this node: the "
				      "address can go to a node that has one, or set nic and "
				      "cidr_netmask",
				      v->ip, v->nic[0] ? "nic=" : "any interface",
				      v->nic[0] ? v->nic : "");
	case -EPERM:
	case -EACCES:
		return vnfha_ocf_fail(ocf_rc, "managing ip='%s' needs CAP_NET_ADMIN (root): %s",
				      v->ip, strerror(-rc));
	default:
		break;
	}
	return vnfha_ocf_fail(ocf_rc, "looking up where ip='%s' belongs: %s", v->ip,
			      strerror(-rc));
}

static bool addr_has_ifindex(struct vnfha_nl *nl, const struct vip *v, int ifindex,
			     struct vnfha_addr *ret)
{
	return ifindex > 0 && vnfha_addr_find(nl, v->family, &v->addr, ifindex, ret) == 0;
}

/* The interface and prefix from findif (start), or, for monitor and stop,
 * the interface findif names where an address may still be (the loopback). */
static int place_findif(const struct vip *v, bool for_start, int nic_index, struct place *p)
{
	struct vnfha_findif f;
	int rc = vnfha_findif(p->nl, v->family, &v->addr, nic_index, v->prefix, &f);

	if (rc < 0) {
		return for_start ? rc : 0;
	}
	if (p->ifindex == 0) {
		p->ifindex = f.ifindex;
		p->nic_found = nic_index == 0;
	}
	p->prefix = f.prefixlen;
	p->has_bcast = f.has_broadcast;
	p->bcast = f.broadcast;
	return 0;
}

int place_find(const struct vip *v, bool for_start, struct place *p)
{
	struct vnfha_link lo;
	struct vnfha_addr other;
	int nic_index = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (v->netns != NULL) {
		rc = vnfha_netns_enter(v->netns);
		if (rc < 0) {
			return rc == -EINVAL ? -ENOENT : rc;
		}
	}
	p->nl = vnfha_nl_open();
	if (p->nl == NULL) {
		return -errno;
	}
	if (vnfha_link_get(p->nl, NULL, LOOPBACK_IFINDEX, &lo) == 0 && (lo.flags & IFF_LOOPBACK)) {
		p->loopback = lo.ifindex;
	}
	if (v->nic[0] != '\0') {
		rc = vnfha_link_get(p->nl, v->nic, 0, &p->link);
		if (rc < 0) {
			return rc;
		}
		nic_index = p->ifindex = p->link.ifindex;
		p->present = addr_has_ifindex(p->nl, v, nic_index, &p->held);
	} else if (vnfha_addr_find_other(p->nl, v->family, &v->addr, p->loopback, &p->held) == 0) {
		/* Already on this host: wherever it is, it is the one to manage. */
		p->present = true;
		p->ifindex = p->held.ifindex;
	}
	if (!p->present && nic_index != 0 && nic_index != p->loopback &&
	    vnfha_addr_find_other(p->nl, v->family, &v->addr, p->loopback, &other) == 0 &&
	    other.ifindex != nic_index) {
		p->elsewhere = other.ifindex; /* someone else's, on another interface */
	}
	if (!p->present && p->elsewhere == 0) {
		rc = place_findif(v, for_start, nic_index, p);
		if (rc < 0) {
			return rc;
		}
		/* findif's loopback (127.0.0.0/8) holds it. */
		p->present = p->ifindex == p->loopback && addr_has_ifindex(p->nl, v, p->ifindex,
									   &p->held);
	}
	if (p->present) {
		p->prefix = p->held.prefixlen;
	} else if (v->prefix >= 0) {
		p->prefix = (unsigned int)v->prefix;
	}
	if (v->lvs_support && p->loopback > 0 && p->ifindex != p->loopback) {
		struct vnfha_addr l;

		/* IPaddr2 looks for ip/32 on lo* */
		p->on_loopback = addr_has_ifindex(p->nl, v, p->loopback, &l) && l.prefixlen == 32;
	}
	if (p->ifindex > 0) {
		rc = vnfha_link_get(p->nl, NULL, p->ifindex, &p->link);
		if (rc < 0) {
			return rc;
		}
		memcpy(p->ifname, p->link.name, sizeof(p->ifname));
	}
	return 0;
}

void place_close(struct place *p)
{
	vnfha_nl_free(p->nl);
	p->nl = NULL;
}

int place_label_check(const struct vip *v, const struct place *p)
{
	if (v->label[0] == '\0' || strlen(p->ifname) + 1 + strlen(v->label) < IF_NAMESIZE) {
		return OCF_SUCCESS;
	}
	return vnfha_ocf_fail(p->nic_found ? OCF_ERR_GENERIC : OCF_ERR_CONFIGURED,
			      "the label %s:%s is longer than 15 characters%s: shorten iflabel",
			      p->ifname, v->label,
			      p->nic_found ? " on the interface findif chose on this node" : "");
}

/* The broadcast IPaddr2 gives (ip addr add ... brd X|+|-), IPv4 only. */
static bool place_broadcast(const struct vip *v, const struct place *p, struct in_addr *ret)
{
	struct in_addr ones;
	uint32_t host;

	switch (v->bcast) {
	case VIP_BCAST_GIVEN:
		*ret = v->broadcast;
		return true;
	case VIP_BCAST_FINDIF:
		*ret = p->bcast;
		return p->has_bcast;
	case VIP_BCAST_ONES:
		return vnfha_findif_broadcast(v->addr.v4, p->prefix, ret) == 0;
	case VIP_BCAST_ZEROS:
		if (vnfha_findif_broadcast(v->addr.v4, p->prefix, &ones) < 0) {
			return false; /* /31, /32: none (iproute2) */
		}
		host = p->prefix == 0 ? 0xffffffffU : (0xffffffffU >> p->prefix);
		ret->s_addr = htonl(ntohl(v->addr.v4.s_addr) & ~host);
		return true;
	}
	return false;
}

void place_to_addr(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p,
		   struct vnfha_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = v->family;
	a->ifindex = p->ifindex;
	a->prefixlen = (uint8_t)p->prefix;
	memcpy(&a->addr, &v->addr, sizeof(a->addr));
	a->preferred_lft = v->preferred_lft;
	a->valid_lft = VNFHA_NL_LIFE_FOREVER;
	if (vnfha_ocf_bool(ocf, "noprefixroute")) {
		a->flags |= IFA_F_NOPREFIXROUTE;
	}
	if (v->family != AF_INET) {
		return;
	}
	/* As iproute2 (and so IPaddr2) adds it: 127.0.0.0/8 is of host scope. */
	if ((ntohl(v->addr.v4.s_addr) >> 24) == 127) {
		a->scope = RT_SCOPE_HOST;
	}
	a->has_broadcast = place_broadcast(v, p, &a->broadcast);
	if (v->label[0] != '\0') {
		/* place_label_check() made sure <ifname>:<label> fits. */
		size_t n = strnlen(p->ifname, sizeof(p->ifname));
		size_t l = strnlen(v->label, sizeof(v->label));

		if (n + 1 + l < sizeof(a->label)) {
			memcpy(a->label, p->ifname, n);
			a->label[n] = ':';
			memcpy(a->label + n + 1, v->label, l + 1);
		}
	}
}

/* Where IPaddr2 remembers a loopback address it took away: $HA_RSCTMP/<ip>. */
static int lvs_path(const struct vip *v, char *path, size_t len)
{
	const char *dir = getenv("HA_RSCTMP");
	int n;

	if (dir == NULL || dir[0] != '/') {
		dir = "/run/resource-agents"; /* resource-agents' HA_RSCTMP on Linux */
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		return -errno;
	}
	n = snprintf(path, len, "%s/%s", dir, v->ip);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* The loopback copy as IPaddr2 saves and restores it: ip/32 brd 255.255.255.255. */
static void lvs_loopback_addr(const struct vip *v, const struct place *p, struct vnfha_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->ifindex = p->loopback;
	a->prefixlen = 32;
	a->addr.v4 = v->addr.v4;
	a->has_broadcast = true;
	a->broadcast.s_addr = INADDR_BROADCAST;
	a->preferred_lft = a->valid_lft = VNFHA_NL_LIFE_FOREVER;
}

void place_lvs_take(const struct vip *v, struct place *p)
{
	char path[512], line[INET_ADDRSTRLEN + 32];
	struct vnfha_addr a;
	int fd = -1;
	int rc;

	if (!p->on_loopback) {
		return;
	}
	vnfha_log(VNFHA_LOG_INFO, "lvs_support: moving %s off the loopback", v->ip);
	rc = lvs_path(v, path, sizeof(path));
	if (rc == 0) {
		/* IPaddr2's format, so either agent puts it back. */
		int n = snprintf(line, sizeof(line), "%s 32 255.255.255.255 lo\n", v->ip);

		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0) {
			rc = -errno;
		} else if (write(fd, line, (size_t)n) != n) {
			rc = -EIO;
		}
	}
	if (fd >= 0 && close(fd) < 0 && rc == 0) {
		rc = -errno;
	}
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "could not remember the loopback copy of %s (%s): it "
					 "will not be restored", v->ip, strerror(-rc));
	}
	lvs_loopback_addr(v, p, &a);
	rc = vnfha_addr_del(p->nl, &a);
	if (rc < 0 && rc != -EADDRNOTAVAIL) {
		vnfha_log(VNFHA_LOG_WARNING, "removing %s/32 from the loopback: %s", v->ip,
			  strerror(-rc));
	}
}

void place_lvs_restore(const struct vip *v, struct place *p)
{
	char path[512];
	struct vnfha_addr a;
	int rc;

	if (!v->lvs_support || p->loopback <= 0 || lvs_path(v, path, sizeof(path)) < 0 ||
	    access(path, F_OK) < 0) {
		return;
	}
	lvs_loopback_addr(v, p, &a);
	rc = vnfha_addr_add(p->nl, &a);
	if (rc < 0 && rc != -EEXIST) {
		vnfha_log(VNFHA_LOG_ERR, "lvs_support: putting %s/32 back on the loopback: %s",
			  v->ip, strerror(-rc));
		return; /* the record stays for the next stop */
	}
	vnfha_log(VNFHA_LOG_INFO, "lvs_support: %s is back on the loopback", v->ip);
	unlink(path);
}

void place_addrlabel(const struct vip *v, struct place *p, bool add)
{
	int rc;

	if (!v->lvs_addrlabel) {
		return;
	}
	rc = add ? vnfha_addrlabel_add(p->nl, &v->addr.v6, 128, v->addrlabel)
		 : vnfha_addrlabel_del(p->nl, &v->addr.v6, 128, v->addrlabel);
	/* IPaddr2 warns when the add fails and ignores a failed delete. */
	if (add && rc < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "address label %u for %s not added: %s", v->addrlabel,
			  v->ip, strerror(-rc));
	}
}
