/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-replica Prometheus families, rendered the same for every
 * replication (struct ckptd_repl .metrics fills these rows; TCP and CPG
 * then share one set of names and labels, so one dashboard reads both).
 */
#ifndef VNFHA_CKPTD_METRICS_H
#define VNFHA_CKPTD_METRICS_H

#include "vnfha-ckptd.h"

#define CKPTD_REPLICA_LABEL_MAX (VNFHA_CKPT_NAME_MAX + 16)

/* One replica's link: "tcp: HOST:PORT" session, or a CPG group member. */
struct ckptd_replica_link {
	char replica[CKPTD_REPLICA_LABEL_MAX]; /* the replica="..." label, unescaped */
	bool connected;      /* a session is up / the member is in the group */
	uint64_t sent_bytes; /* block bytes sent / bytes multicast while a member */
	uint64_t reconnects; /* sessions after the first / joins after the first */
	uint64_t tls_failures;
};

/* What one replica holds of one checkpoint's newest version (primary only). */
struct ckptd_replica_ckpt {
	char replica[CKPTD_REPLICA_LABEL_MAX];
	const char *checkpoint;
	uint64_t acked_epoch; /* 0.0: nothing acknowledged */
	uint64_t acked_gen;
	const char *state; /* "none", "memory" or "durable" */
	uint64_t lag_bytes;
	uint64_t lag_ms;
};

/* The families: vnfha_ckpt_replica_{connected,sent_bytes_total,
 * reconnects_total} per link, tls_failures_total too when with_tls;
 * acked_epoch, acked_gen, state, lag_bytes, lag_seconds per row when
 * primary (rows may be NULL otherwise). */
void ckptd_metrics_replicas(struct ckptd_text *t, const struct ckptd_replica_link *links,
			    size_t n_links, bool with_tls, bool primary,
			    const struct ckptd_replica_ckpt *rows, size_t n_rows);

#endif
