// SPDX-License-Identifier: LGPL-2.1-or-later
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_wire.h"

uint64_t vnfha__ckpt_fp_block(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

uint64_t vnfha__ckpt_fp_digest(const uint64_t *fps, uint32_t n)
{
	XXH3_state_t st;
	uint8_t chunk[8 * 256];

	XXH3_64bits_reset(&st);
	for (uint32_t i = 0; i < n; i += 256) {
		uint32_t k = n - i < 256 ? n - i : 256;

		vnfha__ckpt_fp_to_wire(fps + i, k, chunk);
		XXH3_64bits_update(&st, chunk, (size_t)k * 8);
	}
	return XXH3_64bits_digest(&st);
}

void vnfha__ckpt_fp_to_wire(const uint64_t *fps, uint32_t n, uint8_t *out)
{
	for (uint32_t i = 0; i < n; i++) {
		vnfha__ckpt_put_u64(out + (size_t)i * 8, fps[i]);
	}
}

void vnfha__ckpt_fp_from_wire(const uint8_t *in, uint32_t n, uint64_t *out)
{
	for (uint32_t i = 0; i < n; i++) {
		out[i] = vnfha__ckpt_fp_at(in, i);
	}
}

uint32_t vnfha__ckpt_fp_diff(const uint64_t *old_fps, uint32_t n_old, const uint64_t *new_fps,
			     uint32_t n_new, uint8_t *want)
{
	uint32_t count = 0;
	bool all = old_fps == NULL || n_old != n_new;

	for (uint32_t i = 0; i < n_new; i++) {
		want[i] = all || old_fps[i] != new_fps[i];
		count += want[i];
	}
	return count;
}
