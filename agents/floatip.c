// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ocf:vnfha:floatip — a floating IPv4 or IPv6 address, the C successor of
 * resource-agents' IPaddr2: every IPaddr2 parameter with IPaddr2's meaning,
 * or refused with what to use instead (floatip_vip.c).
 *
 *   start    finds the interface and prefix (nic / cidr_netmask, else the
 *            routes, as findif does), checks for another holder first
 *            (IPv6 without nodad: its own DAD probe; IPv4 with run_arping:
 *            ARP probes), adds the address over rtnetlink, usable at once,
 *            and announces it in-process (gratuitous ARP / unsolicited NA);
 *            the rest of the burst and a second, delayed burst come from one
 *            forked child, so start returns after the first frame.
 *   stop     deletes the address, wherever this host holds it (a label
 *            IPaddr2 gave it included); absent is success.
 *   monitor  the address is on the interface and the link is up (level 0);
 *            level 10 adds a duplicate-address probe (RFC 5227 / RFC 4862).
 *
 * No action forks a shell or execs anything; network_namespace is entered
 * with setns(2).
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "floatip.h"
#include "ocf/ocf_cluster.h"

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
		.arp_kind = v->arp_kind,
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

/*
 * Before the add: does another host answer for the address? IPv6 without
 * nodad (floatip's own DAD, so the kernel's 1-2 s wait is not on the
 * failover path) and IPv4 with run_arping. *ret_probed is false when the
 * link cannot be probed (not Ethernet): IPv6 then gets the kernel's DAD.
 */
static int start_probe(struct vnfha_ocf *ocf, const struct vip *v, const struct place *p,
		       bool *ret_probed)
{
	bool ipv6 = v->family == AF_INET6 && !vnfha_ocf_bool(ocf, "nodad");
	unsigned int timeout = (unsigned int)vnfha_ocf_int(ocf, ipv6 ? "dad_timeout"
								     : "probe_timeout");
	uint8_t mac[6];
	int rc;

	*ret_probed = false;
	if (!ipv6 && !v->run_arping) {
		return OCF_SUCCESS;
	}
	rc = vnfha_dup_probe(p->ifindex, v->family, &v->addr, timeout, mac);
	if (rc == -EADDRINUSE) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC,
				      "duplicate address: %02x:%02x:%02x:%02x:%02x:%02x answers for "
				      "%s on %s (%s); not added",
				      mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], v->ip, p->ifname,
				      ipv6 ? "IPv6 DAD" : "ARP probe");
	}
	if (rc == -ENOTSUP) {
		vnfha_log(VNFHA_LOG_INFO, "%s: no duplicate probe on %s (%s)", v->ip, p->ifname,
			  announce_why(rc));
		return OCF_SUCCESS;
	}
	if (rc < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "duplicate probe for %s on %s: %s", v->ip,
				      p->ifname, strerror(-rc));
	}
	*ret_probed = true;
	return OCF_SUCCESS;
}

/* IPv6 on a link floatip could not probe: the kernel's DAD verdict, at
 * once when it fails, within the start's own timeout. */
static int start_kernel_dad(const struct vip *v, struct place *p, const struct vnfha_addr *a)
{
	unsigned int budget = vnfha_ocf_budget_ms();
	int rc = vnfha_addr_dad_wait(p->nl, a, budget, true);

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
	return vnfha_ocf_fail(OCF_ERR_GENERIC, "IPv6 DAD of %s on %s: %s in %u ms; address removed",
			      v->ip, p->ifname, rc == -ETIMEDOUT ? "no verdict" : strerror(-rc),
			      budget);
}

/* What start finds already there: running, or why not. */
static int start_present(const struct vip *v, const struct place *p)
{
	if (p->held.flags & IFA_F_DADFAILED) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC,
				      "duplicate address: %s is on %s but IPv6 DAD failed (another "
				      "host holds it)",
				      v->ip, p->ifname);
	}
	if (!link_is_up(p)) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "%s is on %s but the link is down", v->ip,
				      p->ifname);
	}
	vnfha_log(VNFHA_LOG_INFO, "%s/%u is already on %s", v->ip, p->prefix, p->ifname);
	return OCF_SUCCESS;
}

/* Adds the address found free; IPv6 usable at once unless unprobed. */
static int start_add(struct vnfha_ocf *ocf, const struct vip *v, struct place *p, bool probed)
{
	struct vnfha_addr a;
	bool kernel_dad = v->family == AF_INET6 && !probed && !vnfha_ocf_bool(ocf, "nodad");
	int rc;

	place_to_addr(ocf, v, p, &a);
	if (v->family == AF_INET6) {
		a.flags |= kernel_dad ? IFA_F_OPTIMISTIC : IFA_F_NODAD;
	}
	/* Subscribed before the add, so no DAD event can slip past. */
	rc = kernel_dad ? vnfha_nl_subscribe(p->nl, RTNLGRP_IPV6_IFADDR) : 0;
	if (rc < 0) {
		return vnfha_ocf_fail(OCF_ERR_GENERIC, "rtnetlink subscription: %s", strerror(-rc));
	}
	place_addrlabel(v, p, true);
	rc = vnfha_addr_add(p->nl, &a);
	if (rc < 0 && rc != -EEXIST) {
		const char *ext = vnfha_nl_error_text(p->nl);

		return vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST),
				      "adding %s/%u to %s: %s%s%s", v->ip, p->prefix, p->ifname,
				      strerror(-rc), ext[0] ? ": " : "", ext);
	}
	return kernel_dad ? start_kernel_dad(v, p, &a) : OCF_SUCCESS;
}

