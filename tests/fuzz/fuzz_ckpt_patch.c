// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the range commit codecs (ckpt_patch.h). The first byte picks
 * what the rest is: 0 a PATCH frame (replica), 1 a COMMITV (daemon from a
 * local client), 2 a DONE (client), 3 a journal file (records read at load,
 * each body a PATCH; the first record's hash is fixed up so mutations reach
 * the PATCH decoder). What decodes re-encodes to the same bytes. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "ckpt/ckpt_patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_patch(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_patch p;
	struct vnfha_ckpt_range *r;
	struct vnfha__ckpt_pblock *b;
	uint8_t *again;
	uint64_t total = 0;
	int n;

	if (vnfha__ckpt_patch_decode(data, size, &p) != 0) {
		return;
	}
	r = calloc(p.n_ranges + 1, sizeof(*r));
	b = calloc(p.n_blocks + 1, sizeof(*b));
	again = malloc(size);
	for (uint32_t i = 0; i < p.n_ranges; i++) {
		uint32_t len;

		vnfha__ckpt_range_at(p.ranges, i, &r[i].offset, &len);
		r[i].length = len;
		assert(r[i].offset + r[i].length <= p.size);
		total += len;
	}
	for (uint32_t i = 0; i < p.n_blocks; i++) {
		b[i] = vnfha__ckpt_pblock_at(p.blocks, i);
	}
	assert(total == p.data_len && p.data + p.data_len == data + size);
	assert(vnfha__ckpt_patch_touched(r, p.n_ranges, p.block_size, NULL, 0) == p.n_blocks);
	n = vnfha__ckpt_patch_head_encode(&p, r, b, again, size);
	assert(n >= 0 && (size_t)n + total == size && memcmp(again, data, (size_t)n) == 0);
	free(again);
	free(r);
	free(b);
}

static void check_commitv(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_commitv cv;
	struct vnfha_ckpt_range *r;
	uint8_t *again;
	int n;

	if (vnfha__ckpt_commitv_decode(data, size, &cv) != 0) {
		return;
	}
	r = calloc(cv.n_ranges + 1, sizeof(*r));
	again = malloc(size);
	for (uint32_t i = 0; i < cv.n_ranges; i++) {
		uint32_t len;

		vnfha__ckpt_range_at(cv.ranges, i, &r[i].offset, &len);
		r[i].length = len;
	}
	n = vnfha__ckpt_commitv_head_encode(&cv, r, again, size);
	assert(n >= 0 && (size_t)n + cv.data_len == size && memcmp(again, data, (size_t)n) == 0);
	free(again);
	free(r);
}

static void check_done(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_result res;
	uint64_t first;
	uint64_t last;
	uint8_t again[8192];

	if (vnfha__ckpt_done_decode(data, size, &first, &last, &res) != 0) {
		return;
	}
	assert(first <= last);
	assert(vnfha__ckpt_done_encode(first, last, &res, again, sizeof(again)) == (int)size);
	assert(memcmp(again, data, size) == 0);
}

static void check_journal(const uint8_t *data, size_t size)
{
	size_t off = 0;

	while (off < size) {
		const uint8_t *body;
		size_t body_len;
		size_t rec_len;

		if (vnfha__ckpt_record_decode(data + off, size - off, &body, &body_len, &rec_len) !=
		    0) {
			break;
		}
		assert(rec_len == body_len + 16 && rec_len <= size - off);
		check_patch(body, body_len);
		off += rec_len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	if (size < 1) {
		return 0;
	}
	switch (data[0] % 4) {
	case 0:
		check_patch(data + 1, size - 1);
		break;
	case 1:
		check_commitv(data + 1, size - 1);
		break;
	case 2:
		check_done(data + 1, size - 1);
		break;
	default:
		check_journal(data + 1, size - 1);
		if (size < 1 + 16) {
			break;
		}
		/* The same with the first record's length and hash made right. */
		fixed = malloc(size - 1);
		memcpy(fixed, data + 1, size - 1);
		{
			size_t body = size - 1 - 16;
			uint64_t h;

			for (int i = 0; i < 4; i++) {
				fixed[4 + i] = (uint8_t)(body >> (8 * i));
			}
			h = XXH3_64bits(fixed, 8 + body);
			for (int i = 0; i < 8; i++) {
				fixed[8 + body + i] = (uint8_t)(h >> (8 * i));
			}
		}
		check_journal(fixed, size - 1);
		free(fixed);
		break;
	}
	return 0;
}
