// SPDX-License-Identifier: GPL-2.0-or-later
/* The replica's receiver: serves a primary's session (vnfha-ckptd-session.c)
 * on a stream a transport accepted, publishing each version it receives. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt_fp.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd-tcp.h"

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

void ckptd_serve_peer(struct ckptd *d, struct vnfha__ckpt_conn *c, const char *who)
{
	struct vnfha__ckpt_hello h;
	char sec[64];
	uint8_t *buf = malloc(VNFHA_CKPT_MAX_PAYLOAD);
	uint8_t *blk = malloc(VNFHA_CKPT_MAX_BLOCK_SIZE);
	int rc = buf != NULL && blk != NULL ? 0 : -ENOMEM;

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
		struct vnfha__ckpt_hdr hdr;
		struct vnfha__ckpt_obj o;
		bool durable = false;
		size_t got = 0;
		int status;

		rc = vnfha__ckpt_io_recv(c, &hdr, buf, VNFHA_CKPT_MAX_PAYLOAD, &got);
		if (rc != 0) {
			break;
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
