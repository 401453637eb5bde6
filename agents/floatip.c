// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ocf:vnfha:floatip — a floating IPv4 or IPv6 address, the C successor of
 * resource-agents' IPaddr2 with the same parameter names and meanings.
 *
 *   start    finds the interface and prefix (nic / cidr_netmask, else the
 *            connected route, as findif does), adds the address over
 *            rtnetlink, and announces it at once in-process (gratuitous ARP /
 *            unsolicited NA); the rest of the burst and a second, delayed
 *            burst come from one forked child, so start returns after the
 *            first frame. IPv6 never sits in a DAD wait loop: the address is
 *            added with nodad or optimistic, and a DAD failure the kernel
 *            reports fails start at once.
 *   stop     deletes the address; absent is success.
 *   monitor  the address is on the interface and the link is up (level 0);
 *            level 10 adds a duplicate-address probe (RFC 5227 / RFC 4862).
 *
 * No action forks a shell or execs anything; network_namespace is entered
 * with setns(2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "announce/announce.h"
#include "net/findif.h"
#include "net/nl.h"
#include "ocf/ocf.h"
#include "common/parse.h"

#define MAX_MS 3600000L

/* Everything the parameters say, checked against each other (depth 0). */
struct vip {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	const char *ip;
	const char *nic;   /* NULL: findif chooses */
	int prefix;	   /* -1: from the connected route */
	int bcast_mode;	   /* 0 compute, 1 none, 2 given */
	struct in_addr broadcast;
	const char *label; /* NULL: none */
	uint32_t preferred_lft;
	const char *netns; /* NULL: the caller's */
};

/* What the environment adds (depth 10, start, monitor, stop). */
struct place {
	struct vnfha_nl *nl;
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned int prefix;
	struct vnfha_link link; /* ifindex's, as place_find saw it */
	bool present;  /* the address is there already */
	int elsewhere; /* the address is on this other interface, not nic */
	struct vnfha_addr held;
};

static int reject(char *why, size_t why_len, const char *text)
{
	snprintf(why, why_len, "%s", text);
	return -EINVAL;
}

static int parse_ip(const char *text, struct vip *v)
{
	if (inet_pton(AF_INET, text, &v->addr.v4) == 1) {
		v->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &v->addr.v6) == 1) {
		v->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int check_ip(const char *value, char *why, size_t why_len)
{
	struct vip v;

	if (parse_ip(value, &v) < 0) {
		return reject(why, why_len,
			      "use one IPv4 address (198.51.100.10) or IPv6 address (2001:db8::10), "
			      "without a prefix (that is cidr_netmask)");
	}
	if ((v.family == AF_INET && (v.addr.v4.s_addr == INADDR_ANY ||
				     v.addr.v4.s_addr == INADDR_BROADCAST ||
				     IN_MULTICAST(ntohl(v.addr.v4.s_addr)))) ||
	    (v.family == AF_INET6 &&
	     (IN6_IS_ADDR_UNSPECIFIED(&v.addr.v6) || IN6_IS_ADDR_MULTICAST(&v.addr.v6)))) {
		return reject(why, why_len, "use a unicast address, not unspecified, broadcast or "
					    "multicast");
	}
	return 0;
}

static bool name_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s <= ' ' || *s == '/' || *s == ':' || *s == 0x7f) {
			return false;
		}
	}
	return true;
}

static int check_nic(const char *value, char *why, size_t why_len)
{
	if (strlen(value) >= IF_NAMESIZE || !name_chars_ok(value)) {
		return reject(why, why_len, "use an interface name of 1 to 15 characters without "
					    "'/', ':' or spaces (as `ip link` lists them)");
	}
	return 0;
}

static int check_netmask(const char *value, char *why, size_t why_len)
{
	int prefix;

	/* The family is checked against ip in vip_load(). */
	if (vnfha_findif_parse_prefix(value, AF_INET6, &prefix) < 0 &&
	    vnfha_findif_parse_prefix(value, AF_INET, &prefix) < 0) {
		return reject(why, why_len, "use a prefix length (0 to 32 for IPv4, 0 to 128 for "
					    "IPv6) or an IPv4 netmask such as 255.255.255.0");
	}
	return 0;
}

