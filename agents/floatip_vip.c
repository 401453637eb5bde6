// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floatip's parameters: IPaddr2's, each with IPaddr2's meaning or refused
 * with what to use instead, and floatip's own (floatip.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floatip.h"
#include "common/argv_split.h"
#include "common/parse.h"
#include "net/findif.h"
#include "ocf/ocf_clone.h"

#define MAX_MS 3600000L

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

/* An interface name or a label part: no blanks, controls or '/'. */
static bool name_chars_ok(const char *s, bool colon_ok)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == '/' || *s == 0x7f || (!colon_ok && *s == ':')) {
			return false;
		}
	}
	return true;
}

/* nic is "<interface>" or, as IPaddr2 takes it, "<interface>:<label>". */
static int split_nic(const char *value, char *base, char *label)
{
	const char *colon = strchr(value, ':');
	size_t n = colon ? (size_t)(colon - value) : strlen(value);

	if (n == 0 || n >= IF_NAMESIZE || (colon != NULL && colon[1] == '\0') ||
	    (colon != NULL && strlen(value) >= IF_NAMESIZE) || !name_chars_ok(value, true)) {
		return -EINVAL;
	}
	memcpy(base, value, n);
	base[n] = '\0';
	label[0] = '\0';
	if (colon != NULL) {
		snprintf(label, IF_NAMESIZE, "%s", colon + 1);
	}
	return 0;
}

static int check_nic(const char *value, char *why, size_t why_len)
{
	char base[IF_NAMESIZE], label[IF_NAMESIZE];

	if (split_nic(value, base, label) < 0) {
		return reject(why, why_len,
			      "use an interface name as `ip link` lists it (eth0), or with a label "
			      "as IPaddr2 takes it (eth0:1, 15 characters at most), without '/' "
			      "or spaces");
	}
	return 0;
}

