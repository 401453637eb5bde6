/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one rtnetlink layer (STYLE.md rule 11), on libmnl: links, addresses
 * and route lookups in the caller's network namespace.
 *
 * Every request carries NLM_F_ACK; the socket is SOCK_CLOEXEC with
 * NETLINK_EXT_ACK, NETLINK_CAP_ACK and NETLINK_GET_STRICT_CHK on, replies are
 * matched on sequence number and port id, and a dump the kernel marks
 * NLM_F_DUMP_INTR is retried. When the kernel refuses a request its
 * extended-ACK text is kept for vnfha_nl_error_text().
 *
 * Messages are built and parsed by the pure functions in nl_msg.h.
 * Functions return 0 or a negative errno; out-parameters (ret_*) are written
 * only on success.
 */
#ifndef VNFHA_NL_H
#define VNFHA_NL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define VNFHA_NL_LIFE_FOREVER 0xffffffffU /* INFINITY_LIFE_TIME in if_addr.h */

struct vnfha_nl;

/* One interface, as RTM_NEWLINK reports it. */
struct vnfha_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned int flags;  /* IFF_* */
	uint8_t operstate;   /* IF_OPER_* (RFC 2863) */
	unsigned short type; /* ARPHRD_* */
};

/* One interface address (RTM_NEWADDR / RTM_DELADDR). */
struct vnfha_addr {
	int family; /* AF_INET or AF_INET6 */
	int ifindex;
	uint8_t prefixlen;
	uint8_t scope;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	bool has_broadcast; /* IPv4 only */
	struct in_addr broadcast;
	char label[IF_NAMESIZE]; /* IPv4 only; "" = none (the kernel uses the ifname) */
	uint32_t flags;		 /* IFA_F_* (IFA_FLAGS, 32 bits) */
	uint32_t preferred_lft;	 /* seconds; VNFHA_NL_LIFE_FOREVER */
	uint32_t valid_lft;
};

/* One route (RTM_NEWROUTE): a FIB entry a destination matches
 * (RTM_GETROUTE, RTM_F_FIB_MATCH) or one of a table's (a dump). */
struct vnfha_route {
	int family;
	int oif;	 /* 0: none */
	uint8_t type;	 /* RTN_* */
	uint8_t scope;	 /* RT_SCOPE_* */
	uint8_t dst_len; /* prefix length of the entry */
	uint32_t table;
	bool has_gateway;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} dst; /* RTA_DST; all zero for a default route */
	bool has_prefsrc;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} prefsrc; /* RTA_PREFSRC: the source the route prefers (the subnet's own address) */
};

/* Opens a NETLINK_ROUTE socket; NULL and errno on failure. */
struct vnfha_nl *vnfha_nl_open(void);
/* Closes it; NULL is fine. */
void vnfha_nl_free(struct vnfha_nl *nl);
/* Joins a multicast group (RTNLGRP_*); events are read by the waiters. */
int vnfha_nl_subscribe(struct vnfha_nl *nl, unsigned int group);
/* The kernel's extended-ACK text for the last refused request, or "". */
const char *vnfha_nl_error_text(const struct vnfha_nl *nl);

/* Looks up one link by name (ifindex 0) or by index (name NULL).
 * -ENODEV when there is none. */
int vnfha_link_get(struct vnfha_nl *nl, const char *name, int ifindex,
		   struct vnfha_link *ret_link);
/* Administratively up and with carrier (IFF_UP and IFF_RUNNING). */
bool vnfha_link_is_up(const struct vnfha_link *link);

/* Adds a->addr/prefixlen on a->ifindex with a->flags (IFA_F_NODAD,
 * IFA_F_OPTIMISTIC, IFA_F_NOPREFIXROUTE), broadcast, label and lifetimes.
 * -EEXIST when it is there already. */
int vnfha_addr_add(struct vnfha_nl *nl, const struct vnfha_addr *a);
/* Deletes it; -EADDRNOTAVAIL when it is not there. */
int vnfha_addr_del(struct vnfha_nl *nl, const struct vnfha_addr *a);
/* Finds addr (family AF_INET/AF_INET6) on ifindex, or on any interface
 * when ifindex is 0. -ENOENT when absent. */
int vnfha_addr_find(struct vnfha_nl *nl, int family, const void *addr, int ifindex,
		    struct vnfha_addr *ret_addr);
/* The same on any interface but skip_ifindex (the first holder in the
 * kernel's order). -ENOENT when no other interface holds it. */
int vnfha_addr_find_other(struct vnfha_nl *nl, int family, const void *addr, int skip_ifindex,
			  struct vnfha_addr *ret_addr);

/* IPv6 address label (RFC 6724 policy table, `ip addrlabel`) for
 * prefix/prefixlen on every interface: add (-EEXIST when there is one for
 * the prefix already) or delete (-ESRCH when there is none). */
int vnfha_addrlabel_add(struct vnfha_nl *nl, const struct in6_addr *prefix, uint8_t prefixlen,
			uint32_t label);
int vnfha_addrlabel_del(struct vnfha_nl *nl, const struct in6_addr *prefix, uint8_t prefixlen,
			uint32_t label);

/*
 * Waits for the IPv6 duplicate address detection verdict on a (RFC 4862
 * §5.4) without polling: nl must have joined RTNLGRP_IPV6_IFADDR before the
 * address was added. Returns 0 as soon as the address is usable (DAD done,
 * or IFA_F_OPTIMISTIC when optimistic_ok), -EADDRINUSE at once when the
 * kernel marks it IFA_F_DADFAILED, -EADDRNOTAVAIL if it disappears,
 * -ETIMEDOUT after timeout_ms.
 */
int vnfha_addr_dad_wait(struct vnfha_nl *nl, const struct vnfha_addr *a, unsigned int timeout_ms,
			bool optimistic_ok);

/* Which FIB entry would carry traffic to dst (RTM_F_FIB_MATCH).
 * -ENETUNREACH when no route matches. */
int vnfha_route_get(struct vnfha_nl *nl, int family, const void *dst,
		    struct vnfha_route *ret_route);

/* Calls cb for every route of one family in one table (RT_TABLE_MAIN,
 * RT_TABLE_LOCAL...), in the kernel's order; cb returns 0 to go on or a
 * negative errno to stop (returned). A dump the kernel interrupts
 * (NLM_F_DUMP_INTR) is asked again after reset(data). */
int vnfha_route_dump(struct vnfha_nl *nl, int family, uint32_t table,
		     int (*cb)(const struct vnfha_route *r, void *data), void (*reset)(void *data),
		     void *data);

/* Flushes the family's routing cache in the caller's network namespace
 * (what `ip route flush cache` does: net.ipv4.route.flush or
 * net.ipv6.route.flush): sockets drop the routes they cached. */
int vnfha_route_flush_cache(int family);

/* Moves the calling thread into a network namespace: a name under
 * /run/netns (as `ip netns` makes them) or an absolute path. -ENOENT when it
 * does not exist, -EINVAL when it is not a network namespace. */
int vnfha_netns_enter(const char *name);
/* True when name is a syntactically valid namespace name or path. */
bool vnfha_netns_name_is_valid(const char *name);

#endif