static int check_broadcast(const char *value, char *why, size_t why_len)
{
	struct in_addr b;

	if (strcmp(value, "+") == 0 || strcmp(value, "-") == 0 || inet_pton(AF_INET, value, &b) == 1) {
		return 0;
	}
	return reject(why, why_len, "use an IPv4 address, '+' to compute it from the prefix or "
				    "'-' for none");
}

static int check_label(const char *value, char *why, size_t why_len)
{
	if (strlen(value) > IF_NAMESIZE - 3 || !name_chars_ok(value)) {
		return reject(why, why_len, "use 1 to 13 characters without '/', ':' or spaces; "
					    "the label becomes <nic>:<iflabel>, at most 15 "
					    "characters");
	}
	return 0;
}

static int parse_lft(const char *text, uint32_t *ret)
{
	long secs = 0;

	if (strcmp(text, "forever") == 0) {
		*ret = VNFHA_NL_LIFE_FOREVER;
		return 0;
	}
	if (vnfha__parse_long(text, 0, (long)VNFHA_NL_LIFE_FOREVER - 1, &secs) < 0) {
		return -EINVAL;
	}
	*ret = (uint32_t)secs;
	return 0;
}

static int check_lft(const char *value, char *why, size_t why_len)
{
	uint32_t lft;

	if (parse_lft(value, &lft) < 0) {
		return reject(why, why_len, "use 'forever' or a number of seconds (0 makes the "
					    "address deprecated: never chosen as a source)");
	}
	return 0;
}

static int check_netns(const char *value, char *why, size_t why_len)
{
	if (!vnfha_netns_name_is_valid(value)) {
		return reject(why, why_len, "use a name `ip netns list` shows or an absolute path "
					    "to a network namespace file");
	}
	return 0;
}

