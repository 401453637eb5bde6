/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lab power switch protocol, spoken between lab-switchd (the "network
 * power switch" in the root namespace) and fence_vnfhalab (the fence agent
 * pacemaker-fenced runs inside a lab node), the way fence_virt talks to its
 * host daemon. One request per connection on a SOCK_STREAM Unix socket:
 *
 *   request:  "<action> <plug>\n"
 *             action: off | on | reboot | status | list | monitor
 *             plug:   "node<K>" (1 <= K <= LAB_NODES_MAX), "-" for list/monitor
 *   reply:    "<rc>[ <text>]\n"
 *             rc is the fence-agents exit code: 0 done (status: powered on),
 *             2 powered off (status only), 1 failed; for list, text holds the
 *             node names separated by single spaces.
 *
 * Version table: 1 (this one) — the first.
 */
#ifndef VNFHA_LAB_SWITCH_H
#define VNFHA_LAB_SWITCH_H

#include <stddef.h>

/* Where the nodes see the switch (lab-node-init bind-mounts it there). */
#define LAB_SWITCH_SOCKET "/run/vnfha-lab/switch/switch.sock"
#define LAB_SWITCH_LINE_MAX 256
#define LAB_NODES_MAX 5
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
/* "node3" -> 3 when 1 <= 3 <= max_nodes; 0, -EINVAL (not nodeK) or -ERANGE. */
int lab_switch_plug_parse(const char *plug, long max_nodes, long *ret_node);

/*
 * Splits one request line (NUL-terminated, without the newline) into action
 * and plug; the plug is validated against max_nodes, and ret_node is 0 for
 * the actions without one. 0 or -EINVAL/-ERANGE.
 */
int lab_switch_request_parse(const char *line, long max_nodes,
			     enum lab_switch_action *ret_action, long *ret_node);

/*
 * Reads the one line a peer sends on a connection, within timeout_ms; strips
 * the newline. 0, or -ETIMEDOUT, -EMSGSIZE (longer than line_len - 1),
 * -EPROTO (EOF first, a NUL, or bytes after the newline), -errno.
 */
int lab_switch_line_read(int fd, char *line, size_t line_len, int timeout_ms);

#endif
