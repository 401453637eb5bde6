// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the CPG checkpoint message decoder (what a replica reads from
 * the bus). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "ckpt/ckpt_cpg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_cpg_msg m;
	uint8_t *again;

	if (vnfha__ckpt_cpg_decode(data, size, &m) != 0) {
		return;
	}
	/* A message that decodes re-encodes to the same bytes. */
	assert(m.length <= VNFHA_CKPT_CPG_MAX_OBJECT && m.payload + m.length == data + size);
	again = malloc(size);
	assert(vnfha__ckpt_cpg_encode(&m, again, size) == (ssize_t)size);
	assert(memcmp(again, data, size) == 0);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	check(data, size);
	/* Also with a correct length and hash, so mutations reach the name
	 * and node checks instead of stopping at the hash. */
	if (size < VNFHA_CKPT_CPG_HDR_LEN) {
		return 0;
	}
	fixed = malloc(size);
	memcpy(fixed, data, size);
	for (size_t i = 0; i < 8; i++) {
		uint64_t len = size - VNFHA_CKPT_CPG_HDR_LEN;
		uint64_t h = XXH3_64bits(fixed + VNFHA_CKPT_CPG_HDR_LEN, len);

		fixed[24 + i] = (uint8_t)(len >> (8 * i));
		fixed[32 + i] = (uint8_t)(h >> (8 * i));
	}
	check(fixed, size);
	free(fixed);
	return 0;
}
