// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CPG replication (struct ckptd_repl, vnfha-ckptd.h; --cpg GROUP): for
 * small, frequent state, on the cluster's own message bus and under its
 * totem crypto.
 *
 * The primary's sender thread multicasts the latest complete version of
 * each object, whole, once per version (ckpt_cpg.h; at most 1 MiB). A
 * replica publishes a VERSION that decodes whole and is newer than what
 * it holds, through the same store update as TCP, then multicasts an ACK.
 * The primary counts those ACKs per member for `sync`/`durable` commits.
 * Agreed ordering means every member sees versions in the primary's order;
 * a member that joins (a restarted replica) gets every version again.
 *
 * Threads: the receiver runs cpg_dispatch (deliver and confchg callbacks
 * run there) and reconnects if Corosync goes away; the sender waits on
 * d->cond like the TCP senders. Both take d->lock for every shared field.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-cpg.h"

#define MCAST_RETRY_MS 2000 /* flow control (TRY_AGAIN) longer than this: give up */

static void member_clear(struct cpg_member *m)
{
	free(m->acks);
	memset(m, 0, sizeof(*m));
}

/* Lock held. The member (nodeid, pid); NULL when unknown and not to be
 * added, or out of memory (logged). */
static struct cpg_member *member_find(struct ckptd_cpg *c, uint32_t nodeid, uint32_t pid,
				      bool add)
{
	for (size_t i = 0; i < c->n_members; i++) {
		if (c->members[i].nodeid == nodeid && c->members[i].pid == pid) {
			return &c->members[i];
		}
	}
	if (!add) {
		return NULL;
	}
	if (ckptd_grow((void **)&c->members, &c->cap_members, c->n_members,
		       sizeof(*c->members)) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "CPG member node %" PRIu32 " not tracked: out of memory",
			  nodeid);
		return NULL;
	}
	memset(&c->members[c->n_members], 0, sizeof(c->members[0]));
	c->members[c->n_members].nodeid = nodeid;
	c->members[c->n_members].pid = pid;
	return &c->members[c->n_members++];
}

static void forget_sent(struct ckptd_cpg *c)
{
	free(c->sent);
	c->sent = NULL;
	c->n_sent = 0;
}

/* "cpg:NODE"; a result's peer field (65 bytes) cuts a 62+ byte name. */
static void member_label(const struct cpg_member *m, char *out, size_t len)
{
	ckptd_cpg_label(m->nodeid, m->node, out, len);
}

/* ------------------------------------------------------------ send side */

/* Multicasts buf (one message), waiting out flow control. */
static int mcast(struct ckptd_cpg *c, cpg_handle_t h, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	int64_t deadline = vnfha__now_ms() + MCAST_RETRY_MS;
	cs_error_t err;

	for (;;) {
		err = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1);
		if (err != CS_ERR_TRY_AGAIN || vnfha__now_ms() >= deadline || c->d->stopping) {
			break;
		}
		usleep(1000);
	}
	return err == CS_OK ? 0 : -EAGAIN;
}

/* Lock held: a copy of the first object whose latest version has not been
 * multicast since the last (re)join. */
static struct vnfha__ckpt_meta *next_unsent(struct ckptd *d, struct ckptd_cpg *c)
{
	for (size_t i = 0; i < vnfha__ckpt_store_count(d->store); i++) {
		const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_at(d->store, i);
		struct vnfha__ckpt_meta *copy = NULL;
		bool sent = false;

		if (m == NULL) {
			continue;
		}
		for (size_t k = 0; k < c->n_sent && !sent; k++) {
			sent = strcmp(c->sent[k].name, m->name) == 0 && c->sent[k].epoch == m->epoch &&
			       c->sent[k].gen == m->gen;
		}
		if (!sent && vnfha__ckpt_meta_dup(m, &copy) == 0) {
			return copy;
		}
	}
	return NULL;
}

static void mark_sent(struct ckptd_cpg *c, const struct vnfha__ckpt_meta *m)
{
	struct cpg_sent *n;

	for (size_t k = 0; k < c->n_sent; k++) {
		if (strcmp(c->sent[k].name, m->name) == 0) {
			c->sent[k].epoch = m->epoch;
			c->sent[k].gen = m->gen;
			return;
		}
	}
	n = realloc(c->sent, (c->n_sent + 1) * sizeof(*n));
	if (n == NULL) {
		return; /* sent again later: harmless, replicas ack a version they hold */
	}
	c->sent = n;
	snprintf(n[c->n_sent].name, sizeof(n[0].name), "%s", m->name);
	n[c->n_sent].epoch = m->epoch;
	n[c->n_sent].gen = m->gen;
	c->n_sent++;
}

