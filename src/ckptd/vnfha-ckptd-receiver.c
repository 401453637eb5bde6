// SPDX-License-Identifier: GPL-2.0-or-later
/* The replica's receiver: serves a primary's session (vnfha-ckptd-session.c)
 * on a stream a transport accepted, publishing each version it receives. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-tcp.h"

#define BURST_MAX 64 /* PATCH frames applied together, one fsync and one ACK */
#define BURST_BLOCKS 256
#define PEER_RBUF (64u << 10) /* the stream's read buffer: one read brings several frames */

static int send_inventory(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	size_t i = 0;
	int rc = 0;

	for (;;) {
		struct vnfha__ckpt_meta *copy = NULL;
		const struct vnfha__ckpt_meta *m;

		pthread_mutex_lock(&d->lock);
		while (i < vnfha__ckpt_store_count(d->store) &&
		       vnfha__ckpt_store_at(d->store, i) == NULL) {
			i++;
		}
		m = vnfha__ckpt_store_at(d->store, i);
		if (m != NULL) {
			rc = vnfha__ckpt_meta_dup(m, &copy);
		}
		pthread_mutex_unlock(&d->lock);
		if (m == NULL || rc != 0) {
			break;
		}
		/* What is in the store went through fsync at load or commit
		 * only when durable; report memory, the safe side. */
		rc = ckptd_send_obj(c, VNFHA_CKPT_INV, copy, true, 0, 0);
		vnfha__ckpt_meta_free(copy);
		if (rc != 0) {
			return rc;
		}
		i++;
	}
	return rc != 0 ? rc : vnfha__ckpt_io_send(c, VNFHA_CKPT_INV_END, NULL, 0);
}

/* Receives BEGIN .. END and publishes; returns the ACK status. */
static int receive_version(struct ckptd *d, struct vnfha__ckpt_conn *c, const uint8_t *payload,
			   size_t len, uint8_t *blk, bool *ret_durable, struct vnfha__ckpt_obj *ret_o)
{
	struct vnfha__ckpt_update *u = NULL;
	struct vnfha__ckpt_obj o;
	uint64_t *fps = NULL;
	int status = 0;
	int rc;

	if (vnfha__ckpt_obj_decode(payload, len, &o) != 0 || (o.n_fps == 0 && o.size > 0)) {
		return -EPROTO;
	}
	*ret_o = o;
	*ret_durable = (o.flags & VNFHA_CKPT_F_DURABLE) != 0;
	fps = calloc(o.n_fps + 1, sizeof(*fps));
	if (fps == NULL) {
		return -ENOMEM;
	}
	vnfha__ckpt_fp_from_wire(o.fps, o.n_fps, fps);
	pthread_mutex_lock(&d->lock);
	if (d->role != VNFHA_CKPT_ROLE_REPLICA) {
		status = -EROFS;
	} else {
		status = vnfha__ckpt_update_begin(d->store, o.name, o.epoch, o.gen, o.size,
						  o.block_size, fps, (o.flags & VNFHA_CKPT_F_FULL) != 0,
						  &u);
	}
	pthread_mutex_unlock(&d->lock);
	free(fps);
	/* Blocks are read even after a failure, to stay in step with the
	 * stream, and the failure is reported in the ACK. */
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_block b;
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(c, &h, blk, VNFHA_CKPT_BLOCK_HDR_LEN, &got);
		if (rc != 0) {
			break;
		}
		if (h.type == VNFHA_CKPT_END || h.type == VNFHA_CKPT_ABORT) {
			uint8_t tail[512];

			if (h.length > sizeof(tail)) {
				rc = -EPROTO;
				break;
			}
			rc = vnfha__ckpt_io_read(c, tail, h.length - got);
			if (rc == 0 && h.type == VNFHA_CKPT_ABORT) {
				rc = -ECANCELED;
			}
			break;
		}
		if (h.type != VNFHA_CKPT_BLOCK || got != VNFHA_CKPT_BLOCK_HDR_LEN ||
		    vnfha__ckpt_block_decode(blk, got, h.length, &b) != 0 ||
		    b.length > o.block_size) {
			rc = -EPROTO;
			break;
		}
		rc = vnfha__ckpt_io_read(c, blk, b.length);
		if (rc != 0) {
			break;
		}
		if (status == 0) {
			status = b.index < UINT32_MAX
					 ? vnfha__ckpt_update_block(u, (uint32_t)b.index, blk, b.length)
					 : -EINVAL;
		}
	}
	pthread_mutex_lock(&d->lock);
	if (rc == 0 && status == 0) {
		status = vnfha__ckpt_update_commit(u, *ret_durable);
		u = NULL;
		pthread_cond_broadcast(&d->cond);
	}
	vnfha__ckpt_update_abort(u);
	pthread_mutex_unlock(&d->lock);
	if (rc == -ECANCELED) {
		return 1; /* no ACK for an aborted version */
	}
	return rc != 0 ? rc : status;
}

