// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The primary's ACK reader (vnfha-ckptd-tcp.h): one thread per session,
 * beside the sender, reading the replica's ACKs while versions keep
 * flowing. An ACK is cumulative: it covers every version of its name sent
 * before it in the session; what the replica holds (its fingerprints,
 * kept to compute a block delta later) follows the versions it covers,
 * and each ACK answers the tickets waiting for them (ckptd_acked). A
 * refusal ends the session: the next one starts from the replica's
 * inventory (a block delta, then patches again).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-tcp.h"

struct reader_arg {
	struct ckptd *d;
	struct peer *p;
	struct vnfha__ckpt_conn *c;
};

static void inflight_free(struct inflight *f)
{
	vnfha__ckpt_meta_free(f->meta);
	free(f->blocks);
	memset(f, 0, sizeof(*f));
}

int ckptd_inflight_push(struct peer *p, struct peer_obj *po, struct inflight *f)
{
	if (po->fl_head > 0 && po->fl_head == po->fl_n) {
		po->fl_head = po->fl_n = 0;
	}
	if (po->fl_head > 16 && po->fl_head > po->fl_n / 2) {
		memmove(po->fl, po->fl + po->fl_head, (po->fl_n - po->fl_head) * sizeof(*po->fl));
		po->fl_n -= po->fl_head;
		po->fl_head = 0;
	}
	if (ckptd_grow((void **)&po->fl, &po->fl_cap, po->fl_n, sizeof(*po->fl)) != 0) {
		inflight_free(f);
		return -ENOMEM;
	}
	po->fl[po->fl_n++] = *f;
	p->fl_versions++;
	p->fl_bytes += f->bytes;
	po->sent_valid = true;
	po->sent_epoch = f->epoch;
	po->sent_gen = f->gen;
	memset(f, 0, sizeof(*f));
	return 0;
}

void ckptd_inflight_clear(struct peer *p)
{
	for (size_t i = 0; i < p->n_objs; i++) {
		struct peer_obj *po = &p->objs[i];

		for (size_t k = po->fl_head; k < po->fl_n; k++) {
			inflight_free(&po->fl[k]);
		}
		po->fl_head = po->fl_n = 0;
		po->sent_valid = false;
	}
	p->fl_versions = 0;
	p->fl_bytes = 0;
}

/* What the replica holds after f: a block delta's version whole, or a
 * PATCH's fingerprints over what it held. */
static void hold(struct peer_obj *po, struct inflight *f)
{
	if (f->meta != NULL) {
		vnfha__ckpt_meta_free(po->meta);
		po->meta = f->meta;
		f->meta = NULL;
		return;
	}
	if (po->meta == NULL) {
		return;
	}
	for (uint32_t i = 0; i < f->n_blocks; i++) {
		if (f->blocks[i].index < po->meta->nblocks) {
			po->meta->fps[f->blocks[i].index] = f->blocks[i].fp;
		}
	}
	po->meta->epoch = f->epoch;
	po->meta->gen = f->gen;
	po->meta->digest = 0; /* range versions keep none (ckpt_store.h) */
}

/* Records every replica has passed are of no more use. Lock held. */
static void trim(struct ckptd *d, const char *name)
{
	struct ckptd_tcp *t = ckptd_tcp(d);
	uint64_t e = UINT64_MAX;
	uint64_t g = UINT64_MAX;

	for (size_t i = 0; i < t->n_peers; i++) {
		struct peer_obj *po = NULL;

		for (size_t k = 0; k < t->peers[i]->n_objs; k++) {
			if (strcmp(t->peers[i]->objs[k].name, name) == 0) {
				po = &t->peers[i]->objs[k];
			}
		}
		if (po == NULL || po->meta == NULL) {
			return; /* a replica not heard of yet may still need them all */
		}
		if (vnfha__ckpt_version_cmp(po->meta->epoch, po->meta->gen, e, g) < 0) {
			e = po->meta->epoch;
			g = po->meta->gen;
		}
	}
	if (e != UINT64_MAX) {
		ckptd_records_drop(d, name, e, g);
	}
}

