// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the store's meta file decoder (what a load reads from disk). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "ckpt/ckpt_store_internal.h"
#include "ckpt/ckpt_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_meta *m = NULL;
	uint8_t *again = NULL;
	size_t len = 0;

	if (vnfha__ckpt_meta_decode(data, size, &m) != 0) {
		return;
	}
	/* A meta that decodes re-encodes to the same bytes. */
	assert(vnfha__ckpt_meta_encode(m, &again, &len) == 0);
	assert(len == size && memcmp(again, data, size) == 0);
	free(again);
	vnfha__ckpt_meta_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	check(data, size);
	/* Also with a correct trailing checksum, so mutations reach the
	 * body decoder instead of stopping at the checksum. */
	if (size < 20) {
		return 0;
	}
	fixed = malloc(size);
	memcpy(fixed, data, size);
	vnfha__ckpt_put_u64(fixed + size - 8, XXH3_64bits(fixed, size - 8));
	check(fixed, size);
	free(fixed);
	return 0;
}