/* ACK of (epoch, gen) of name: status, and DURABLE when on stable storage. */
static int send_ack(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *name,
		    uint64_t epoch, uint64_t gen, bool durable, int status)
{
	struct vnfha__ckpt_meta m = { .epoch = epoch, .gen = gen,
				      .block_size = VNFHA_CKPT_BLOCK_SIZE };
	const struct vnfha__ckpt_meta *cur;

	snprintf(m.name, sizeof(m.name), "%s", name);
	pthread_mutex_lock(&d->lock);
	cur = vnfha__ckpt_store_find(d->store, name);
	if (cur != NULL) {
		m.size = cur->size;
		m.block_size = cur->block_size;
		m.digest = cur->epoch == epoch && cur->gen == gen ? cur->digest : 0;
	}
	pthread_mutex_unlock(&d->lock);
	return ckptd_send_obj(c, VNFHA_CKPT_ACK, &m, false,
			      status == 0 && durable ? VNFHA_CKPT_F_DURABLE : 0, status);
}

/*
 * A run of PATCH frames of one object, the first in buf (*len bytes):
 * each applied on top of the one before in one patch transaction while
 * more are already buffered (up to BURST_MAX), then one fsync if any asked
 * for durability, one write in place, one ACK for the last (it covers
 * them all). A refused one (-ESTALE: not on the version held; -EILSEQ: a
 * block's fingerprint differs) is answered with its status and nothing of
 * it is stored. A frame of another kind read meanwhile is left in buf, its
 * header in *h, and *ret_have set. <0: the session must end.
 */
static int receive_patches(struct ckptd *d, struct vnfha__ckpt_conn *c, uint8_t *buf,
			   struct vnfha__ckpt_hdr *h, size_t *len, bool *ret_have, const char *who)
{
	struct vnfha__ckpt_ptx *tx = NULL;
	struct vnfha__ckpt_patch p;
	char name[VNFHA_CKPT_NAME_MAX + 1] = "";
	uint64_t refused_e = 0;
	uint64_t refused_g = 0;
	uint64_t e = 0;
	uint64_t g = 0;
	bool durable = false;
	int status = 0;
	int n = 0;
	int rc = 0;

	*ret_have = false;
	for (;;) {
		if (vnfha__ckpt_patch_decode(buf, *len, &p) != 0) {
			rc = -EPROTO;
			break;
		}
		if (tx != NULL && strcmp(p.name, name) != 0) {
			*ret_have = true; /* another object: its own run */
			break;
		}
		if (tx == NULL) {
			snprintf(name, sizeof(name), "%s", p.name);
			pthread_mutex_lock(&d->lock);
			status = d->role != VNFHA_CKPT_ROLE_REPLICA
					 ? -EROFS
					 : vnfha__ckpt_ptx_begin(d->store, p.name, &tx);
			pthread_mutex_unlock(&d->lock);
			status = status == -ENOENT ? -ESTALE : status;
		}
		if (status == 0) {
			status = vnfha__ckpt_ptx_apply(tx, &p, buf, *len);
		}
		if (status != 0) {
			refused_e = p.epoch;
			refused_g = p.gen;
			break;
		}
		durable = durable || (p.flags & VNFHA_CKPT_F_DURABLE);
		n++;
		if (n >= BURST_MAX || vnfha__ckpt_ptx_staged(tx) >= BURST_BLOCKS ||
		    !vnfha__ckpt_io_pending(c)) {
			break;
		}
		rc = vnfha__ckpt_io_recv(c, h, buf, VNFHA_CKPT_MAX_PAYLOAD, len);
		if (rc == 0 && *len != h->length) {
			rc = -EPROTO;
		}
		if (rc != 0) {
			break;
		}
		if (h->type != VNFHA_CKPT_PATCH) {
			*ret_have = true;
			break;
		}
	}
	if (tx != NULL) {
		int st = n > 0 && durable ? vnfha__ckpt_ptx_sync(tx) : 0;

		vnfha__ckpt_ptx_version(tx, &e, &g);
		pthread_mutex_lock(&d->lock);
		if (n > 0 && st == 0) {
			st = vnfha__ckpt_ptx_commit(tx);
			if (st == 0) {
				snprintf(d->rx_name, sizeof(d->rx_name), "%s", name);
				d->rx_epoch = e;
				d->rx_gen = g;
				d->rx_at_ms = vnfha__now_ms();
			}
			pthread_cond_broadcast(&d->cond);
		} else {
			vnfha__ckpt_ptx_abort(tx);
		}
		pthread_mutex_unlock(&d->lock);
		if (n > 0 && rc == 0) {
			rc = send_ack(d, c, name, e, g, durable, st);
		}
	}
	if (status != 0 && rc == 0) {
		vnfha_log(VNFHA_LOG_WARNING, "version %llu.%llu of '%s' from %s refused: %s",
			  (unsigned long long)refused_e, (unsigned long long)refused_g, name, who,
			  strerror(-status));
		rc = send_ack(d, c, name, refused_e, refused_g, false, status);
	}
	return rc;
}