/* Lock held: an ACK of (epoch, gen) of name with flags. */
static void acked(struct ckptd *d, struct peer *p, const struct vnfha__ckpt_obj *a)
{
	struct peer_obj *po = ckptd_peer_obj(p, a->name);
	const struct vnfha__ckpt_meta *cur;
	uint64_t covered = 0;

	if (po == NULL) {
		return;
	}
	while (po->fl_head < po->fl_n) {
		struct inflight *f = &po->fl[po->fl_head];

		if (vnfha__ckpt_version_cmp(f->epoch, f->gen, a->epoch, a->gen) > 0) {
			break;
		}
		hold(po, f);
		p->fl_versions--;
		p->fl_bytes -= f->bytes;
		inflight_free(f);
		po->fl_head++;
		covered++;
	}
	po->state = a->flags & VNFHA_CKPT_F_DURABLE ? VNFHA_CKPT_STATE_DURABLE
						    : VNFHA_CKPT_STATE_MEMORY;
	if ((a->flags & VNFHA_CKPT_F_DURABLE) &&
	    vnfha__ckpt_version_cmp(a->epoch, a->gen, po->dur_epoch, po->dur_gen) > 0) {
		po->dur_epoch = a->epoch;
		po->dur_gen = a->gen;
	}
	cur = vnfha__ckpt_store_find(d->store, a->name);
	po->pending_since_ms = cur != NULL && cur->epoch == a->epoch && cur->gen == a->gen
				       ? 0
				       : vnfha__now_ms();
	p->n_acks++;
	p->n_acked_versions += covered;
	ckptd_acked(d, a->name);
	trim(d, a->name);
	ckptd_peer_kick(d, p); /* a window opened, a delta's next step */
	pthread_cond_broadcast(&d->cond);
}

static void *reader_main(void *arg)
{
	struct reader_arg *ra = arg;
	struct ckptd *d = ra->d;
	struct peer *p = ra->p;
	struct vnfha__ckpt_conn *c = ra->c;
	uint8_t buf[1024];
	int rc;

	free(ra);
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_obj a;
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);
		if (rc != 0) {
			break;
		}
		if (h.type != VNFHA_CKPT_ACK || got != h.length ||
		    vnfha__ckpt_obj_decode(buf, got, &a) != 0) {
			rc = -EPROTO;
			break;
		}
		pthread_mutex_lock(&d->lock);
		if (a.status < 0) {
			snprintf(p->last_error, sizeof(p->last_error),
				 "replica refused %s %llu.%llu: %s; starting over from its inventory",
				 a.name, (unsigned long long)a.epoch, (unsigned long long)a.gen,
				 strerror(-a.status));
			pthread_mutex_unlock(&d->lock);
			rc = a.status;
			break;
		}
		acked(d, p, &a);
		pthread_mutex_unlock(&d->lock);
	}
	pthread_mutex_lock(&d->lock);
	if (p->last_error[0] == '\0' && rc != -ECONNRESET && !p->stop && !d->stopping) {
		snprintf(p->last_error, sizeof(p->last_error), "acknowledgements: %s", strerror(-rc));
	}
	p->reader_done = true;
	pthread_cond_signal(&p->wake); /* the session ends */
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int ckptd_acks_start(struct ckptd *d, struct peer *p, struct vnfha__ckpt_conn *c,
		     pthread_t *ret_thread)
{
	struct reader_arg *ra = malloc(sizeof(*ra));
	int rc;

	if (ra == NULL) {
		return -ENOMEM;
	}
	*ra = (struct reader_arg){ .d = d, .p = p, .c = c };
	p->reader_done = false;
	rc = pthread_create(ret_thread, NULL, reader_main, ra);
	if (rc != 0) {
		free(ra);
		return -rc;
	}
	return 0;
}