static const struct vnfha_param floatip_params[] = {
	{ .name = "ip", .type = VNFHA_PARAM_STRING, .required = true, .unique_group = "ip",
	  .check = check_ip, .shortdesc = "IPv4 or IPv6 address",
	  .longdesc = "The floating address, IPv4 (198.51.100.10) or IPv6 (2001:db8::10), "
		      "without a prefix length. As in IPaddr2." },
	{ .name = "nic", .type = VNFHA_PARAM_STRING, .check = check_nic,
	  .shortdesc = "network interface",
	  .longdesc = "The interface to put the address on. Unset: the interface whose connected "
		      "subnet contains ip, found from the routing table (an RTM_GETROUTE lookup, "
		      "as IPaddr2's findif does)." },
	{ .name = "cidr_netmask", .type = VNFHA_PARAM_STRING, .check = check_netmask,
	  .shortdesc = "prefix length",
	  .longdesc = "The prefix length (24, 64) or, for IPv4, a dotted netmask. Unset: the "
		      "prefix of the connected subnet that contains ip." },
	{ .name = "broadcast", .type = VNFHA_PARAM_STRING, .check = check_broadcast,
	  .shortdesc = "IPv4 broadcast address",
	  .longdesc = "IPv4 only. Unset or '+': computed from the prefix (none for /31 and /32); "
		      "'-': none; otherwise this address." },
	{ .name = "iflabel", .type = VNFHA_PARAM_STRING, .check = check_label,
	  .shortdesc = "interface label",
	  .longdesc = "IPv4 only: labels the address <nic>:<iflabel> (what ifconfig shows as an "
		      "alias). Ignored for IPv6, as in IPaddr2." },
	{ .name = "arp_count", .type = VNFHA_PARAM_INTEGER, .dflt = "5", .reloadable = true,
	  .min = 0, .max = 1000, .shortdesc = "announcements per burst",
	  .longdesc = "How many gratuitous ARPs (IPv4: request and reply) or unsolicited "
		      "neighbour advertisements (IPv6) start sends in each burst. 0: none." },
	{ .name = "arp_interval", .type = VNFHA_PARAM_INTEGER, .dflt = "200", .reloadable = true,
	  .min = 1, .max = 60000, .shortdesc = "milliseconds between announcements",
	  .longdesc = "Milliseconds between the announcements of a burst." },
	{ .name = "arp_count_refresh", .type = VNFHA_PARAM_INTEGER, .dflt = "0",
	  .reloadable = true, .min = 0, .max = 1000, .shortdesc = "announcements per monitor",
	  .longdesc = "How many announcements each monitor sends (both families), arp_interval "
		      "apart, to keep neighbour caches fresh. 0: none." },
	{ .name = "arp_repeat_delay", .type = VNFHA_PARAM_INTEGER, .dflt = "1000",
	  .reloadable = true, .min = 0, .max = MAX_MS, .shortdesc = "delay of the second burst",
	  .longdesc = "Milliseconds after the first burst before a second burst of arp_count "
		      "announcements, which heals caches that missed the first (a switch port "
		      "still learning, a neighbour busy). 0: no second burst." },
	{ .name = "arp_bg", .type = VNFHA_PARAM_BOOLEAN, .dflt = "true", .reloadable = true,
	  .shortdesc = "announce in the background",
	  .longdesc = "true: start returns after the first announcement and one forked child "
		      "(no exec) sends the rest. false: start sends every announcement first." },
	{ .name = "preferred_lft", .type = VNFHA_PARAM_STRING, .dflt = "forever",
	  .check = check_lft, .shortdesc = "preferred lifetime",
	  .longdesc = "Preferred lifetime of the address in seconds, or 'forever'. 0 makes it "
		      "deprecated, so the host does not pick it as the source of its own "
		      "connections." },
	{ .name = "noprefixroute", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "no prefix route",
	  .longdesc = "true: the kernel adds no route for the address's prefix "
		      "(IFA_F_NOPREFIXROUTE)." },
	{ .name = "nodad", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "IPv6: skip duplicate address detection",
	  .longdesc = "IPv6 only. false: the address is added optimistic (RFC 4429; usable at once "
		      "where net.ipv6.conf.<nic>.optimistic_dad is on) and start fails at once if "
		      "the kernel's duplicate address detection finds another holder. true: no "
		      "DAD (IFA_F_NODAD)." },
	{ .name = "dad_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "3000", .min = 100,
	  .max = 60000, .shortdesc = "IPv6: longest wait for the DAD verdict",
	  .longdesc = "IPv6 without nodad, where the kernel keeps the address tentative (no "
		      "optimistic DAD): the most milliseconds start waits for the verdict, "
		      "event-driven (it returns the moment the kernel decides)." },
	{ .name = "probe_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "1000", .min = 10,
	  .max = 60000, .reloadable = true, .shortdesc = "duplicate probe time (monitor level 10)",
	  .longdesc = "Milliseconds the OCF_CHECK_LEVEL=10 monitor listens for another host "
		      "answering its ARP probe (RFC 5227) or DAD solicitation (RFC 4862)." },
	{ .name = "network_namespace", .type = VNFHA_PARAM_STRING, .check = check_netns,
	  .shortdesc = "network namespace",
	  .longdesc = "Manage the address inside this network namespace: a name under /run/netns "
		      "(as `ip netns add` makes) or an absolute path. Entered with setns(2)." },
};

/* Depth 0: the parameters against each other, no look at the host. */
static int vip_load(struct vnfha_ocf *ocf, struct vip *v)
{
	const char *mask = vnfha_ocf_str(ocf, "cidr_netmask");
	const char *bcast = vnfha_ocf_str(ocf, "broadcast");
	const char *label = vnfha_ocf_str(ocf, "iflabel");

	memset(v, 0, sizeof(*v));
	v->ip = vnfha_ocf_str(ocf, "ip");
	v->nic = vnfha_ocf_is_set(ocf, "nic") ? vnfha_ocf_str(ocf, "nic") : NULL;
	v->netns = vnfha_ocf_is_set(ocf, "network_namespace") ?
			   vnfha_ocf_str(ocf, "network_namespace") : NULL;
	v->prefix = -1;
	if (parse_ip(v->ip, v) < 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "parameter ip='%s' is not an address", v->ip);
	}
	if (mask != NULL && vnfha_findif_parse_prefix(mask, v->family, &v->prefix) < 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter cidr_netmask='%s' does not fit ip='%s': use %s",
				      mask, v->ip,
				      v->family == AF_INET ? "0 to 32 or a dotted IPv4 netmask"
							   : "a prefix length of 0 to 128");
	}
	if (bcast != NULL && strcmp(bcast, "-") == 0) {
		v->bcast_mode = 1;
	} else if (bcast != NULL && strcmp(bcast, "+") != 0) {
		if (v->family != AF_INET) {
			return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
					      "parameter broadcast='%s' is IPv4 only but ip='%s' is "
					      "IPv6: unset broadcast",
					      bcast, v->ip);
		}
		inet_pton(AF_INET, bcast, &v->broadcast);
		v->bcast_mode = 2;
	}
	if (label != NULL && v->family == AF_INET) {
		if (v->nic != NULL && strlen(v->nic) + 1 + strlen(label) >= IF_NAMESIZE) {
			return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
					      "parameter iflabel='%s' with nic='%s' makes a label "
					      "longer than 15 characters: shorten iflabel",
					      label, v->nic);
		}
		v->label = label;
	}
	parse_lft(vnfha_ocf_str(ocf, "preferred_lft"), &v->preferred_lft);
	return OCF_SUCCESS;
}

