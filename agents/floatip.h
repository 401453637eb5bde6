/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:vnfha:floatip, shared by its files: floatip.c (the actions),
 * floatip_vip.c (the parameter table and what the parameters say, IPaddr2's
 * forms included), floatip_place.c (where the address is or goes on this
 * host, and the loopback and address-label side work of lvs_support and
 * lvs_ipv6_addrlabel).
 */
#ifndef VNFHA_AGENT_FLOATIP_H
#define VNFHA_AGENT_FLOATIP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "announce/announce.h"
#include "net/nl.h"
#include "ocf/ocf.h"

enum vip_bcast {
	VIP_BCAST_FINDIF, /* unset: the subnet's own address's broadcast, or none (findif) */
	VIP_BCAST_ONES,	  /* '+': the prefix with the host bits set */
	VIP_BCAST_ZEROS,  /* '-': the prefix with the host bits cleared (iproute2's "brd -") */
	VIP_BCAST_GIVEN,  /* an address */
};

/* Everything the parameters say, checked against each other (depth 0). */
struct vip {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	const char *ip;
	char nic[IF_NAMESIZE];	 /* "": findif chooses */
	char label[IF_NAMESIZE]; /* IPv4: the part after "<nic>:"; "": none */
	int prefix;		 /* -1: from the routes (findif) */
	enum vip_bcast bcast;
	struct in_addr broadcast; /* VIP_BCAST_GIVEN */
	uint32_t preferred_lft;	  /* IPv6; forever for IPv4, as IPaddr2 */
	const char *netns;	  /* NULL: the caller's */
	bool lvs_support;
	bool lvs_addrlabel;
	uint32_t addrlabel;
	bool flush_routes;
	bool run_arping;
	enum vnfha_arp_kind arp_kind;
};

/* What the host adds: where the address is, or goes (start, monitor, stop). */
struct place {
	struct vnfha_nl *nl;
	int ifindex; /* the interface that holds it, or takes it; 0: none found */
	char ifname[IF_NAMESIZE];
	unsigned int prefix;
	bool nic_found;	   /* findif chose the interface (nic unset) */
	bool has_bcast;	   /* findif's broadcast */
	struct in_addr bcast;
	struct vnfha_link link; /* ifindex's, as place_find saw it */
	bool present;		/* the address is on ifindex already */
	struct vnfha_addr held;
	int elsewhere;	  /* nic set: the address is on this other interface */
	int loopback;	  /* the loopback's ifindex */
	bool on_loopback; /* lvs_support: the address is on the loopback as a /32 */
};

extern const struct vnfha_param floatip_params[];
extern const size_t floatip_n_params;

/*
 * Reads and checks the parameters (depth 0): OCF_SUCCESS or the exit
 * reason and OCF_ERR_CONFIGURED. lenient (a stop or monitor whose other
 * parameters do not validate) reads ip, nic and network_namespace alone,
 * so the address is still found and removed: OCF_ERR_ARGS when even those
 * say nothing usable.
 */
int vip_load(struct vnfha_ocf *ocf, struct vip *v, bool lenient);

/*
 * Enters the namespace, opens rtnetlink and finds where the address is,
 * or (for_start) where it goes: nic, else findif's interface; an address
 * already on a (non-loopback) interface is found wherever it is unless nic
 * pins one. 0 or -errno (place_error turns it into the exit reason);
 * without for_start a findif failure only means "nowhere".
 */
int place_find(const struct vip *v, bool for_start, struct place *p);
void place_close(struct place *p);
/* The exit reason and code for a place_find error: host-dependent
 * conditions are OCF_ERR_GENERIC or OCF_ERR_PERM (the errno table, HOST). */
int place_error(const struct vip *v, int rc);
/* <nic>:<label> must fit IFNAMSIZ: CONFIGURED for a nic the parameters
 * name, GENERIC for one findif chose on this host. */
int place_label_check(const struct vip *v, const struct place *p);
/* Builds the address start adds for v on p (IPv6: flags set by the caller). */
void place_to_addr(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p,
		   struct vnfha_addr *a);

/* lvs_support (IPv4): moves a /32 copy of the address off the loopback
 * before start adds it, remembering it as IPaddr2 does (HA_RSCTMP/<ip>);
 * puts it back after stop removed it. Logged, never fatal. */
void place_lvs_take(const struct vip *v, struct place *p);
void place_lvs_restore(const struct vip *v, struct place *p);
/* lvs_ipv6_addrlabel: the address label of the address (ip addrlabel). */
void place_addrlabel(const struct vip *v, struct place *p, bool add);

#endif
