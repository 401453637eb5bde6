// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-store "replication" (struct ckptd_repl, vnfha-ckptd.h;
 * --shared): the store is on storage every node mounts and only the
 * promoted node runs a daemon, so there is no replica to send to. A
 * commit's modes mean what they can there: sync - the version is in the
 * shared store (published, in the page cache of the storage's client);
 * durable - it is on stable storage there (data, log and directory
 * fsync'ed before the version was published). One pseudo-replica,
 * "shared:DIR", carries that state in results and status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

struct shared_dur {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch; /* the newest version committed durable */
	uint64_t gen;
};

struct ckptd_shared {
	struct shared_dur *v;
	size_t n;
	size_t cap;
};

static struct shared_dur *dur_of(struct ckptd_shared *sh, const char *name, bool add)
{
	for (size_t i = 0; i < sh->n; i++) {
		if (strcmp(sh->v[i].name, name) == 0) {
			return &sh->v[i];
		}
	}
	if (!add || ckptd_grow((void **)&sh->v, &sh->cap, sh->n, sizeof(*sh->v)) != 0) {
		return NULL;
	}
	memset(&sh->v[sh->n], 0, sizeof(sh->v[0]));
	snprintf(sh->v[sh->n].name, sizeof(sh->v[0].name), "%s", name);
	return &sh->v[sh->n++];
}

static void label(struct ckptd *d, char *out, size_t len)
{
	snprintf(out, len, "shared:%.*s", len > 8 ? (int)(len - 8) : 0, d->opts.store_dir);
}

static int shared_start(struct ckptd *d)
{
	struct ckptd_shared *sh = calloc(1, sizeof(*sh));

	if (sh == NULL) {
		return -ENOMEM;
	}
	pthread_mutex_lock(&d->lock);
	d->repl_data = sh;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static void shared_stop(struct ckptd *d)
{
	struct ckptd_shared *sh;

	pthread_mutex_lock(&d->lock);
	sh = d->repl_data;
	d->repl_data = NULL;
	pthread_mutex_unlock(&d->lock);
	if (sh != NULL) {
		free(sh->v);
		free(sh);
	}
}

static void shared_on_role(struct ckptd *d)
{
	(void)d; /* nothing to start: no replica */
}

/* A version made with a durable commit among its tickets was fsync'ed
 * (data or log, and the directory) before it was published. */
static void shared_on_commit(struct ckptd *d, const char *name)
{
	const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_find(d->store, name);
	struct shared_dur *x;

	if (m == NULL || !ckptd_wants_durable(d, name)) {
		return;
	}
	x = dur_of(d->repl_data, name, true);
	if (x != NULL && vnfha__ckpt_version_cmp(m->epoch, m->gen, x->epoch, x->gen) > 0) {
		x->epoch = m->epoch;
		x->gen = m->gen;
	}
}

static uint16_t shared_states(struct ckptd *d, const char *name, uint64_t epoch, uint64_t gen,
			      struct vnfha__ckpt_result_peer *out, uint16_t max, int *best)
{
	const struct vnfha__ckpt_meta *m = vnfha__ckpt_store_find(d->store, name);
	struct shared_dur *x = dur_of(d->repl_data, name, false);
	int st = VNFHA_CKPT_STATE_NONE;

	if (m != NULL && vnfha__ckpt_version_cmp(m->epoch, m->gen, epoch, gen) >= 0) {
		st = x != NULL && vnfha__ckpt_version_cmp(x->epoch, x->gen, epoch, gen) >= 0
			     ? VNFHA_CKPT_STATE_DURABLE
			     : VNFHA_CKPT_STATE_MEMORY;
	}
	if (st > *best) {
		*best = st;
	}
	if (max == 0) {
		return 0;
	}
	label(d, out[0].peer, sizeof(out[0].peer));
	out[0].state = (uint8_t)st;
	return 1;
}

static void shared_status(struct ckptd *d, struct ckptd_text *out)
{
	char l[VNFHA_CKPT_NAME_MAX + 1];

	label(d, l, sizeof(l));
	ckptd_text_add(out, "store %s (shared: sync is in the store, durable fsync'ed there)\n",
		       l);
}

static int shared_set_peers(struct ckptd *d, char *const *addrs, size_t n)
{
	(void)d;
	(void)addrs;
	(void)n;
	return -EOPNOTSUPP; /* the store is shared: there is no replica */
}

const struct ckptd_repl ckptd_repl_shared = {
	.name = "shared",
	.records = false,
	.start = shared_start,
	.stop = shared_stop,
	.on_role = shared_on_role,
	.on_commit = shared_on_commit,
	.states = shared_states,
	.status = shared_status,
	.set_peers = shared_set_peers,
};