/*
 * Why this node does not fit, as the exit reason. The code comes from the
 * errno table with this node's state as the context: a namespace,
 * interface or subnet missing here is OCF_ERR_GENERIC (the address may
 * start on another node), never OCF_ERR_CONFIGURED.
 */
static int place_error(const struct vip *v, int rc)
{
	int ocf_rc = vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST);

	switch (rc) {
	case -ENOENT:
	case -EINVAL:
		return vnfha_ocf_fail(ocf_rc,
				      "parameter network_namespace='%s' is no network namespace "
				      "here: use one `ip netns list` shows or a namespace path",
				      v->netns);
	case -ENODEV:
		return vnfha_ocf_fail(ocf_rc,
				      "parameter nic='%s' is no interface here: use one `ip link` "
				      "lists",
				      v->nic);
	case -ENETUNREACH:
		return vnfha_ocf_fail(ocf_rc,
				      "parameter ip='%s' is on no connected subnet of %s: set nic "
				      "and cidr_netmask, or use an address inside a subnet an "
				      "interface has",
				      v->ip, v->nic ? v->nic : "any interface");
	case -EXDEV:
		return vnfha_ocf_fail(ocf_rc,
				      "parameter ip='%s' is not in a subnet of nic='%s': set "
				      "cidr_netmask to put it there anyway, or unset nic",
				      v->ip, v->nic);
	default:
		return vnfha_ocf_fail(ocf_rc, "looking up where ip='%s' belongs: %s", v->ip,
				      strerror(-rc));
	}
}

/*
 * Enters the namespace, opens rtnetlink and finds the interface: where the
 * address is already, else nic, else findif. find_subnet also settles the
 * prefix for an address not yet there. 0 or -errno (see place_error).
 */
