// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Daemon to daemon: the messages both ends of a session send. A session is
 *   primary -> HELLO; replica -> HELLO, INV (every version it holds, with
 *   fingerprints)..., INV_END; then per version: BEGIN (fingerprints of
 *   the new version), BLOCK (only blocks the replica lacks)..., END;
 *   replica -> ACK after publishing (ABORT drops a version whose bytes
 *   changed under the sender).
 * The primary's side is vnfha-ckptd-sender.c, the replica's
 * vnfha-ckptd-receiver.c, the streams under them vnfha-ckptd-transports.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckpt/ckpt_fp.h"
#include "vnfha-ckptd-tcp.h"

int ckptd_recv_hello(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hello *ret)
{
	struct vnfha__ckpt_hdr h;
	uint8_t buf[256];
	size_t got = 0;
	int rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type != VNFHA_CKPT_HELLO || got != h.length ||
	    vnfha__ckpt_hello_decode(buf, got, ret) != 0) {
		return -EPROTO;
	}
	return 0;
}

int ckptd_send_obj(struct vnfha__ckpt_conn *c, uint16_t type, const struct vnfha__ckpt_meta *m,
		   bool with_fps, uint32_t flags, int32_t status)
{
	struct vnfha__ckpt_obj o = { 0 };
	size_t len = vnfha__ckpt_obj_len(with_fps ? m->nblocks : 0);
	uint8_t *buf = malloc(len);
	uint8_t *fps = with_fps ? malloc((size_t)m->nblocks * 8 + 1) : NULL;
	int n;

	if (buf == NULL || (with_fps && fps == NULL)) {
		free(buf);
		free(fps);
		return -ENOMEM;
	}
	snprintf(o.name, sizeof(o.name), "%s", m->name);
	o.epoch = m->epoch;
	o.gen = m->gen;
	o.size = m->size;
	o.block_size = m->block_size;
	o.digest = m->digest;
	o.flags = flags;
	o.status = status;
	if (with_fps) {
		vnfha__ckpt_fp_to_wire(m->fps, m->nblocks, fps);
		o.fps = fps;
		o.n_fps = m->nblocks;
	}
	n = vnfha__ckpt_obj_encode(&o, buf, len);
	if (n >= 0) {
		n = vnfha__ckpt_io_send(c, type, buf, (uint32_t)n);
	}
	free(buf);
	free(fps);
	return n;
}