/* Reads version m whole, checks every block against its fingerprint
 * (-ESTALE: the store moved on under us) and multicasts it. */
static int send_version(struct ckptd *d, struct ckptd_cpg *c, cpg_handle_t h,
			const struct vnfha__ckpt_meta *m, bool durable)
{
	struct vnfha__ckpt_cpg_msg msg = { .type = VNFHA_CKPT_CPG_VERSION_MSG, .epoch = m->epoch,
					   .gen = m->gen, .length = (size_t)m->size,
					   .flags = durable ? VNFHA_CKPT_CPG_F_DURABLE : 0 };
	size_t len = vnfha__ckpt_cpg_size((size_t)m->size);
	uint8_t *buf;
	uint8_t *data;
	int fd = -1;
	int rc;

	if (m->size > VNFHA_CKPT_CPG_MAX_OBJECT) {
		return -EMSGSIZE;
	}
	buf = malloc(len);
	if (buf == NULL) {
		return -ENOMEM;
	}
	data = buf + VNFHA_CKPT_CPG_HDR_LEN; /* read in place: encode does not copy it */
	/* Read under the lock (range versions are written in place under it):
	 * the bytes are m's unless a newer version came meanwhile (then that
	 * one is sent next). At most 1 MiB. */
	pthread_mutex_lock(&d->lock);
	{
		const struct vnfha__ckpt_meta *cur = vnfha__ckpt_store_find(d->store, m->name);

		rc = cur == NULL || cur->epoch != m->epoch || cur->gen != m->gen
			     ? -ESTALE
			     : vnfha__ckpt_store_open_data(d->store, m->name, &fd);
	}
	if (rc == 0) {
		rc = vnfha__ckpt_pread_all(fd, data, (size_t)m->size, 0);
	}
	pthread_mutex_unlock(&d->lock);
	if (rc == 0 && vnfha__ckpt_meta_check_data(m, data) != 0) {
		rc = -ESTALE;
	}
	if (rc == 0) {
		snprintf(msg.name, sizeof(msg.name), "%s", m->name);
		snprintf(msg.node, sizeof(msg.node), "%s", d->opts.node);
		msg.payload = data;
		rc = vnfha__ckpt_cpg_encode(&msg, buf, len) < 0 ? -EINVAL : 0;
	}
	if (rc == 0) {
		rc = mcast(c, h, buf, len);
	}
	if (fd >= 0) {
		close(fd);
	}
	free(buf);
	return rc;
}