static int place_find(const struct vip *v, bool find_subnet, struct place *p)
{
	struct vnfha_link link;
	struct vnfha_findif f;
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
	if (v->nic != NULL) {
		rc = vnfha_link_get(p->nl, v->nic, 0, &link);
		if (rc < 0) {
			return rc;
		}
		nic_index = link.ifindex;
	}
	rc = vnfha_addr_find(p->nl, v->family, &v->addr, 0, &p->held);
	if (rc == 0 && nic_index != 0 && p->held.ifindex != nic_index) {
		/* Someone else's address on another interface: not ours. */
		p->elsewhere = p->held.ifindex;
		rc = -ENOENT;
	}
	if (rc == 0) {
		p->present = true;
		p->ifindex = p->held.ifindex;
		p->prefix = p->held.prefixlen;
	} else if (rc != -ENOENT) {
		return rc;
	} else if (find_subnet) {
		rc = vnfha_findif(p->nl, v->family, &v->addr, nic_index, v->prefix, &f);
		if (rc < 0) {
			return rc;
		}
		p->ifindex = f.ifindex;
		p->prefix = f.prefixlen;
	} else {
		p->ifindex = nic_index;
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

static bool link_is_up(const struct place *p)
{
	return p->ifindex > 0 && vnfha_link_is_up(&p->link);
}

static const char *announce_why(int rc)
{
	switch (rc) {
	case -ENOTSUP:
		return "the interface does no ARP/neighbour discovery";
	case -EADDRNOTAVAIL:
		return "the address is no longer local";
	case -ENETDOWN:
		return "the link is down";
	default:
		return strerror(-rc);
	}
}

/* Announces the address: count announcements, then the delayed burst. */
static void vip_announce(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p,
			 unsigned int count, unsigned int repeat_ms)
{
	struct vnfha_announce a = {
		.ifindex = p->ifindex,
		.family = v->family,
		.count = count,
		.interval_ms = (unsigned int)vnfha_ocf_int(ocf, "arp_interval"),
		.repeat_delay_ms = repeat_ms,
	};
	int rc;

	if (count == 0) {
		return;
	}
	memcpy(&a.addr, &v->addr, sizeof(a.addr));
	a.router = v->family == AF_INET6 && vnfha_announce_is_router(p->ifindex);
	rc = vnfha_ocf_bool(ocf, "arp_bg") ? vnfha_announce_start(&a, NULL)
					   : vnfha_announce_all(&a);
	if (rc < 0) {
		vnfha_log(rc == -ENOTSUP ? VNFHA_LOG_INFO : VNFHA_LOG_WARNING,
			  "%s not announced on %s: %s", v->ip, p->ifname, announce_why(rc));
	}
}

static void place_close(struct place *p)
{
	vnfha_nl_free(p->nl);
	p->nl = NULL;
}

/* Builds the address floatip adds for v on p. */
static void vip_to_addr(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p,
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
	if (v->family == AF_INET6) {
		a->flags |= vnfha_ocf_bool(ocf, "nodad") ? IFA_F_NODAD : IFA_F_OPTIMISTIC;
		return;
	}
	if (v->bcast_mode == 2) {
		a->has_broadcast = true;
		a->broadcast = v->broadcast;
	} else if (v->bcast_mode == 0) {
		a->has_broadcast = vnfha_findif_broadcast(v->addr.v4, p->prefix, &a->broadcast) == 0;
	}
	if (v->label != NULL) {
		char label[2 * IF_NAMESIZE];
		int n = snprintf(label, sizeof(label), "%s:%s", p->ifname, v->label);

		/* floatip_start checked the length for a discovered nic. */
		if (n > 0 && (size_t)n < sizeof(a->label)) {
			memcpy(a->label, label, (size_t)n + 1);
		}
	}
}

/* <nic>:<iflabel> must fit IFNAMSIZ, also for a nic findif chose. */
static int label_check(const struct vip *v, const struct place *p)
{
	if (v->label != NULL && strlen(p->ifname) + 1 + strlen(v->label) >= IF_NAMESIZE) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter iflabel='%s' on %s makes a label longer than 15 "
				      "characters: shorten iflabel",
				      v->label, p->ifname);
	}
	return OCF_SUCCESS;
}

/* IPv6 without nodad: the kernel's DAD verdict, at once when it fails. */
static int vip_dad(struct vnfha_ocf *ocf, const struct vip *v, struct place *p,
		   const struct vnfha_addr *a)
{
	unsigned int timeout = (unsigned int)vnfha_ocf_int(ocf, "dad_timeout");
	int rc = vnfha_addr_dad_wait(p->nl, a, timeout, true);

	if (rc == 0) {
		return OCF_SUCCESS;
	}
	vnfha_addr_del(p->nl, a); /* nothing half-applied */
	if (rc == -EADDRINUSE) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC,
				      "duplicate address: another host holds %s on %s (IPv6 DAD "
				      "failed); address removed",
				      v->ip, p->ifname);
	}
	if (rc == -ETIMEDOUT) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC,
				      "IPv6 DAD for %s on %s gave no verdict in %u ms; address "
				      "removed (raise dad_timeout, set nodad=true, or enable "
				      "net.ipv6.conf.%s.optimistic_dad)",
				      v->ip, p->ifname, timeout, p->ifname);
	}
	return vnfha_ocf_fail(OCF_ERR_GENERIC, "waiting for IPv6 DAD of %s on %s: %s", v->ip,
			      p->ifname, strerror(-rc));
}