static int check_netmask(const char *value, char *why, size_t why_len)
{
	int prefix = 0;

	/* The family is checked against ip in vip_load(). */
	if ((vnfha_findif_parse_prefix(value, AF_INET6, &prefix) < 0 &&
	     vnfha_findif_parse_prefix(value, AF_INET, &prefix) < 0) ||
	    prefix == 0) {
		return reject(why, why_len, "use a prefix length (1 to 32 for IPv4, 1 to 128 for "
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
	return reject(why, why_len, "use an IPv4 address, '+' (host bits set) or '-' (host bits "
				    "cleared)");
}

static int check_label(const char *value, char *why, size_t why_len)
{
	if (strlen(value) > IF_NAMESIZE - 3 || !name_chars_ok(value, true)) {
		return reject(why, why_len, "use 1 to 13 characters without '/' or spaces; the "
					    "label becomes <nic>:<iflabel>, at most 15 characters");
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

/*
 * send_arp_opts as IPaddr2 hands them to its arp_sender: floatip sends the
 * frames itself and takes the options that choose which frames, and the
 * ones IPaddr2's own arguments override (count, interval) or that change
 * nothing here; any other is refused by name.
 */
struct arp_opt {
	const char *word;
	bool takes_value;
	int kind; /* -1: no effect; else the enum vnfha_arp_kind it selects */
};

static const struct arp_opt send_arp_opts_send_arp[] = {
	{ "-i", true, -1 }, { "-r", true, -1 }, { "-p", true, -1 }, { NULL, false, -1 },
};
static const struct arp_opt send_arp_opts_iputils[] = {
	{ "-A", false, VNFHA_ARP_REPLY }, { "-U", false, -1 }, { "-q", false, -1 },
	{ "-b", false, -1 },		  { "-c", true, -1 },  { "-w", true, -1 },
	{ NULL, false, -1 },
};
static const struct arp_opt send_arp_opts_libnet[] = {
	{ "-P", false, VNFHA_ARP_REPLY }, { "-U", false, -1 }, { "-q", false, -1 },
	{ "-c", true, -1 },		  { NULL, false, -1 },
};

static const char *const arp_senders[] = { "send_arp", "iputils_arping", "libnet_arping",
					   "ipoibarping", NULL };

static int check_arp_opts(const char *value, char *why, size_t why_len)
{
	char **argv = NULL;
	size_t argc = 0;
	int rc = vnfha__argv_split(value, &argv, &argc);

	vnfha__argv_free(argv);
	if (rc < 0) {
		return reject(why, why_len, "use options separated by blanks, quotes closed");
	}
	return 0;
}

/* The frames the options choose for sender, or the reason one is refused. */
static int parse_arp_opts(const char *sender, const char *opts, enum vnfha_arp_kind *ret_kind)
{
	const struct arp_opt *table = send_arp_opts_send_arp;
	enum vnfha_arp_kind kind = VNFHA_ARP_REQUEST_REPLY; /* send_arp's request + reply */
	char **argv = NULL;
	size_t argc = 0;
	int rc = OCF_SUCCESS;

	if (strcmp(sender, "iputils_arping") == 0 || strcmp(sender, "libnet_arping") == 0) {
		/* IPaddr2 runs both with -U: unsolicited requests. */
		table = sender[0] == 'i' ? send_arp_opts_iputils : send_arp_opts_libnet;
		kind = VNFHA_ARP_REQUEST;
	}
	if (opts != NULL && vnfha__argv_split(opts, &argv, &argc) < 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "parameter send_arp_opts='%s' does not "
							  "split into options", opts);
	}
	for (size_t i = 0; i < argc && rc == OCF_SUCCESS; i++) {
		const struct arp_opt *o = table;

		while (o->word != NULL && strcmp(o->word, argv[i]) != 0) {
			o++;
		}
		if (o->word == NULL || (o->takes_value && i + 1 >= argc)) {
			rc = vnfha_ocf_fail(OCF_ERR_CONFIGURED,
					    "parameter send_arp_opts='%s': floatip sends the ARP "
					    "frames itself and does not take '%s' for arp_sender=%s; "
					    "it takes %s: remove '%s'",
					    opts, argv[i], sender,
					    table == send_arp_opts_send_arp ? "-i N, -r N, -p FILE"
					    : table == send_arp_opts_iputils
						    ? "-A (replies), -U, -q, -b, -c N, -w N"
						    : "-P (replies), -U, -q, -c N",
					    argv[i]);
			break;
		}
		if (o->kind >= 0) {
			kind = (enum vnfha_arp_kind)o->kind;
		}
		i += o->takes_value ? 1 : 0;
	}
	vnfha__argv_free(argv);
	if (rc == OCF_SUCCESS) {
		*ret_kind = kind;
	}
	return rc;
}

#define CLUSTERIP_FIX                                                                         \
	"floatip manages one address on one node and has no CLUSTERIP load sharing "         \
	"(iptables CLUSTERIP, gone from current kernels): share load with ocf:vnfha:lbmember " \
	"behind HAProxy, or keep ocf:heartbeat:IPaddr2 for this resource"

const struct vnfha_param floatip_params[] = {
	{ .name = "ip", .type = VNFHA_PARAM_STRING, .required = true, .unique_group = "ip",
	  .check = check_ip, .shortdesc = "IPv4 or IPv6 address",
	  .longdesc = "The floating address, IPv4 (198.51.100.10) or IPv6 (2001:db8::10), "
		      "without a prefix length. As in IPaddr2." },
	{ .name = "nic", .type = VNFHA_PARAM_STRING, .check = check_nic,
	  .shortdesc = "network interface",
	  .longdesc = "The interface to put the address on. Unset: chosen from the routing table "
		      "as IPaddr2's findif chooses it (the longest-prefix connected route of the "
		      "main table that holds ip; the loopback for 127.0.0.0/8). As in IPaddr2, "
		      "<interface>:<label> (eth0:1) is taken too and gives the label, and iflabel "
		      "then has no effect. Required for an IPv6 link-local address." },
	{ .name = "cidr_netmask", .type = VNFHA_PARAM_STRING, .check = check_netmask,
	  .alias = "netmask", .shortdesc = "prefix length",
	  .longdesc = "The prefix length (24, 64) or, for IPv4, a dotted netmask. Unset: the "
		      "prefix of the route findif chose. IPaddr2's old name netmask is read when "
		      "cidr_netmask is unset." },
	{ .name = "broadcast", .type = VNFHA_PARAM_STRING, .check = check_broadcast,
	  .shortdesc = "IPv4 broadcast address",
	  .longdesc = "IPv4 only. Unset: the broadcast address of the subnet's own address (the "
		      "source the chosen route prefers), none when it has none, as IPaddr2. '+': "
		      "the prefix with the host bits set; '-': with the host bits cleared (none "
		      "for /31 and /32); otherwise this address." },
	{ .name = "iflabel", .type = VNFHA_PARAM_STRING, .check = check_label,
	  .shortdesc = "interface label",
	  .longdesc = "IPv4 only: labels the address <nic>:<iflabel> (what ifconfig shows as an "
		      "alias), at most 15 characters in all. No effect when nic has a label, and "
		      "for IPv6, as in IPaddr2." },
	{ .name = "lvs_support", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "LVS direct routing support",
	  .longdesc = "IPv4 only, as in IPaddr2: an LVS-DR director whose address is also on the "
		      "loopback as a /32 (to serve it locally while standby). start moves it off "
		      "the loopback (remembered in HA_RSCTMP, /run/resource-agents, as IPaddr2 "
		      "does) before adding it to nic; stop puts it back on the loopback. For "
		      "IPv6 use lvs_ipv6_addrlabel." },
	{ .name = "lvs_ipv6_addrlabel", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "IPv6 address label for LVS-DR",
	  .longdesc = "IPv6 only, as in IPaddr2: start gives the address the address label "
		      "lvs_ipv6_addrlabel_value (RFC 6724 policy table, `ip addrlabel`), so the "
		      "host does not choose it as the source of its own traffic (LVS-DR health "
		      "checks); stop removes the label." },
	{ .name = "lvs_ipv6_addrlabel_value", .type = VNFHA_PARAM_INTEGER, .dflt = "99",
	  .min = 0, .max = 2147483647, .shortdesc = "IPv6 address label value",
	  .longdesc = "The label lvs_ipv6_addrlabel gives: one not used in `ip addrlabel list`." },
	{ .name = "mac", .type = VNFHA_PARAM_STRING, .refused = CLUSTERIP_FIX,
	  .shortdesc = "IPaddr2's CLUSTERIP MAC address (not supported)",
	  .longdesc = "IPaddr2's multicast MAC address of a cloned (CLUSTERIP) address. floatip "
		      "refuses it." },
	{ .name = "clusterip_hash", .type = VNFHA_PARAM_STRING, .dflt = "sourceip-sourceport",
	  .refused = CLUSTERIP_FIX, .shortdesc = "IPaddr2's CLUSTERIP hash (not supported)",
	  .longdesc = "IPaddr2's hashing of a cloned (CLUSTERIP) address. floatip refuses any "
		      "value but IPaddr2's default, which does nothing without a clone." },
	{ .name = "unique_clone_address", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .refused = "floatip never runs as a clone: make one floatip resource per address",
	  .shortdesc = "IPaddr2's per-clone addresses (not supported)",
	  .longdesc = "IPaddr2's address per clone instance. floatip refuses true." },
	{ .name = "arp_count", .type = VNFHA_PARAM_INTEGER, .dflt = "5", .reloadable = true,
	  .min = 0, .max = 1000, .shortdesc = "announcements per burst",
	  .longdesc = "How many gratuitous ARPs (IPv4) or unsolicited neighbour advertisements "
		      "(IPv6) start sends in each burst. 0: none (IPaddr2 refuses 0)." },
	{ .name = "arp_interval", .type = VNFHA_PARAM_INTEGER, .dflt = "200", .reloadable = true,
	  .min = 1, .max = 60000, .shortdesc = "milliseconds between announcements",
	  .longdesc = "Milliseconds between the announcements of a burst." },
	{ .name = "arp_count_refresh", .type = VNFHA_PARAM_INTEGER, .dflt = "0",
	  .reloadable = true, .min = 0, .max = 1000, .shortdesc = "announcements per monitor",
	  .longdesc = "How many announcements each monitor sends, arp_interval apart, to keep "
		      "neighbour caches fresh (IPaddr2: IPv4 only; floatip: both families). "
		      "0: none." },
	{ .name = "arp_repeat_delay", .type = VNFHA_PARAM_INTEGER, .dflt = "1000",
	  .reloadable = true, .min = 0, .max = MAX_MS, .shortdesc = "delay of the second burst",
	  .longdesc = "floatip only. Milliseconds after the first burst before a second burst of "
		      "arp_count announcements, which heals caches that missed the first (a "
		      "switch port still learning, a neighbour busy). 0: no second burst." },
	{ .name = "arp_bg", .type = VNFHA_PARAM_BOOLEAN, .dflt = "true", .reloadable = true,
	  .shortdesc = "announce in the background",
	  .longdesc = "true: start returns after the first announcement and one forked child "
		      "(no exec) sends the rest. false: start sends every announcement first. "
		      "(IPaddr2's default is false for IPv6.)" },
	{ .name = "arp_sender", .type = VNFHA_PARAM_SELECT, .options = arp_senders,
	  .shortdesc = "which ARP frames (IPaddr2's ARP program)",
	  .longdesc = "IPv4. IPaddr2's choice of program; floatip sends the frames itself, the "
		      "ones that program sends: unset or send_arp, an ARP request and a reply per "
		      "announcement; iputils_arping or libnet_arping, requests (replies with "
		      "send_arp_opts -A / -P). ipoibarping (InfiniBand) is refused: floatip "
		      "announces on Ethernet only." },
	{ .name = "send_arp_opts", .type = VNFHA_PARAM_STRING, .check = check_arp_opts,
	  .shortdesc = "options of arp_sender",
	  .longdesc = "IPv4. IPaddr2's extra options for arp_sender: -A (iputils_arping) and -P "
		      "(libnet_arping) make the announcements ARP replies; the options IPaddr2's "
		      "own arguments override (count, interval, pid file) or that change nothing "
		      "here (-U, -q, -b, -w) are taken; any other is refused by name." },
	{ .name = "flush_routes", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "flush the routing cache on stop",
	  .longdesc = "As in IPaddr2: after stop removed the address, flush the routing cache "
		      "(`ip route flush cache`; floatip flushes the address's family's), so local "
		      "sockets stop using routes through the address at once." },
	{ .name = "run_arping", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "IPv4 duplicate check before start",
	  .longdesc = "IPv4, as in IPaddr2: before adding the address, start sends ARP probes "
		      "(RFC 5227) and listens probe_timeout ms; another host answering fails "
		      "start. (IPv6 is always checked first, see dad_timeout.)" },
	{ .name = "preferred_lft", .type = VNFHA_PARAM_STRING, .dflt = "forever",
	  .check = check_lft, .shortdesc = "IPv6 preferred lifetime",
	  .longdesc = "IPv6, as in IPaddr2: preferred lifetime of the address in seconds, or "
		      "'forever'. 0 makes it deprecated, so the host does not pick it as the "
		      "source of its own connections." },
	{ .name = "noprefixroute", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "no prefix route",
	  .longdesc = "true: the kernel adds no route for the address's prefix "
		      "(IFA_F_NOPREFIXROUTE)." },
	{ .name = "nodad", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .shortdesc = "IPv6: skip duplicate address detection",
	  .longdesc = "IPv6 only. false: before adding the address, start runs duplicate address "
		      "detection itself (see dad_timeout) and fails if another host holds it, "
		      "then adds it usable at once (IFA_F_NODAD: no kernel DAD wait of 1 to 2 s "
		      "on the failover path). true: no duplicate check at all." },
	{ .name = "dad_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "200", .min = 10,
	  .max = 60000, .reloadable = true, .shortdesc = "IPv6: duplicate address detection time",
	  .longdesc = "floatip only. IPv6 without nodad: milliseconds start listens for another "
		      "host answering its duplicate address detection (three neighbour "
		      "solicitations from ::, RFC 4862 5.4, in the first two thirds) before it "
		      "adds the address. A link floatip cannot probe (not Ethernet) gets the "
		      "kernel's own DAD, whose verdict start waits for." },
	{ .name = "probe_timeout", .type = VNFHA_PARAM_INTEGER, .dflt = "1000", .min = 10,
	  .max = 60000, .reloadable = true, .shortdesc = "duplicate probe time",
	  .longdesc = "floatip only. Milliseconds the OCF_CHECK_LEVEL=10 monitor, and start with "
		      "run_arping, listen for another host answering their ARP probe (RFC 5227) "
		      "or DAD solicitation (RFC 4862)." },
	{ .name = "network_namespace", .type = VNFHA_PARAM_STRING, .check = check_netns,
	  .shortdesc = "network namespace",
	  .longdesc = "Manage the address inside this network namespace: a name under /run/netns "
		      "(as `ip netns add` makes) or an absolute path. Entered with setns(2)." },
};

const size_t floatip_n_params = sizeof(floatip_params) / sizeof(floatip_params[0]);

/* Depth 0 of the label and the nic, which may carry it. */
static int load_nic(struct vnfha_ocf *ocf, struct vip *v)
{
	const char *iflabel = vnfha_ocf_str(ocf, "iflabel");
	char label[IF_NAMESIZE] = "";

	if (vnfha_ocf_is_set(ocf, "nic") &&
	    split_nic(vnfha_ocf_str(ocf, "nic"), v->nic, label) < 0) {
		return -EINVAL;
	}
	if (v->family != AF_INET) {
		return 0; /* labels are IPv4's (IPaddr2 passes one; the kernel ignores it) */
	}
	if (label[0] == '\0' && iflabel != NULL) {
		snprintf(label, sizeof(label), "%s", iflabel);
	}
	memcpy(v->label, label, sizeof(v->label));
	return 0;
}

/* <nic>:<label> fits IFNAMSIZ (checked again at start for a nic findif chose). */
static int check_label_length(const struct vip *v)
{
	if (v->label[0] != '\0' && v->nic[0] != '\0' &&
	    strlen(v->nic) + 1 + strlen(v->label) >= IF_NAMESIZE) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "the label %s:%s is longer than 15 characters: shorten iflabel",
				      v->nic, v->label);
	}
	return OCF_SUCCESS;
}

/* The broadcast parameter; IPv4 only. */
static int load_broadcast(struct vnfha_ocf *ocf, struct vip *v)
{
	const char *bcast = vnfha_ocf_str(ocf, "broadcast");

	if (bcast == NULL) {
		v->bcast = VIP_BCAST_FINDIF;
		return OCF_SUCCESS;
	}
	if (v->family != AF_INET) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter broadcast='%s' is IPv4 only but ip='%s' is IPv6: "
				      "unset broadcast",
				      bcast, v->ip);
	}
	if (strcmp(bcast, "+") == 0) {
		v->bcast = VIP_BCAST_ONES;
	} else if (strcmp(bcast, "-") == 0) {
		v->bcast = VIP_BCAST_ZEROS;
	} else {
		inet_pton(AF_INET, bcast, &v->broadcast);
		v->bcast = VIP_BCAST_GIVEN;
	}
	return OCF_SUCCESS;
}

