/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the primary reaches each replica (ocf:vnfha:statesync): a node's
 * address, and what the agent last gave vnfha-ckptd. A Pacemaker Remote
 * node's name need not resolve: its address is the one Pacemaker connects
 * to, from the CIB.
 */
#ifndef VNFHA_STATESYNC_PEERS_H
#define VNFHA_STATESYNC_PEERS_H

#include <stddef.h>

/*
 * "HOST:PORT" ("[HOST]:PORT" for IPv6) for node into out: its entry in map
 * (peer_addresses: blank-separated NODE=ADDRESS words); else, for a remote
 * or guest node, the address its connection resource names in the CIB
 * (server, remote-addr), resolved if it is a name; else the node's name,
 * resolved. 0, or -ENOENT when none gives an address.
 */
int ss_peer_address(const char *map, const char *node, long port, char *out, size_t len);

/* Line `which` of peersfile (0: the peers' names, 1: their addresses, as
 * the agent last gave them to vnfha-ckptd) into buf; "" when none. */
void ss_peers_last(const char *peersfile, int which, char *buf, size_t len);

#endif