void ckptd_serve_peer(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *who)
{
	struct vnfha__ckpt_hello h;
	char sec[64];
	uint8_t *buf = malloc(VNFHA_CKPT_MAX_PAYLOAD);
	uint8_t *blk = malloc(VNFHA_CKPT_MAX_BLOCK_SIZE);
	struct vnfha__ckpt_hdr hdr;
	size_t got = 0;
	bool have = false;
	int rc = buf != NULL && blk != NULL ? 0 : -ENOMEM;

	/* Frames read through a buffer: one read for the patches queued on
	 * the stream, not two per frame. */
	if (rc == 0) {
		rc = vnfha__ckpt_conn_buffer(c, PEER_RBUF);
	}
	if (rc == 0) {
		rc = ckptd_recv_hello(c, &h);
	}
	if (rc == 0) {
		pthread_mutex_lock(&d->lock);
		rc = ckptd_send_hello(d, c);
		if (rc == 0 && d->role != VNFHA_CKPT_ROLE_REPLICA) {
			rc = -EROFS;
		}
		pthread_mutex_unlock(&d->lock);
	}
	if (rc == -EROFS) {
		vnfha_log(VNFHA_LOG_WARNING, "primary %s (%s) connected, but this node is primary too",
			  who, h.node);
		goto out;
	}
	if (rc == 0) {
		vnfha_log(VNFHA_LOG_INFO, "primary %s (%s) connected (%s)", who, h.node,
			  vnfha__ckpt_conn_security(c, sec, sizeof(sec)));
		pthread_mutex_lock(&d->lock);
		snprintf(d->rx_primary, sizeof(d->rx_primary), "%s (%s)", h.node, who);
		d->rx_connected = true;
		pthread_mutex_unlock(&d->lock);
		rc = send_inventory(d, c);
	}
	while (rc == 0) {
		struct vnfha__ckpt_obj o;
		bool durable = false;
		int status;

		if (!have) {
			rc = vnfha__ckpt_io_recv(c, &hdr, buf, VNFHA_CKPT_MAX_PAYLOAD, &got);
			if (rc != 0) {
				break;
			}
		}
		have = false;
		if (hdr.type == VNFHA_CKPT_PATCH && got == hdr.length) {
			rc = receive_patches(d, c, buf, &hdr, &got, &have, who);
			continue;
		}
		if (hdr.type != VNFHA_CKPT_BEGIN || got != hdr.length) {
			rc = -EPROTO;
			break;
		}
		status = receive_version(d, c, buf, got, blk, &durable, &o);
		if (status == 1) {
			continue;
		}
		if (status == -EPROTO || status == -ECONNRESET || status == -EIO ||
		    status == -ETIMEDOUT || status == -EPIPE) {
			rc = status;
			break;
		}
		if (status == 0) {
			pthread_mutex_lock(&d->lock);
			snprintf(d->rx_name, sizeof(d->rx_name), "%s", o.name);
			d->rx_epoch = o.epoch;
			d->rx_gen = o.gen;
			d->rx_at_ms = vnfha__now_ms();
			pthread_mutex_unlock(&d->lock);
		}
		if (status != 0) {
			vnfha_log(VNFHA_LOG_WARNING, "version %llu.%llu of '%s' from %s refused: %s",
				  (unsigned long long)o.epoch, (unsigned long long)o.gen, o.name, who,
				  strerror(-status));
		}
		{
			struct vnfha__ckpt_meta m = { 0 };

			snprintf(m.name, sizeof(m.name), "%s", o.name);
			m.epoch = o.epoch;
			m.gen = o.gen;
			m.size = o.size;
			m.block_size = o.block_size;
			m.digest = o.digest;
			rc = ckptd_send_obj(c, VNFHA_CKPT_ACK, &m, false,
					    status == 0 && durable ? VNFHA_CKPT_F_DURABLE : 0, status);
		}
	}
	pthread_mutex_lock(&d->lock);
	d->rx_connected = false;
	pthread_mutex_unlock(&d->lock);
	if (rc != -ECONNRESET && rc != 0) {
		vnfha_log(VNFHA_LOG_WARNING, "session with %s ended: %s", who, strerror(-rc));
	}
out:
	free(buf);
	free(blk);
}
