/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPG replication's state (d->repl_data with --cpg), shared by
 *   vnfha-ckptd-cpg.c          the interface: the group, send and receive
 *   vnfha-ckptd-cpg-metrics.c  what an operator sees of it: the status
 *                              lines and the per-replica metrics, and the
 *                              counts behind them (bytes multicast per
 *                              member, joins, the primary a replica hears)
 * Every field under d->lock.
 */
#ifndef VNFHA_CKPTD_CPG_H
#define VNFHA_CKPTD_CPG_H

#include <corosync/cpg.h>

#include "ckpt/ckpt_cpg.h"
#include "vnfha-ckptd.h"

struct cpg_ack {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t gen;
	uint8_t state; /* enum vnfha_ckpt_state */
	int64_t pending_since_ms; /* a commit of name it has not acked since; 0: none */
};

struct cpg_member {
	uint32_t nodeid;
	uint32_t pid;
	char node[VNFHA_CKPT_NAME_MAX + 1]; /* from its messages; "" until the first */
	struct cpg_ack *acks;
	size_t n_acks;
	int64_t lacking_since_ms; /* joined or we were promoted: lag clock without an ack */
};

/* A version the sender has multicast since the last (re)join. */
struct cpg_sent {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t gen;
};

/* Every other node seen in the group since start, member now or not. */
struct cpg_node {
	uint32_t nodeid;
	char node[VNFHA_CKPT_NAME_MAX + 1]; /* its name once heard; "" until then */
	bool present;
	uint64_t joins;
	uint64_t sent_bytes; /* multicast while it was a member */
};

struct ckptd_cpg {
	struct ckptd *d;
	cpg_handle_t handle; /* 0 while not connected */
	int fd;		     /* to poll, while connected */
	uint32_t own_nodeid;
	uint32_t own_pid;
	bool joined;
	struct cpg_member *members; /* the group's other processes; grown as needed */
	size_t n_members;
	size_t cap_members;
	struct cpg_sent *sent;
	size_t n_sent;
	pthread_t receiver;
	pthread_t sender;
	unsigned int refused; /* messages that did not decode, for the log */
	struct cpg_node *nodes; /* grown as needed */
	size_t n_nodes;
	size_t cap_nodes;
	uint64_t confchgs;  /* membership changes seen */
	uint32_t rx_nodeid; /* a replica: the process whose versions it last received */
	uint32_t rx_pid;
};

/* vnfha-ckptd-cpg-metrics.c; lock held unless said */
/* m's entry for checkpoint name; with add, a new one (0.0, no state) when
 * it has none; NULL without memory. */
struct cpg_ack *ckptd_cpg_ack_find(struct cpg_member *m, const char *name, bool add);
/* "cpg:NODE", or "cpg:nodeid-N" before its name is known. */
void ckptd_cpg_label(uint32_t nodeid, const char *node, char *out, size_t len);
/* After on_confchg updated c->members. */
void ckptd_cpg_seen_confchg(struct ckptd_cpg *c, const struct cpg_address *left, size_t n_left,
			    const struct cpg_address *joined, size_t n_joined);
/* The sender multicast bytes to the group's present members. */
void ckptd_cpg_seen_sent(struct ckptd_cpg *c, uint64_t bytes);
/* Lock NOT held: a message m that decoded, from (nodeid, pid). */
void ckptd_cpg_seen_msg(struct ckptd_cpg *c, uint32_t nodeid, uint32_t pid,
			const struct vnfha__ckpt_cpg_msg *m);
/* The primary: member mb acknowledged a (k: its entry for a->name). */
void ckptd_cpg_seen_ack(struct ckptd_cpg *c, struct cpg_member *mb, struct cpg_ack *k,
			const struct vnfha__ckpt_cpg_msg *a);
/* The primary committed a new version of name. */
void ckptd_cpg_seen_commit(struct ckptd_cpg *c, const char *name);
void ckptd_cpg_status(struct ckptd *d, struct ckptd_text *out);
void ckptd_cpg_metrics(struct ckptd *d, struct ckptd_text *out);
/* Frees c->nodes. */
void ckptd_cpg_seen_free(struct ckptd_cpg *c);

#endif
