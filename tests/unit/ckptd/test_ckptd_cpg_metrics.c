// SPDX-License-Identifier: GPL-2.0-or-later
/* What an operator sees of the CPG replication, without Corosync: the
 * group's events fed to the counting hooks as vnfha-ckptd-cpg.c does, then
 * the status lines and the per-replica metrics checked line by line, with
 * TCP's names and labels (tests/cluster/vnf-cpg.bats does it for real). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/spawn.h"
#include "unit.h"
#include "vnfha-ckptd-cpg.h"

/* The metrics endpoint is not started here. */
int ckptd_listen_tcp(const char *addr)
{
	(void)addr;
	return -ENOSYS;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

#define CHECK_LINE(text, line)                                                              \
	do {                                                                                 \
		bool has_ = has_line(text, line);                                             \
		if (!has_) {                                                                 \
			fprintf(stderr, "missing line: %s\n--- in:\n%s---\n", line, text);    \
		}                                                                            \
		CHECK(has_);                                                                 \
	} while (0)

static char *render(struct ckptd *d, void (*fn)(struct ckptd *, struct ckptd_text *))
{
	struct ckptd_text t = { .grow = true };

	pthread_mutex_lock(&d->lock);
	fn(d, &t);
	pthread_mutex_unlock(&d->lock);
	CHECK(!t.cut && t.buf != NULL);
	return t.buf;
}

static void put(struct ckptd *d, uint64_t epoch, uint64_t gen)
{
	struct vnfha__ckpt_update *u = NULL;
	char data[10] = "0123456789";

	CHECK_INT(vnfha__ckpt_update_begin(d->store, "st", epoch, gen, sizeof(data),
					   VNFHA_CKPT_BLOCK_SIZE, NULL, true, &u),
		  0);
	CHECK_INT(vnfha__ckpt_update_block(u, 0, data, sizeof(data)), 0);
	CHECK_INT(vnfha__ckpt_update_commit(u, false), 0);
}

/* As on_confchg: the member list first, then the hook. */
static void confchg(struct ckptd_cpg *c, const struct cpg_address *now, size_t n_now,
		    const struct cpg_address *left, size_t n_left,
		    const struct cpg_address *joined, size_t n_joined)
{
	pthread_mutex_lock(&c->d->lock);
	for (size_t i = 0; i < c->n_members; i++) {
		free(c->members[i].acks);
	}
	free(c->members);
	c->members = calloc(n_now + 1, sizeof(*c->members));
	c->n_members = n_now;
	c->cap_members = n_now + 1;
	for (size_t i = 0; i < n_now; i++) {
		c->members[i].nodeid = now[i].nodeid;
		c->members[i].pid = now[i].pid;
	}
	ckptd_cpg_seen_confchg(c, left, n_left, joined, n_joined);
	pthread_mutex_unlock(&c->d->lock);
}

/* As record_ack on the primary. */
static void ack(struct ckptd_cpg *c, size_t member, const char *node, uint64_t epoch,
		uint64_t gen, bool durable)
{
	struct vnfha__ckpt_cpg_msg a = { .type = VNFHA_CKPT_CPG_ACK, .epoch = epoch, .gen = gen };
	struct cpg_member *m = &c->members[member];
	struct cpg_ack *k;

	snprintf(a.name, sizeof(a.name), "st");
	snprintf(a.node, sizeof(a.node), "%s", node);
	ckptd_cpg_seen_msg(c, m->nodeid, m->pid, &a);
	pthread_mutex_lock(&c->d->lock);
	k = ckptd_cpg_ack_find(m, "st", true);
	ckptd_cpg_seen_ack(c, m, k, &a);
	k->epoch = epoch;
	k->gen = gen;
	k->state = durable ? VNFHA_CKPT_STATE_DURABLE : VNFHA_CKPT_STATE_MEMORY;
	pthread_mutex_unlock(&c->d->lock);
}

int main(void)
{
	char dir[] = "/tmp/test_ckptd_cpg_metrics.XXXXXX";
	struct ckptd d = { .lock = PTHREAD_MUTEX_INITIALIZER, .role = VNFHA_CKPT_ROLE_PRIMARY };
	struct ckptd_cpg c = { .d = &d, .own_nodeid = 1, .own_pid = 10 };
	const struct cpg_address n2 = { .nodeid = 2, .pid = 20 }, n3 = { .nodeid = 3, .pid = 30 };
	const struct cpg_address n3b = { .nodeid = 3, .pid = 31 }, self = { .nodeid = 1, .pid = 10 };
	const struct cpg_address both[] = { n2, n3 }, joined[] = { self, n2, n3 };
	char *s;

	CHECK(mkdtemp(dir) != NULL);
	d.store = vnfha__ckpt_store_open(dir, NULL, NULL);
	CHECK(d.store != NULL);
	d.repl_data = &c;

	/* we join with node2 and node3 there; the primary commits 1.1 */
	confchg(&c, both, 2, NULL, 0, joined, 3);
	put(&d, 1, 1);
	pthread_mutex_lock(&d.lock);
	ckptd_cpg_seen_commit(&c, "st");
	ckptd_cpg_seen_sent(&c, 182);
	pthread_mutex_unlock(&d.lock);
	ack(&c, 0, "node2", 1, 1, true);

	s = render(&d, ckptd_cpg_metrics);
	CHECK_LINE(s, "vnfha_ckpt_replica_connected{replica=\"cpg:node2\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_connected{replica=\"cpg:nodeid-3\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_sent_bytes_total{replica=\"cpg:node2\"} 182");
	CHECK_LINE(s, "vnfha_ckpt_replica_sent_bytes_total{replica=\"cpg:nodeid-3\"} 182");
	CHECK_LINE(s, "vnfha_ckpt_replica_reconnects_total{replica=\"cpg:node2\"} 0");
	CHECK_LINE(s, "vnfha_ckpt_replica_acked_epoch{replica=\"cpg:node2\",checkpoint=\"st\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_acked_gen{replica=\"cpg:node2\",checkpoint=\"st\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_state{replica=\"cpg:node2\",checkpoint=\"st\","
		      "state=\"durable\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_lag_bytes{replica=\"cpg:node2\",checkpoint=\"st\"} 0");
	CHECK_LINE(s, "vnfha_ckpt_replica_lag_seconds{replica=\"cpg:node2\",checkpoint=\"st\"} 0.000");
	/* node3 has acked nothing: all 10 bytes behind, state none */
	CHECK_LINE(s, "vnfha_ckpt_replica_acked_gen{replica=\"cpg:nodeid-3\",checkpoint=\"st\"} 0");
	CHECK_LINE(s, "vnfha_ckpt_replica_state{replica=\"cpg:nodeid-3\",checkpoint=\"st\","
		      "state=\"none\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_lag_bytes{replica=\"cpg:nodeid-3\",checkpoint=\"st\"} 10");
	CHECK_LINE(s, "vnfha_ckpt_replica_cpg_nodeid{replica=\"cpg:nodeid-3\"} 3");
	CHECK_LINE(s, "vnfha_ckpt_cpg_membership_changes_total 1");
	CHECK(strstr(s, "tls_failures") == NULL); /* totem crypto, no TLS */
	free(s);

	/* 1.2 committed, node2 still at 1.1: behind by the whole version, and the
	 * lag clock runs from the commit */
	put(&d, 1, 2);
	pthread_mutex_lock(&d.lock);
	ckptd_cpg_seen_commit(&c, "st");
	c.members[0].acks[0].pending_since_ms -= 1500;
	pthread_mutex_unlock(&d.lock);
	s = render(&d, ckptd_cpg_status);
	CHECK_LINE(s, "peer cpg:node2 connected sent_bytes 182 joins 1");
	CHECK(strstr(s, "replica cpg:node2 checkpoint st acked 1 1 state durable lag_bytes 10 "
			"lag_ms 15") != NULL);
	CHECK(strstr(s, "\nprimary ") == NULL && strncmp(s, "primary ", 8) != 0);
	free(s);
	ack(&c, 0, "node2", 1, 2, false);
	ack(&c, 1, "node3", 1, 2, false);
	s = render(&d, ckptd_cpg_status);
	CHECK_LINE(s, "replica cpg:node2 checkpoint st acked 1 2 state memory lag_bytes 0 lag_ms 0");
	CHECK_LINE(s, "replica cpg:node3 checkpoint st acked 1 2 state memory lag_bytes 0 lag_ms 0");
	free(s);

	/* node3's daemon restarts: gone (still listed, not connected), then back
	 * with a new pid: one reconnect; multicasts meanwhile count for node2 */
	confchg(&c, &n2, 1, &n3, 1, NULL, 0);
	pthread_mutex_lock(&d.lock);
	ckptd_cpg_seen_sent(&c, 100);
	pthread_mutex_unlock(&d.lock);
	s = render(&d, ckptd_cpg_metrics);
	CHECK_LINE(s, "vnfha_ckpt_replica_connected{replica=\"cpg:node3\"} 0");
	CHECK_LINE(s, "vnfha_ckpt_replica_sent_bytes_total{replica=\"cpg:node2\"} 282");
	CHECK_LINE(s, "vnfha_ckpt_replica_sent_bytes_total{replica=\"cpg:node3\"} 182");
	CHECK(strstr(s, "acked_gen{replica=\"cpg:node3\"") == NULL);
	free(s);
	{
		const struct cpg_address again[] = { n2, n3b };

		confchg(&c, again, 2, NULL, 0, &n3b, 1);
	}
	s = render(&d, ckptd_cpg_metrics);
	CHECK_LINE(s, "vnfha_ckpt_replica_connected{replica=\"cpg:node3\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_reconnects_total{replica=\"cpg:node3\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_replica_state{replica=\"cpg:node3\",checkpoint=\"st\","
		      "state=\"none\"} 1");
	CHECK_LINE(s, "vnfha_ckpt_cpg_membership_changes_total 3");
	free(s);

	/* a replica: the primary it hears, the last version, then the primary
	 * leaves the group */
	d.role = VNFHA_CKPT_ROLE_REPLICA;
	{
		struct vnfha__ckpt_cpg_msg v = { .type = VNFHA_CKPT_CPG_VERSION_MSG, .epoch = 1,
						 .gen = 2 };

		snprintf(v.name, sizeof(v.name), "st");
		snprintf(v.node, sizeof(v.node), "node2");
		ckptd_cpg_seen_msg(&c, 2, 20, &v);
	}
	s = render(&d, ckptd_cpg_status);
	CHECK(strncmp(s, "primary node2 (cpg nodeid 2) connected\nreceived st 1 2 age_ms ", 62) ==
	      0);
	CHECK(strstr(s, "\nreplica ") == NULL);
	free(s);
	s = render(&d, ckptd_cpg_metrics);
	CHECK(strstr(s, "acked_gen") == NULL);
	CHECK_LINE(s, "vnfha_ckpt_replica_connected{replica=\"cpg:node2\"} 1");
	free(s);
	{
		const struct cpg_address only3[] = { n3b };

		confchg(&c, only3, 1, &n2, 1, NULL, 0);
	}
	s = render(&d, ckptd_cpg_status);
	CHECK(strncmp(s, "primary node2 (cpg nodeid 2) disconnected\n", 42) == 0);
	free(s);

	for (size_t i = 0; i < c.n_members; i++) {
		free(c.members[i].acks);
	}
	free(c.members);
	ckptd_cpg_seen_free(&c);
	vnfha__ckpt_store_free(d.store);
	{
		int st = 0;

		CHECK_INT(vnfha__run((char *const[]){ "rm", "-rf", dir, NULL }, 5000, &st, NULL, 0), 0);
	}
	return UNIT_DONE();
}
