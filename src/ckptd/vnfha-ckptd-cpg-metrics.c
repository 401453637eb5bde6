// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What an operator sees of the CPG replication (vnfha-ckptd-cpg.h): the
 * "peer"/"replica" lines of `vnfha-ckpt status` and the per-replica
 * Prometheus families, with the same names, labels and meanings as the
 * TCP replication's (vnfha-ckptd-metrics.h), so one dashboard reads both:
 *   replica="cpg:NODE"   a group member, by the node name its messages
 *                        carry ("cpg:nodeid-N" until one arrives)
 *   connected            it is in the group now
 *   sent_bytes_total     bytes multicast while it was a member
 *   reconnects_total     joins after its first (a restarted daemon or node)
 *   acked_*, state, lag  as TCP: a version is multicast whole, so a member
 *                        lacking the newest one lacks all its bytes
 * No tls_failures_total: the group rides Corosync's totem crypto. Two
 * figures of the group's own: vnfha_ckpt_cpg_membership_changes_total and
 * vnfha_ckpt_replica_cpg_nodeid.
 *
 * A replica records the primary whose versions it receives (d->rx_*) for
 * its "primary"/"received" lines, as the TCP receiver does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-cpg.h"
#include "vnfha-ckptd-metrics.h"

void ckptd_cpg_label(uint32_t nodeid, const char *node, char *out, size_t len)
{
	if (node[0] != '\0') {
		snprintf(out, len, "cpg:%.*s", len > 5 ? (int)(len - 5) : 0, node);
	} else {
		snprintf(out, len, "cpg:nodeid-%" PRIu32, nodeid);
	}
}

struct cpg_ack *ckptd_cpg_ack_find(struct cpg_member *m, const char *name, bool add)
{
	struct cpg_ack *n;

	for (size_t i = 0; i < m->n_acks; i++) {
		if (strcmp(m->acks[i].name, name) == 0) {
			return &m->acks[i];
		}
	}
	if (!add) {
		return NULL;
	}
	n = realloc(m->acks, (m->n_acks + 1) * sizeof(*n));
	if (n == NULL) {
		return NULL;
	}
	m->acks = n;
	memset(&n[m->n_acks], 0, sizeof(n[0]));
	snprintf(n[m->n_acks].name, sizeof(n[0].name), "%s", name);
	return &n[m->n_acks++];
}

/* The node entry of nodeid; NULL when unknown and not to be added, or out
 * of memory (logged). */
static struct cpg_node *node_find(struct ckptd_cpg *c, uint32_t nodeid, bool add)
{
	struct cpg_node *n;