/* IPaddr2's combinations that make no sense, and what floatip cannot do. */
static int load_ipaddr2(struct vnfha_ocf *ocf, struct vip *v)
{
	const char *sender = vnfha_ocf_str(ocf, "arp_sender");
	const char *opts = vnfha_ocf_str(ocf, "send_arp_opts");

	v->lvs_support = vnfha_ocf_bool(ocf, "lvs_support");
	v->lvs_addrlabel = vnfha_ocf_bool(ocf, "lvs_ipv6_addrlabel");
	v->addrlabel = (uint32_t)vnfha_ocf_int(ocf, "lvs_ipv6_addrlabel_value");
	v->flush_routes = vnfha_ocf_bool(ocf, "flush_routes");
	v->run_arping = vnfha_ocf_bool(ocf, "run_arping") && v->family == AF_INET;
	if (v->lvs_support && v->family != AF_INET) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter lvs_support=true is IPv4 only but ip='%s' is IPv6: "
				      "use lvs_ipv6_addrlabel=true for LVS-DR on IPv6",
				      v->ip);
	}
	if (v->lvs_addrlabel && v->family != AF_INET6) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter lvs_ipv6_addrlabel=true is IPv6 only but ip='%s' is "
				      "IPv4: use lvs_support=true for LVS-DR on IPv4",
				      v->ip);
	}
	if (v->family != AF_INET) {
		return OCF_SUCCESS; /* arp_sender and send_arp_opts are IPv4's */
	}
	if (sender != NULL && strcmp(sender, "ipoibarping") == 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter arp_sender=ipoibarping: floatip announces on "
				      "Ethernet only; keep ocf:heartbeat:IPaddr2 for an IPoIB "
				      "interface, or unset arp_sender");
	}
	return parse_arp_opts(sender != NULL ? sender : "send_arp", opts, &v->arp_kind);
}