static int floatip_start(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p = { 0 };
	bool probed = false;
	int rc = vip_load(ocf, &v, false);

	if (rc != OCF_SUCCESS) {
		return rc;
	}
	rc = place_find(&v, true, &p);
	if (rc < 0) {
		rc = place_error(&v, rc);
		goto out;
	}
	if (p.present) {
		rc = start_present(&v, &p);
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
	rc = place_label_check(&v, &p);
	if (rc == OCF_SUCCESS) {
		rc = start_probe(ocf, &v, &p, &probed);
	}
	if (rc != OCF_SUCCESS) {
		goto out;
	}
	place_lvs_take(&v, &p);
	rc = start_add(ocf, &v, &p, probed);
	if (rc != OCF_SUCCESS) {
		goto out;
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
	struct place p = { 0 };
	int rc;

	/* Whatever else the parameters say, an address of ours goes. */
	if (vip_load(ocf, &v, true) != OCF_SUCCESS) {
		return OCF_SUCCESS; /* no address we could have started */
	}
	rc = place_find(&v, false, &p);
	if (rc == -ENOENT || rc == -ENODEV) {
		vnfha_log(VNFHA_LOG_INFO, "%s is not here (%s gone): stopped", v.ip,
			  rc == -ENOENT ? "network namespace" : "interface");
		rc = OCF_SUCCESS;
		goto out;
	}
	if (rc < 0) {
		rc = vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST), "stop %s: %s", v.ip,
				    strerror(-rc));
		goto out;
	}
	if (p.present) {
		rc = vnfha_addr_del(p.nl, &p.held);
		if (rc < 0 && rc != -EADDRNOTAVAIL) {
			rc = vnfha_ocf_fail(OCF_ERR_GENERIC, "deleting %s from %s: %s", v.ip,
					    p.ifname, strerror(-rc));
			goto out;
		}
		vnfha_log(VNFHA_LOG_INFO, "%s removed from %s", v.ip, p.ifname);
		rc = v.flush_routes ? vnfha_route_flush_cache(v.family) : 0;
		if (rc < 0) {
			vnfha_log(VNFHA_LOG_WARNING, "flush_routes: %s", strerror(-rc));
		}
		place_addrlabel(&v, &p, false);
	}
	place_lvs_restore(&v, &p);
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
	if (rc < 0 && rc != -ENOTSUP) {
		vnfha_log(VNFHA_LOG_WARNING, "duplicate probe for %s on %s not done: %s", v->ip,
			  p->ifname, announce_why(rc));
	}
	return OCF_SUCCESS;
}