	for (size_t i = 0; i < c->n_nodes; i++) {
		if (c->nodes[i].nodeid == nodeid) {
			return &c->nodes[i];
		}
	}
	if (!add) {
		return NULL;
	}
	if (ckptd_grow((void **)&c->nodes, &c->cap_nodes, c->n_nodes, sizeof(*c->nodes)) != 0) {
		vnfha_log(VNFHA_LOG_WARNING, "CPG node %" PRIu32 " not counted: out of memory",
			  nodeid);
		return NULL;
	}
	n = &c->nodes[c->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->nodeid = nodeid;
	return n;
}

static bool node_is_present(const struct ckptd_cpg *c, uint32_t nodeid)
{
	for (size_t i = 0; i < c->n_members; i++) {
		if (c->members[i].nodeid == nodeid) {
			return true;
		}
	}
	return false;
}

/* A name heard from nodeid: kept on its node and its members. */
static void learn_name(struct ckptd_cpg *c, uint32_t nodeid, const char *node)
{
	struct cpg_node *n = node_find(c, nodeid, true);

	if (node[0] == '\0') {
		return;
	}
	if (n != NULL) {
		snprintf(n->node, sizeof(n->node), "%s", node);
	}
	for (size_t i = 0; i < c->n_members; i++) {
		if (c->members[i].nodeid == nodeid) {
			snprintf(c->members[i].node, sizeof(c->members[i].node), "%s", node);
		}
	}
}

void ckptd_cpg_seen_confchg(struct ckptd_cpg *c, const struct cpg_address *left, size_t n_left,
			    const struct cpg_address *joined, size_t n_joined)
{
	struct ckptd *d = c->d;
	int64_t now = vnfha__now_ms();

	(void)left;
	(void)n_left;
	c->confchgs++;
	for (size_t i = 0; i < n_joined; i++) {
		struct cpg_node *n;

		if (joined[i].nodeid == c->own_nodeid && joined[i].pid == c->own_pid) {
			continue;
		}
		n = node_find(c, joined[i].nodeid, true);
		if (n != NULL) {
			n->joins++;
		}
	}
	for (size_t i = 0; i < c->n_members; i++) {
		struct cpg_member *m = &c->members[i];
		const struct cpg_node *n = node_find(c, m->nodeid, true);

		if (m->lacking_since_ms == 0) {
			m->lacking_since_ms = now;
		}
		if (m->node[0] == '\0' && n != NULL) {
			snprintf(m->node, sizeof(m->node), "%s", n->node);
		}
	}
	if (d->role != VNFHA_CKPT_ROLE_PRIMARY && d->rx_primary[0] != '\0') {
		d->rx_connected = false;
		for (size_t i = 0; i < c->n_members; i++) {
			if (c->members[i].nodeid == c->rx_nodeid && c->members[i].pid == c->rx_pid) {
				d->rx_connected = true;
			}
		}
	}
}

void ckptd_cpg_seen_sent(struct ckptd_cpg *c, uint64_t bytes)
{
	for (size_t i = 0; i < c->n_members; i++) {
		struct cpg_node *n = node_find(c, c->members[i].nodeid, true);
		bool counted = false;

		/* once per node, even while two of its processes are members */
		for (size_t k = 0; k < i && !counted; k++) {
			counted = c->members[k].nodeid == c->members[i].nodeid;
		}
		if (n != NULL && !counted) {
			n->sent_bytes += bytes;
		}
	}
}

void ckptd_cpg_seen_msg(struct ckptd_cpg *c, uint32_t nodeid, uint32_t pid,
			const struct vnfha__ckpt_cpg_msg *m)
{
	struct ckptd *d = c->d;

	pthread_mutex_lock(&d->lock);
	learn_name(c, nodeid, m->node);
	if (m->type == VNFHA_CKPT_CPG_VERSION_MSG && d->role == VNFHA_CKPT_ROLE_REPLICA) {
		snprintf(d->rx_primary, sizeof(d->rx_primary), "%s (cpg nodeid %" PRIu32 ")",
			 m->node[0] != '\0' ? m->node : "?", nodeid);
		d->rx_connected = true;
		c->rx_nodeid = nodeid;
		c->rx_pid = pid;
		snprintf(d->rx_name, sizeof(d->rx_name), "%s", m->name);
		d->rx_epoch = m->epoch;
		d->rx_gen = m->gen;
		d->rx_at_ms = vnfha__now_ms();
	}
	pthread_mutex_unlock(&d->lock);
}

void ckptd_cpg_seen_ack(struct ckptd_cpg *c, struct cpg_member *mb, struct cpg_ack *k,
			const struct vnfha__ckpt_cpg_msg *a)
{
	const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(c->d->store, a->name);

	(void)mb;
	if (cur == NULL || vnfha__ckpt_version_cmp(a->epoch, a->gen, cur->epoch, cur->gen) >= 0) {
		k->pending_since_ms = 0; /* it has the newest version */
	}
}

void ckptd_cpg_seen_commit(struct ckptd_cpg *c, const char *name)
{
	int64_t now = vnfha__now_ms();

	if (c->d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		return;
	}
	for (size_t i = 0; i < c->n_members; i++) {
		struct cpg_ack *k = ckptd_cpg_ack_find(&c->members[i], name, true);

		if (k != NULL && k->pending_since_ms == 0) {
			k->pending_since_ms = now;
		}
	}
}

void ckptd_cpg_seen_free(struct ckptd_cpg *c)
{
	free(c->nodes);
	c->nodes = NULL;
	c->n_nodes = 0;
	c->cap_nodes = 0;
}

/* What member m holds of checkpoint meta's newest version, as a row. */
static void member_row(struct cpg_member *m, const struct vnfha__ckpt_meta *meta, int64_t now,
		       struct ckptd_replica_ckpt *r)
{
	const struct cpg_ack *k = ckptd_cpg_ack_find(m, meta->name, false);
	bool acked = k != NULL && (k->epoch != 0 || k->gen != 0);
	bool newest = acked && vnfha__ckpt_version_cmp(k->epoch, k->gen, meta->epoch, meta->gen) >= 0;
	int64_t since = k != NULL && k->pending_since_ms != 0 ? k->pending_since_ms
							       : m->lacking_since_ms;