static int floatip_start(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p;
	struct vnfha_addr a;
	int rc = vip_load(ocf, &v);

	if (rc != OCF_SUCCESS) {
		return rc;
	}
	rc = place_find(&v, true, &p);
	if (rc < 0) {
		rc = place_error(&v, rc);
		goto out;
	}
	if (p.present) {
		if (p.held.flags & IFA_F_DADFAILED) {
			rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
					    "duplicate address: %s is on %s but IPv6 DAD failed "
					    "(another host holds it)",
					    v.ip, p.ifname);
			goto out;
		}
		if (!link_is_up(&p)) {
			rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "%s is on %s but the link is down",
					    v.ip, p.ifname);
			goto out;
		}
		vnfha_log(VNFHA_LOG_INFO, "%s/%u is already on %s", v.ip, p.prefix, p.ifname);
		rc = OCF_SUCCESS;
		goto out;
	}
	if (p.elsewhere != 0) {
		struct vnfha_link other = { .name = "?" };

		vnfha_link_get(p.nl, NULL, p.elsewhere, &other);
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "%s is already on interface %s, not on nic=%s",
				    v.ip, other.name, p.ifname);
		goto out;
	}
	if (!link_is_up(&p)) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
				    "interface %s is down (or has no carrier): %s not added",
				    p.ifname, v.ip);
		goto out;
	}
	rc = label_check(&v, &p);
	if (rc != OCF_SUCCESS) {
		goto out;
	}
	vip_to_addr(ocf, &v, &p, &a);
	/* Subscribed before the add, so no DAD event can slip past. */
	rc = (a.flags & IFA_F_OPTIMISTIC) ? vnfha_nl_subscribe(p.nl, RTNLGRP_IPV6_IFADDR) : 0;
	if (rc < 0) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "rtnetlink subscription: %s", strerror(-rc));
		goto out;
	}
	rc = vnfha_addr_add(p.nl, &a);
	if (rc < 0 && rc != -EEXIST) {
		const char *ext = vnfha_nl_error_text(p.nl);

		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "adding %s/%u to %s: %s%s%s", v.ip, p.prefix,
				    p.ifname, strerror(-rc), ext[0] ? ": " : "", ext);
		goto out;
	}
	if (a.flags & IFA_F_OPTIMISTIC) {
		rc = vip_dad(ocf, &v, &p, &a);
		if (rc != OCF_SUCCESS) {
			goto out;
		}
	}
	vip_announce(ocf, &v, &p, (unsigned int)vnfha_ocf_int(ocf, "arp_count"),
		     (unsigned int)vnfha_ocf_int(ocf, "arp_repeat_delay"));
	vnfha_log(VNFHA_LOG_INFO, "%s/%u added to %s", v.ip, p.prefix, p.ifname);
	rc = OCF_SUCCESS;
out:
	place_close(&p);
	return rc;
}

static int floatip_stop(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p;
	int rc;

	if (vip_load(ocf, &v) != OCF_SUCCESS) {
		return OCF_SUCCESS; /* nothing we could have started */
	}
	rc = place_find(&v, false, &p);
	if (rc == -ENOENT || rc == -ENODEV) {
		vnfha_log(VNFHA_LOG_INFO, "%s is not here (%s gone): stopped", v.ip,
			  rc == -ENOENT ? "network namespace" : "interface");
		rc = OCF_SUCCESS;
		goto out;
	}
	if (rc < 0) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "stop %s: %s", v.ip, strerror(-rc));
		goto out;
	}
	if (!p.present) {
		rc = OCF_SUCCESS;
		goto out;
	}
	rc = vnfha_addr_del(p.nl, &p.held);
	if (rc < 0 && rc != -EADDRNOTAVAIL) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "deleting %s from %s: %s", v.ip, p.ifname,
				    strerror(-rc));
		goto out;
	}
	vnfha_log(VNFHA_LOG_INFO, "%s removed from %s", v.ip, p.ifname);
	rc = OCF_SUCCESS;
out:
	place_close(&p);
	return rc;
}

/* Level 10: does another host answer for the address? */
static int monitor_probe(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p)
{
	uint8_t mac[6];
	unsigned int timeout = (unsigned int)vnfha_ocf_int(ocf, "probe_timeout");
	int rc = vnfha_dup_probe(p->ifindex, v->family, &v->addr, timeout, mac);

	if (rc == -EADDRINUSE) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC,
				      "duplicate address: %s on %s is also held by "
				      "%02x:%02x:%02x:%02x:%02x:%02x",
				      v->ip, p->ifname, mac[0], mac[1], mac[2], mac[3], mac[4],
				      mac[5]);
	}
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "duplicate probe for %s on %s not done: %s", v->ip,
			  p->ifname, announce_why(rc));
	}
	return OCF_SUCCESS;
}