static void *sender_main(void *arg)
{
	struct ckptd_cpg *c = arg;
	struct ckptd *d = c->d;
	char last_error[200] = "";

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		struct vnfha__ckpt_meta *m = NULL;
		cpg_handle_t h = c->handle;
		bool durable;
		int rc;

		if (d->role == VNFHA_CKPT_ROLE_PRIMARY && c->joined && h != 0) {
			m = next_unsent(d, c);
		}
		if (m == NULL) {
			ckptd_wait_ms(d, 1000);
			continue;
		}
		durable = ckptd_wants_durable(d, m->name);
		pthread_mutex_unlock(&d->lock);
		rc = send_version(d, c, h, m, durable);
		pthread_mutex_lock(&d->lock);
		if (rc == 0) {
			mark_sent(c, m);
			ckptd_cpg_seen_sent(c, vnfha__ckpt_cpg_size((size_t)m->size));
			last_error[0] = '\0';
		} else if (rc == -EMSGSIZE) {
			/* Never fits: say so once per version; sync commits of it
			 * time out and report that no replica confirmed. */
			vnfha_log(VNFHA_LOG_ERR, "checkpoint '%s' is %" PRIu64 " bytes, over the %u "
				  "bytes sync_method=cpg carries: use sync_method=tcp",
				  m->name, m->size, VNFHA_CKPT_CPG_MAX_OBJECT);
			mark_sent(c, m);
		} else if (rc != -ESTALE) {
			char why[200];

			snprintf(why, sizeof(why), "multicast of '%s' %" PRIu64 ".%" PRIu64 ": %s",
				 m->name, m->epoch, m->gen, strerror(-rc));
			if (strcmp(why, last_error) != 0) {
				vnfha_log(VNFHA_LOG_WARNING, "%s", why);
				snprintf(last_error, sizeof(last_error), "%s", why);
			}
			ckptd_wait_ms(d, 100);
		}
		vnfha__ckpt_meta_free(m);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* --------------------------------------------------------- receive side */

static void send_ack(struct ckptd *d, cpg_handle_t h, const struct vnfha__ckpt_cpg_msg *v,
		     bool durable)
{
	struct vnfha__ckpt_cpg_msg a = { .type = VNFHA_CKPT_CPG_ACK, .epoch = v->epoch,
					 .gen = v->gen,
					 .flags = durable ? VNFHA_CKPT_CPG_F_DURABLE : 0 };
	uint8_t buf[VNFHA_CKPT_CPG_HDR_LEN];

	snprintf(a.name, sizeof(a.name), "%s", v->name);
	snprintf(a.node, sizeof(a.node), "%s", d->opts.node);
	if (vnfha__ckpt_cpg_encode(&a, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	    mcast(d->repl_data, h, buf, sizeof(buf)) != 0) {
		vnfha_log(VNFHA_LOG_WARNING, "could not acknowledge '%s' %" PRIu64 ".%" PRIu64,
			  v->name, v->epoch, v->gen);
	}
}

/* A replica publishes a VERSION newer than what it holds, then acks it;
 * one it holds already is acked again (a resend after a membership change). */
static void apply_version(struct ckptd *d, cpg_handle_t h, const struct vnfha__ckpt_cpg_msg *v)
{
	struct vnfha__ckpt_update *u = NULL;
	const struct vnfha__ckpt_meta *cur;
	bool durable = (v->flags & VNFHA_CKPT_CPG_F_DURABLE) != 0;
	int cmp = -1;
	int rc = 0;

	pthread_mutex_lock(&d->lock);
	if (d->role != VNFHA_CKPT_ROLE_REPLICA) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	cur = vnfha__ckpt_store_find(d->store, v->name);
	if (cur != NULL) {
		cmp = vnfha__ckpt_version_cmp(cur->epoch, cur->gen, v->epoch, v->gen);
	}
	if (cmp > 0) {
		pthread_mutex_unlock(&d->lock);
		return; /* never go back to an older version */
	}
	if (cmp < 0) {
		rc = vnfha__ckpt_update_begin(d->store, v->name, v->epoch, v->gen, v->length,
					      VNFHA_CKPT_BLOCK_SIZE, NULL, true, &u);
	} else {
		durable = false; /* held already; not known to be on disk */
	}
	pthread_mutex_unlock(&d->lock);
	for (size_t off = 0; rc == 0 && u != NULL && off < v->length; off += VNFHA_CKPT_BLOCK_SIZE) {
		size_t n = v->length - off < VNFHA_CKPT_BLOCK_SIZE ? v->length - off
								    : VNFHA_CKPT_BLOCK_SIZE;

		rc = vnfha__ckpt_update_block(u, (uint32_t)(off / VNFHA_CKPT_BLOCK_SIZE),
					      v->payload + off, (uint32_t)n);
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0 && u != NULL) {
		rc = vnfha__ckpt_update_commit(u, durable);
		u = NULL;
		pthread_cond_broadcast(&d->cond);
	}
	vnfha__ckpt_update_abort(u);
	pthread_mutex_unlock(&d->lock);
	if (rc != 0) {
		vnfha_log(VNFHA_LOG_WARNING, "version %" PRIu64 ".%" PRIu64 " of '%s' from %s "
			  "refused: %s", v->epoch, v->gen, v->name, v->node, strerror(-rc));
		return;
	}
	send_ack(d, h, v, durable);
}

/* The primary records what a member acknowledged. */
static void record_ack(struct ckptd *d, struct ckptd_cpg *c, uint32_t nodeid, uint32_t pid,
		       const struct vnfha__ckpt_cpg_msg *a)
{
	struct cpg_member *m;
	struct cpg_ack *k;

	pthread_mutex_lock(&d->lock);
	m = d->role == VNFHA_CKPT_ROLE_PRIMARY ? member_find(c, nodeid, pid, true) : NULL;
	k = m != NULL ? ckptd_cpg_ack_find(m, a->name, true) : NULL;
	if (k != NULL && vnfha__ckpt_version_cmp(a->epoch, a->gen, k->epoch, k->gen) >= 0) {
		ckptd_cpg_seen_ack(c, m, k, a);
		snprintf(m->node, sizeof(m->node), "%s", a->node);
		k->epoch = a->epoch;
		k->gen = a->gen;
		k->state = a->flags & VNFHA_CKPT_CPG_F_DURABLE ? VNFHA_CKPT_STATE_DURABLE
							       : VNFHA_CKPT_STATE_MEMORY;
		ckptd_acked(d, a->name);
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	struct ckptd_cpg *c = NULL;
	struct vnfha__ckpt_cpg_msg m;
	int rc;

	(void)group;
	if (cpg_context_get(h, (void **)&c) != CS_OK || c == NULL) {
		return;
	}
	if (nodeid == c->own_nodeid && pid == c->own_pid) {
		return; /* our own multicast */
	}
	rc = vnfha__ckpt_cpg_decode(msg, len, &m);
	if (rc != 0) {
		/* Never applied; logged, but not once per message forever. */
		if (c->refused++ < 10) {
			vnfha_log(VNFHA_LOG_WARNING, "CPG message from node %" PRIu32 " refused: %s",
				  nodeid, strerror(-rc));
		}
		return;
	}
	ckptd_cpg_seen_msg(c, nodeid, pid, &m);
	if (m.type == VNFHA_CKPT_CPG_VERSION_MSG) {
		apply_version(c->d, h, &m);
	} else {
		record_ack(c->d, c, nodeid, pid, &m);
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	struct ckptd_cpg *c = NULL;
	struct ckptd *d;
	bool others_joined = false;

	(void)group;
	if (cpg_context_get(h, (void **)&c) != CS_OK || c == NULL) {
		return;
	}
	d = c->d;
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < n_left; i++) {
		struct cpg_member *m = member_find(c, left[i].nodeid, left[i].pid, false);

		if (m != NULL) {
			size_t idx = (size_t)(m - c->members);

			member_clear(m);
			memmove(&c->members[idx], &c->members[idx + 1],
				(c->n_members - idx - 1) * sizeof(c->members[0]));
			c->n_members--;
		}
	}
	for (size_t i = 0; i < n_joined; i++) {
		if (joined[i].nodeid == c->own_nodeid && joined[i].pid == c->own_pid) {
			c->joined = true;
		} else {
			others_joined = true;
		}
	}
	for (size_t i = 0; i < n_members; i++) {
		if (members[i].nodeid != c->own_nodeid || members[i].pid != c->own_pid) {
			member_find(c, members[i].nodeid, members[i].pid, true);
		}
	}
	if (others_joined) {
		forget_sent(c); /* a newcomer gets every latest version */
	}
	ckptd_cpg_seen_confchg(c, left, n_left, joined, n_joined);
	vnfha_log(VNFHA_LOG_INFO, "CPG group: %zu other member(s) (%zu joined, %zu left)",
		  c->n_members, n_joined, n_left);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

/* Connects and joins; the handle is published under the lock. */
static int cpg_connect(struct ckptd_cpg *c)
{
	struct ckptd *d = c->d;
	cpg_model_v1_data_t model;
	struct cpg_name name = { .length = (uint32_t)strlen(d->opts.cpg_group) };
	cpg_handle_t h = 0;
	unsigned int nodeid = 0;
	int fd = -1;
	cs_error_t err;

	memset(&model, 0, sizeof(model));
	model.model = CPG_MODEL_V1;
	model.cpg_deliver_fn = on_deliver;
	model.cpg_confchg_fn = on_confchg;
	memcpy(name.value, d->opts.cpg_group, name.length);
	err = cpg_model_initialize(&h, CPG_MODEL_V1, (cpg_model_data_t *)&model, c);
	if (err == CS_OK) {
		err = cpg_local_get(h, &nodeid);
	}
	if (err == CS_OK) {
		err = cpg_fd_get(h, &fd);
	}
	if (err == CS_OK) {
		for (int i = 0; i < 50; i++) {
			err = cpg_join(h, &name);
			if (err != CS_ERR_TRY_AGAIN) {
				break;
			}
			usleep(20000);
		}
	}
	if (err != CS_OK) {
		if (h != 0) {
			cpg_finalize(h);
		}
		return -(int)err;
	}
	pthread_mutex_lock(&d->lock);
	c->handle = h;
	c->fd = fd;
	c->own_nodeid = nodeid;
	c->own_pid = (uint32_t)getpid();
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void cpg_disconnect(struct ckptd_cpg *c)
{
	struct ckptd *d = c->d;
	cpg_handle_t h;

	pthread_mutex_lock(&d->lock);
	h = c->handle;
	c->handle = 0;
	c->joined = false;
	for (size_t i = 0; i < c->n_members; i++) {
		member_clear(&c->members[i]);
	}
	c->n_members = 0;
	d->rx_connected = false;
	forget_sent(c);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (h != 0) {
		cpg_finalize(h);
	}
}

static void *receiver_main(void *arg)
{
	struct ckptd_cpg *c = arg;
	struct ckptd *d = c->d;

	for (;;) {
		struct pollfd pfd;
		bool stopping;
		cs_error_t err;

		pthread_mutex_lock(&d->lock);
		stopping = d->stopping;
		pthread_mutex_unlock(&d->lock);
		if (stopping) {
			break;
		}
		if (c->handle == 0) {
			int rc = cpg_connect(c);

			if (rc != 0) {
				sleep(1);
				continue;
			}
			vnfha_log(VNFHA_LOG_INFO, "rejoined CPG group %s", d->opts.cpg_group);
		}
		pfd = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		if (poll(&pfd, 1, 200) <= 0) {
			continue;
		}
		err = cpg_dispatch(c->handle, CS_DISPATCH_ALL);
		if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
			vnfha_log(VNFHA_LOG_ERR, "lost Corosync (CPG error %d); reconnecting",
				  (int)err);
			cpg_disconnect(c);
		}
	}
	cpg_disconnect(c);
	return NULL;
}

static int cpg_start(struct ckptd *d)
{
	struct ckptd_cpg *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->d = d;
	d->repl_data = c;
	rc = cpg_connect(c);
	if (rc != 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot join CPG group '%s' (Corosync error %d): is "
			  "corosync running on this node?", d->opts.cpg_group, -rc);
		d->repl_data = NULL;
		free(c);
		return -ENOTCONN;
	}
	if (pthread_create(&c->receiver, NULL, receiver_main, c) != 0) {
		cpg_disconnect(c);
		d->repl_data = NULL;
		free(c);
		return -EAGAIN;
	}
	if (pthread_create(&c->sender, NULL, sender_main, c) != 0) {
		c->sender = 0;
	}
	vnfha_log(VNFHA_LOG_INFO, "joined CPG group %s (node id %" PRIu32 ")", d->opts.cpg_group,
		  c->own_nodeid);
	return 0;
}

/* After d->stopping is set and broadcast. */
static void cpg_stop(struct ckptd *d)
{
	struct ckptd_cpg *c = d->repl_data;

	if (c == NULL) {
		return;
	}
	pthread_join(c->receiver, NULL);
	if (c->sender != 0) {
		pthread_join(c->sender, NULL);
	}
	pthread_mutex_lock(&d->lock);
	d->repl_data = NULL;
	pthread_mutex_unlock(&d->lock);
	free(c->members);
	ckptd_cpg_seen_free(c);
	free(c);
}

/* A new primary forgets the acks of an earlier term and sends every
 * latest version again; a replica's sender idles on its own. */
static void cpg_on_role(struct ckptd *d)
{
	struct ckptd_cpg *c = d->repl_data;

	if (c == NULL || d->role != VNFHA_CKPT_ROLE_PRIMARY) {
		return;
	}
	for (size_t i = 0; i < c->n_members; i++) {
		free(c->members[i].acks);
		c->members[i].acks = NULL;
		c->members[i].n_acks = 0;
		c->members[i].lacking_since_ms = vnfha__now_ms();
	}
	forget_sent(c);
}

/* Starts each member's lag clock for name (the sender wakes on d->cond
 * by itself). */
static void cpg_on_commit(struct ckptd *d, const char *name)
{
	if (d->repl_data != NULL) {
		ckptd_cpg_seen_commit(d->repl_data, name);
	}
}

static uint16_t cpg_states(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen,
			   struct vnfha__ckpt_result_peer *out, uint16_t max, int *best)
{
	struct ckptd_cpg *c = d->repl_data;
	uint16_t n = 0;

	for (size_t i = 0; c != NULL && i < c->n_members; i++) {
		struct cpg_ack *k = ckptd_cpg_ack_find(&c->members[i], name, false);
		int st = VNFHA_CKPT_STATE_NONE;

		if (k != NULL && vnfha__ckpt_version_cmp(k->epoch, k->gen, epoch, gen) >= 0) {
			st = k->state;
		}
		if (n < max) {
			member_label(&c->members[i], out[n].peer, sizeof(out[n].peer));
			out[n].state = (uint8_t)st;
			n++;
		}
		if (st > *best) {
			*best = st;
		}
	}
	return n;
}

static int cpg_set_peers(struct ckptd *d, char *const *addrs, size_t n)
{
	(void)d;
	(void)addrs;
	(void)n;
	return -EOPNOTSUPP; /* the group's membership is the replica list */
}

const struct ckptd_repl ckptd_repl_cpg = {
	.name = "cpg",
	.records = false,
	.start = cpg_start,
	.stop = cpg_stop,
	.on_role = cpg_on_role,
	.on_commit = cpg_on_commit,
	.states = cpg_states,
	.status = ckptd_cpg_status,
	.set_peers = cpg_set_peers,
	.metrics = ckptd_cpg_metrics,
};