static int floatip_monitor(struct vnfha_ocf *ocf)
{
	struct vip v;
	struct place p = { 0 };
	int rc;

	/* The address's state whatever else the parameters say: a monitor
	 * that hid an address of ours would let it run on two nodes. */
	if (vip_load(ocf, &v, true) != OCF_SUCCESS) {
		return OCF_NOT_RUNNING; /* no address we could have started */
	}
	rc = place_find(&v, false, &p);
	if (rc < 0 && rc != -ENOENT && rc != -ENODEV) {
		rc = vnfha_ocf_fail(vnfha__ocf_from_errno(rc, VNFHA__OCF_HOST), "monitor %s: %s",
				    v.ip, strerror(-rc));
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
	if (!vnfha_ocf_params_ok(ocf)) {
		vnfha_log(VNFHA_LOG_ERR, "%s is running, but start would refuse its parameters: %s",
			  v.ip, vnfha_ocf_params_error(ocf));
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
	struct place p = { 0 };
	int rc = vip_load(ocf, &v, false);

	/* OCF 1.1: depth 0 judges the parameters alone (pcs runs it anywhere). */
	if (rc != OCF_SUCCESS || vnfha_ocf_check_level(ocf) < 10) {
		return rc;
	}
	rc = place_find(&v, true, &p);
	rc = rc < 0 ? place_error(&v, rc) : place_label_check(&v, &p);
	place_close(&p);
	return rc;
}

static int floatip_reload_agent(struct vnfha_ocf *ocf)
{
	/* The reloadable parameters (arp_*, probe and DAD times) are read by
	 * every action; nothing running holds an old copy. */
	return OCF_SUCCESS;
}

static const struct vnfha_action floatip_actions[] = {
	{ .name = "start", .handler = floatip_start, .timeout = "20s" },
	{ .name = "stop", .handler = floatip_stop, .timeout = "20s",
	  .bad_params = VNFHA_BAD_PARAMS_CALL },
	{ .name = "monitor", .handler = floatip_monitor, .timeout = "20s", .interval = "10s",
	  .depth = "0", .bad_params = VNFHA_BAD_PARAMS_CALL },
	{ .name = "monitor", .handler = floatip_monitor, .timeout = "20s", .interval = "60s",
	  .depth = "10", .bad_params = VNFHA_BAD_PARAMS_CALL },
	{ .name = "status", .handler = floatip_monitor, .timeout = "20s",
	  .bad_params = VNFHA_BAD_PARAMS_CALL },
	{ .name = "validate-all", .handler = floatip_validate, .timeout = "20s" },
	{ .name = "reload-agent", .handler = floatip_reload_agent, .timeout = "20s" },
};

static const struct vnfha_agent floatip_agent = {
	.name = "floatip",
	.version = PACKAGE_VERSION,
	.shortdesc = "floating IPv4/IPv6 address (IPaddr2-compatible, in C)",
	.longdesc =
		"Manages one floating IPv4 or IPv6 address over rtnetlink, with every parameter of "
		"ocf:heartbeat:IPaddr2 in IPaddr2's meaning or refused with what to use instead, so "
		"changing the agent of an IPaddr2 resource is the whole migration: an address "
		"IPaddr2 added (with a label too) is found, monitored and removed. The interface "
		"and prefix are chosen as IPaddr2's findif chooses them. start checks that no other "
		"host holds the address (IPv6: floatip's own duplicate address detection, "
		"dad_timeout ms, then the address is usable at once), adds it and announces it at "
		"once (gratuitous ARP request and reply for IPv4, unsolicited neighbour "
		"advertisements with the Override flag for IPv6, the Router flag when the host "
		"forwards), arp_count times arp_interval apart and again after arp_repeat_delay, "
		"from one forked child so start returns after the first frame. monitor checks the "
		"address is on the interface and the link is up; at OCF_CHECK_LEVEL=10 it also "
		"probes for another holder. No action runs a shell or any other program. floatip "
		"never runs as a clone. It runs unchanged on Pacemaker Remote and guest nodes: it "
		"needs only the node's own kernel, no Corosync and no name resolution.\n\n"
		"Differences from IPaddr2 that remain:\n\n"
		"- Clones and CLUSTERIP: refused (validate-all and start, OCF_ERR_CONFIGURED), with "
		"mac, clusterip_hash (but its default) and unique_clone_address=true.\n\n"
		"- IPv6 duplicate address detection: floatip probes for dad_timeout (200 ms) and "
		"adds the address with nodad; IPaddr2 leaves it to the kernel (1 to 2 s, waiting "
		"up to 10 s). IPv4 run_arping listens probe_timeout (1 s) instead of arping's "
		"two probes in up to 3 s.\n\n"
		"- ARP: no program runs; arp_sender and send_arp_opts choose which frames go out "
		"(send_arp's request and reply, arping's requests, or replies); only the listed "
		"send_arp_opts are taken. arp_sender=ipoibarping is refused: floatip announces on "
		"Ethernet only (on other links it adds the address and announces nothing).\n\n"
		"- Announcements: arp_bg defaults to true for IPv6 too; a second burst follows "
		"after arp_repeat_delay; arp_count=0 (none) is taken; arp_count_refresh applies to "
		"IPv6 too; arp_interval is at most 60000.\n\n"
		"- Exit codes for what depends on the node: a nic this node lacks, a label too "
		"long for the interface findif chose here, a missing network namespace are "
		"OCF_ERR_GENERIC, so the address can start on another node (IPaddr2: "
		"OCF_ERR_CONFIGURED for the first two, which stops the resource on every "
		"node).\n\n"
		"- Links: start does not set the interface up and fails on a link that is down or "
		"has no carrier; monitor then says not running, so the address moves (IPaddr2 sets "
		"the link up and ignores carrier).\n\n"
		"- An address already on this host counts as running whatever its prefix length "
		"and, nic unset, on whatever interface holds it; with nic set, an address on "
		"another interface fails start (IPaddr2 adds a second copy).\n\n"
		"- findif: the IPv4 broadcast comes from the source address the route prefers "
		"(findif reads a fixed column of `ip route`); only unicast routes with an interface "
		"are candidates; a route through a gateway tells no interface unless nic does.\n\n"
		"- flush_routes flushes the address's family's routing cache (IPaddr2: IPv4's "
		"always). lvs_support does not delete a main-table route to the address via lo "
		"(there is normally none), and puts the loopback copy back at every stop that "
		"finds it remembered.\n\n"
		"- monitor and stop act on ip, nic and network_namespace even when other parameters "
		"do not validate (monitor logs why start would refuse them); parameters floatip "
		"does not know are logged, not ignored silently.\n\n"
		"- floatip only: arp_repeat_delay, dad_timeout, probe_timeout, the depth-10 "
		"monitor, network_namespace as an absolute path, reload-agent.",
	.params = floatip_params,
	.actions = floatip_actions,
	.n_actions = sizeof(floatip_actions) / sizeof(floatip_actions[0]),
};

int main(int argc, char **argv)
{
	struct vnfha_agent agent = floatip_agent;

	agent.n_params = floatip_n_params;
	return vnfha_ocf_main(&agent, argc, argv);
}