	ckptd_cpg_label(m->nodeid, m->node, r->replica, sizeof(r->replica));
	r->checkpoint = meta->name;
	r->acked_epoch = acked ? k->epoch : 0;
	r->acked_gen = acked ? k->gen : 0;
	r->state = !acked ? "none" : k->state == VNFHA_CKPT_STATE_DURABLE ? "durable" : "memory";
	r->lag_bytes = newest ? 0 : meta->size;
	r->lag_ms = newest || since == 0 || now < since ? 0 : (uint64_t)(now - since);
}

/* Per node seen: connected or not and bytes multicast; on the primary, per
 * present member and checkpoint what it acknowledged and how far it lags
 * (the TCP replication's lines). */
void ckptd_cpg_status(struct ckptd *d, struct ckptd_text *out)
{
	struct ckptd_cpg *c = d->repl_data;
	int64_t now = vnfha__now_ms();

	ckptd_status_received(d, out);
	for (size_t i = 0; c != NULL && i < c->n_nodes; i++) {
		const struct cpg_node *n = &c->nodes[i];
		char label[CKPTD_REPLICA_LABEL_MAX];

		ckptd_cpg_label(n->nodeid, n->node, label, sizeof(label));
		ckptd_text_add(out, "peer %s %s sent_bytes %" PRIu64 " joins %" PRIu64 "\n", label,
			       node_is_present(c, n->nodeid) ? "connected" : "disconnected",
			       n->sent_bytes, n->joins);
	}
	for (size_t i = 0; c != NULL && d->role == VNFHA_CKPT_ROLE_PRIMARY && i < c->n_members;
	     i++) {
		for (size_t k = 0; k < vnfha__ckpt_store_count(d->store); k++) {
			const struct vnfha__ckpt_meta *meta = vnfha__ckpt_store_at(d->store, k);
			struct ckptd_replica_ckpt r;

			if (meta == NULL) {
				continue;
			}
			member_row(&c->members[i], meta, now, &r);
			ckptd_text_add(out,
				       "replica %s checkpoint %s acked %" PRIu64 " %" PRIu64
				       " state %s lag_bytes %" PRIu64 " lag_ms %" PRIu64 "\n",
				       r.replica, r.checkpoint, r.acked_epoch, r.acked_gen, r.state,
				       r.lag_bytes, r.lag_ms);
		}
	}
}

void ckptd_cpg_metrics(struct ckptd *d, struct ckptd_text *out)
{
	struct ckptd_cpg *c = d->repl_data;
	size_t n_nodes = c != NULL ? c->n_nodes : 0;
	size_t n_members = c != NULL ? c->n_members : 0;
	size_t n_ckpts = vnfha__ckpt_store_count(d->store);
	bool primary = d->role == VNFHA_CKPT_ROLE_PRIMARY;
	struct ckptd_replica_link *links = calloc(n_nodes + 1, sizeof(*links));
	struct ckptd_replica_ckpt *rows = calloc(n_members * n_ckpts + 1, sizeof(*rows));
	int64_t now = vnfha__now_ms();
	size_t n_rows = 0;
	char a[2 * CKPTD_REPLICA_LABEL_MAX + 1];

	if (links == NULL || rows == NULL) {
		out->cut = true; /* answered 500: out of memory */
		goto out;
	}
	for (size_t i = 0; i < n_nodes; i++) {
		const struct cpg_node *n = &c->nodes[i];

		ckptd_cpg_label(n->nodeid, n->node, links[i].replica, sizeof(links[i].replica));
		links[i].connected = node_is_present(c, n->nodeid);
		links[i].sent_bytes = n->sent_bytes;
		links[i].reconnects = n->joins > 0 ? n->joins - 1 : 0;
	}
	for (size_t i = 0; primary && i < n_members; i++) {
		for (size_t k = 0; k < n_ckpts; k++) {
			const struct vnfha__ckpt_meta *meta = vnfha__ckpt_store_at(d->store, k);

			if (meta != NULL) {
				member_row(&c->members[i], meta, now, &rows[n_rows++]);
			}
		}
	}
	ckptd_metrics_replicas(out, links, n_nodes, false, primary, rows, n_rows);
	ckptd_text_add(out, "# HELP vnfha_ckpt_replica_cpg_nodeid The replica's Corosync node id.\n"
			    "# TYPE vnfha_ckpt_replica_cpg_nodeid gauge\n");
	for (size_t i = 0; i < n_nodes; i++) {
		ckptd_metrics_label(links[i].replica, a, sizeof(a));
		ckptd_text_add(out, "vnfha_ckpt_replica_cpg_nodeid{replica=\"%s\"} %" PRIu32 "\n", a,
			       c->nodes[i].nodeid);
	}
	ckptd_text_add(out,
		       "# HELP vnfha_ckpt_cpg_membership_changes_total CPG group membership "
		       "changes seen since start.\n"
		       "# TYPE vnfha_ckpt_cpg_membership_changes_total counter\n"
		       "vnfha_ckpt_cpg_membership_changes_total %" PRIu64 "\n",
		       c != NULL ? c->confchgs : 0);
out:
	free(links);
	free(rows);
}
