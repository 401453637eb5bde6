// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the store's meta file decoder (what a load reads from disk). */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt_store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_meta *m = NULL;
	uint8_t *again = NULL;
	size_t len = 0;

	if (vnfha__ckpt_meta_decode(data, size, &m) != 0) {
		return 0;
	}
	/* A meta that decodes re-encodes to the same bytes. */
	assert(vnfha__ckpt_meta_encode(m, &again, &len) == 0);
	assert(len == size && memcmp(again, data, size) == 0);
	free(again);
	vnfha__ckpt_meta_free(m);
	return 0;
}