int vip_load(struct vnfha_ocf *ocf, struct vip *v, bool lenient)
{
	const char *mask = vnfha_ocf_str(ocf, "cidr_netmask");
	int rc;

	memset(v, 0, sizeof(*v));
	v->ip = vnfha_ocf_str(ocf, "ip");
	v->netns = vnfha_ocf_is_set(ocf, "network_namespace") ?
			   vnfha_ocf_str(ocf, "network_namespace") : NULL;
	v->prefix = -1;
	v->preferred_lft = VNFHA_NL_LIFE_FOREVER;
	if (v->ip == NULL || parse_ip(v->ip, v) < 0) {
		return lenient ? OCF_ERR_ARGS
			       : vnfha_ocf_fail(OCF_ERR_CONFIGURED, "parameter ip='%s' is not an "
								    "address", v->ip ? v->ip : "");
	}
	if (lenient) {
		/* What finds and removes the address; a bad nic is no nic. */
		if (v->netns != NULL && !vnfha_netns_name_is_valid(v->netns)) {
			return OCF_ERR_ARGS;
		}
		if (load_nic(ocf, v) != 0) {
			v->nic[0] = '\0';
		}
		v->lvs_support = vnfha_ocf_bool(ocf, "lvs_support") && v->family == AF_INET;
		v->lvs_addrlabel = vnfha_ocf_bool(ocf, "lvs_ipv6_addrlabel") && v->family == AF_INET6;
		v->addrlabel = (uint32_t)vnfha_ocf_int(ocf, "lvs_ipv6_addrlabel_value");
		v->flush_routes = vnfha_ocf_bool(ocf, "flush_routes");
		return OCF_SUCCESS;
	}
	rc = vnfha_ocf_clone_check("floatip", VNFHA_CLONE_NEVER,
				   "it would put the same address on every node. Make it a "
				   "primitive; for load sharing use ocf:vnfha:lbmember");
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	if (mask != NULL && (vnfha_findif_parse_prefix(mask, v->family, &v->prefix) < 0 ||
			     v->prefix == 0)) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "parameter cidr_netmask='%s' does not fit ip='%s': use %s",
				      mask, v->ip,
				      v->family == AF_INET ? "1 to 32 or a dotted IPv4 netmask"
							   : "a prefix length of 1 to 128");
	}
	if (load_nic(ocf, v) < 0) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "parameter nic='%s' is invalid",
				      vnfha_ocf_str(ocf, "nic"));
	}
	rc = check_label_length(v);
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	if (v->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&v->addr.v6) && v->nic[0] == '\0') {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "ip='%s' is link-local: set nic, the link it belongs to", v->ip);
	}
	rc = load_broadcast(ocf, v);
	if (rc != OCF_SUCCESS) {
		return rc;
	}
	if (v->family == AF_INET6) {
		parse_lft(vnfha_ocf_str(ocf, "preferred_lft"), &v->preferred_lft);
	}
	return load_ipaddr2(ocf, v);
}
