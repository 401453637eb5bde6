/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Block fingerprints of a checkpoint: XXH3-64 of each block (the last one
 * may be short), and a digest of the whole list that names a version's
 * content. Fingerprints travel little-endian (ckpt_wire.h); in memory they
 * are host uint64_t arrays.
 */
#ifndef VNFHA_CKPT_FP_H
#define VNFHA_CKPT_FP_H

#include <stddef.h>
#include <stdint.h>

uint64_t vnfha__ckpt_fp_block(const void *data, size_t len);

/* XXH3-64 over the little-endian list: equal digests, equal content. */
uint64_t vnfha__ckpt_fp_digest(const uint64_t *fps, uint32_t n);

/* Wire (little-endian) <-> host arrays of n fingerprints. */
void vnfha__ckpt_fp_to_wire(const uint64_t *fps, uint32_t n, uint8_t *out);
void vnfha__ckpt_fp_from_wire(const uint8_t *in, uint32_t n, uint64_t *out);

/*
 * Marks in want[] (n_new bytes, 1 = send) the blocks of the new version a
 * holder of the old one lacks: those whose fingerprint differs, and all of
 * them when old is NULL or has another block count (a new or diverged
 * replica gets a full copy). Returns the number marked.
 */
uint32_t vnfha__ckpt_fp_diff(const uint64_t *old_fps, uint32_t n_old, const uint64_t *new_fps,
			     uint32_t n_new, uint8_t *want);

#endif
