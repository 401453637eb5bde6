/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab power switch protocol, spoken between lab-switchd (the "network
 * power switch" in the root namespace) and fence_vnfhalab (the fence agent
 * pacemaker-fenced runs inside a lab node), the way fence_virt talks to its
 * host daemon. One request per connection on a SOCK_STREAM Unix socket:
 *
 *   request:  "<action> <plug>\n"
 *             action: off | on | reboot | status | list | monitor
 *             plug:   "node<K>" (a full cluster node, 1 <= K <= LAB_NODES_MAX),
 *                     "remote<J>" (a Pacemaker Remote node, 1 <= J <= LAB_REMOTES_MAX),
 *                     "-" for list/monitor
 *   reply:    "<rc>[ <text>]\n"
 *             rc is the fence-agents exit code: 0 done (status: powered on),
 *             2 powered off (status only), 1 failed; for list, text holds the
 *             node names separated by single spaces.
 *
 * Version table: 1 — the first (node<K> only); 2 (this one) — remote<J> plugs.
 */
#ifndef VNFHA_LAB_SWITCH_H
#define VNFHA_LAB_SWITCH_H

#include <stddef.h>

/* Where the nodes see the switch (lab-node-init bind-mounts it there). */
#define LAB_SWITCH_SOCKET "/run/vnfha-lab/switch/switch.sock"
/* A list reply names every plug: "0" and " remote99" per remote fit. */
#define LAB_SWITCH_LINE_MAX 1024
#define LAB_NODES_MAX 5
/* Remote node J has the lab address 198.51.100.(100 + J). */
#define LAB_REMOTES_MAX 99
/* Plugs are numbered as slots: node K is slot K, remote J slot LAB_NODES_MAX + J. */
#define LAB_SLOTS_MAX (LAB_NODES_MAX + LAB_REMOTES_MAX)
#define LAB_SWITCH_TIMEOUT_MS 30000

enum lab_switch_action {
	LAB_SWITCH_OFF,
	LAB_SWITCH_ON,
	LAB_SWITCH_REBOOT,
	LAB_SWITCH_STATUS,
	LAB_SWITCH_LIST,
	LAB_SWITCH_MONITOR,
};

enum lab_switch_rc {
	LAB_SWITCH_RC_OK = 0,
	LAB_SWITCH_RC_FAILED = 1,
	LAB_SWITCH_RC_OFF = 2,
};

/* "off" -> LAB_SWITCH_OFF ...; exact match. 0 or -EINVAL. */
int lab_switch_action_parse(const char *name, enum lab_switch_action *ret_action);
const char *lab_switch_action_name(enum lab_switch_action action);
/* True for actions that name one node (the others take "-"). */
int lab_switch_action_has_plug(enum lab_switch_action action);
/* How many plugs of each kind a lab has (and so which plugs are valid). */
struct lab_switch_size {
	long nodes;   /* 1 .. LAB_NODES_MAX */
	long remotes; /* 0 .. LAB_REMOTES_MAX */
};

/*
 * "node3" -> slot 3 when 3 <= size->nodes; "remote2" -> slot LAB_NODES_MAX + 2
 * when 2 <= size->remotes. 0, -EINVAL (neither nodeK nor remoteJ) or -ERANGE
 * (a number beyond the lab's size).
 */
int lab_switch_plug_parse(const char *plug, const struct lab_switch_size *size, long *ret_slot);

/* True when slot is a remote node's. */
int lab_switch_slot_is_remote(long slot);

/* The plug's name ("node3", "remote2") into buf; 0, or -ENOSPC, -ERANGE. */
int lab_switch_slot_name(long slot, char *buf, size_t len);

/* The lab script's node id ("3", "r2") into buf; 0, or -ENOSPC, -ERANGE. */
int lab_switch_slot_id(long slot, char *buf, size_t len);

/* Every slot of a lab in order (nodes, then remotes): the first, and the one
 * after slot; 0 after the last. */
long lab_switch_slot_first(const struct lab_switch_size *size);
long lab_switch_slot_next(const struct lab_switch_size *size, long slot);

/*
 * Splits one request line (NUL-terminated, without the newline) into action
 * and plug; the plug is validated against size, and ret_slot is 0 for the
 * actions without one. 0 or -EINVAL/-ERANGE.
 */
int lab_switch_request_parse(const char *line, const struct lab_switch_size *size,
			     enum lab_switch_action *ret_action, long *ret_slot);

/*
 * Reads the one line a peer sends on a connection, within timeout_ms; strips
 * the newline. 0, or -ETIMEDOUT, -EMSGSIZE (longer than line_len - 1),
 * -EPROTO (EOF first, a NUL, or bytes after the newline), -errno.
 */
int lab_switch_line_read(int fd, char *line, size_t line_len, int timeout_ms);

#endif
