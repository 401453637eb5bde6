// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: a checkpoint frame as the daemon and libvnfha decode it - the
 * header, then the payload through the decoder its type selects. What
 * decodes must re-encode to a payload that decodes to the same fields. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[VNFHA_CKPT_MAX_PAYLOAD / 64];

static void obj(const uint8_t *p, size_t n)
{
	struct vnfha__ckpt_obj o, o2;
	static uint64_t fps[1u << 16];
	int k;

	if (vnfha__ckpt_obj_decode(p, n, &o) != 0) {
		return;
	}
	if (o.n_fps <= sizeof(fps) / sizeof(fps[0])) {
		vnfha__ckpt_fp_from_wire(o.fps, o.n_fps, fps);
		(void)vnfha__ckpt_fp_digest(fps, o.n_fps);
	}
	k = vnfha__ckpt_obj_encode(&o, out, sizeof(out));
	if (k >= 0) {
		assert((size_t)k == n && memcmp(out, p, n) == 0);
		assert(vnfha__ckpt_obj_decode(out, (size_t)k, &o2) == 0);
		assert(o2.gen == o.gen && o2.size == o.size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_hdr h;
	const uint8_t *p = data + VNFHA_CKPT_HDR_LEN;
	size_t n;

	if (vnfha__ckpt_hdr_decode(data, size, &h) != 0) {
		return 0;
	}
	n = size - VNFHA_CKPT_HDR_LEN < h.length ? size - VNFHA_CKPT_HDR_LEN : h.length;
	switch (h.type) {
	case VNFHA_CKPT_HELLO: {
		struct vnfha__ckpt_hello x;

		if (vnfha__ckpt_hello_decode(p, n, &x) == 0) {
			int k = vnfha__ckpt_hello_encode(&x, out, sizeof(out));

			assert(k == (int)n && memcmp(out, p, n) == 0);
		}
		break;
	}
	case VNFHA_CKPT_BLOCK: {
		struct vnfha__ckpt_block b;

		if (vnfha__ckpt_block_decode(p, n, h.length, &b) == 0) {
			assert(b.length == h.length - VNFHA_CKPT_BLOCK_HDR_LEN);
			(void)vnfha__ckpt_fp_block(p + VNFHA_CKPT_BLOCK_HDR_LEN,
						   n - VNFHA_CKPT_BLOCK_HDR_LEN);
		}
		break;
	}
	case VNFHA_CKPT_RESULT: {
		struct vnfha__ckpt_result r;

		if (vnfha__ckpt_result_decode(p, n, &r) == 0) {
			int k = vnfha__ckpt_result_encode(&r, out, sizeof(out));

			assert(k == (int)n && memcmp(out, p, n) == 0);
		}
		break;
	}
	case VNFHA_CKPT_TEXT:
	case VNFHA_CKPT_PEERS: {
		static char text[VNFHA_CKPT_TEXT_MAX + 1];

		(void)vnfha__ckpt_text_decode(p, n, text, sizeof(text));
		break;
	}
	case VNFHA_CKPT_INV:
	case VNFHA_CKPT_BEGIN:
	case VNFHA_CKPT_END:
	case VNFHA_CKPT_ABORT:
	case VNFHA_CKPT_ACK:
	case VNFHA_CKPT_INFO:
		obj(p, n);
		break;
	default: {
		struct vnfha__ckpt_req r;

		if (vnfha__ckpt_req_decode(p, n, &r) == 0) {
			int k = vnfha__ckpt_req_encode(&r, out, sizeof(out));

			assert(k == (int)n && memcmp(out, p, n) == 0);
		}
		break;
	}
	}
	return 0;
}