static int floatip_monitor(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p;
	int rc;

	if (vip_load(ocf, &v) != OCF_SUCCESS) {
		return OCF_NOT_RUNNING; /* monitor never says "configured" */
	}
	rc = place_find(&v, false, &p);
	if (rc < 0 && rc != -ENOENT && rc != -ENODEV) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "monitor %s: %s", v.ip, strerror(-rc));
		goto out;
	}
	if (rc < 0 || !p.present) {
		rc = OCF_NOT_RUNNING;
		goto out;
	}
	if (p.held.flags & IFA_F_DADFAILED) {
		rc = vnfha_ocf_fail(OCF_ERR_GENERIC,
				    "duplicate address: IPv6 DAD failed for %s on %s, another host "
				    "holds it",
				    v.ip, p.ifname);
		goto out;
	}
	if (!link_is_up(&p)) {
		vnfha_log(VNFHA_LOG_INFO, "%s is on %s but the link is down: not running", v.ip,
			  p.ifname);
		rc = OCF_NOT_RUNNING;
		goto out;
	}
	if (vnfha_ocf_check_level(ocf) >= 10) {
		rc = monitor_probe(ocf, &v, &p);
		if (rc != OCF_SUCCESS) {
			goto out;
		}
	}
	vip_announce(ocf, &v, &p, (unsigned int)vnfha_ocf_int(ocf, "arp_count_refresh"), 0);
	rc = OCF_SUCCESS;
out:
	place_close(&p);
	return rc;
}

static int floatip_validate(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p;
	int rc = vip_load(ocf, &v);

	/* OCF 1.1: depth 0 judges the parameters alone (pcs runs it anywhere). */
	if (rc != OCF_SUCCESS || vnfha_ocf_check_level(ocf) < 10) {
		return rc;
	}
	rc = place_find(&v, true, &p);
	rc = rc < 0 ? place_error(&v, rc) : label_check(&v, &p);
	place_close(&p);
	return rc;
}

static int floatip_reload_agent(struct vnfha_ocf *ocf)
{
	/* The reloadable parameters (arp_*, probe_timeout) are read by every
	 * action; nothing running holds an old copy. */
	return OCF_SUCCESS;
}

static const struct vnfha_action floatip_actions[] = {
	{ .name = "start", .handler = floatip_start, .timeout = "20s" },
	{ .name = "stop", .handler = floatip_stop, .timeout = "20s",
	  .bad_params = VNFHA_BAD_PARAMS_SUCCESS },
	{ .name = "monitor", .handler = floatip_monitor, .timeout = "20s", .interval = "10s",
	  .depth = "0", .bad_params = VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ .name = "monitor", .handler = floatip_monitor, .timeout = "20s", .interval = "60s",
	  .depth = "10", .bad_params = VNFHA_BAD_PARAMS_NOT_RUNNING },
	{ .name = "validate-all", .handler = floatip_validate, .timeout = "20s" },
	{ .name = "reload-agent", .handler = floatip_reload_agent, .timeout = "20s" },
};

static const struct vnfha_agent floatip_agent = {
	.name = "floatip",
	.version = PACKAGE_VERSION,
	.shortdesc = "floating IPv4/IPv6 address (IPaddr2-compatible, in C)",
	.longdesc = "Manages one floating IPv4 or IPv6 address over rtnetlink, with IPaddr2's "
		    "parameter names and meanings, so changing the agent name is the whole "
		    "migration. start adds the address and announces it at once (gratuitous ARP "
		    "request and reply for IPv4, unsolicited neighbour advertisements with the "
		    "Override flag for IPv6, the Router flag when the host forwards), arp_count "
		    "times arp_interval apart and again after arp_repeat_delay, from one forked "
		    "child so start returns after the first frame. IPv6 addresses are added with "
		    "nodad or optimistic: no 10 s DAD wait, and a DAD failure fails start at once. "
		    "monitor checks the address is on the interface and the link is up; at "
		    "OCF_CHECK_LEVEL=10 it also probes for another holder. No action runs a "
		    "shell or any other program.",
	.params = floatip_params,
	.n_params = sizeof(floatip_params) / sizeof(floatip_params[0]),
	.actions = floatip_actions,
	.n_actions = sizeof(floatip_actions) / sizeof(floatip_actions[0]),
};

int main(int argc, char **argv)
{
	return vnfha_ocf_main(&floatip_agent, argc, argv);
}
