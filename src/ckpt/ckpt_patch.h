/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Range commits on the wire and in the journal (src/ckptd/README.md, "Range
 * commits"): pure, bounds-checked codecs (STYLE.md rule 12). Integers are
 * little-endian, strings a u16 length and bytes, as in ckpt_wire.h.
 *
 *   COMMITV (client -> daemon): name | ticket u64 | mode u32 | timeout_ms u32 |
 *           flags u32 | n u32 | n x (offset u64, length u32) | the bytes
 *   DONE    (daemon -> client): ticket_first u64 | ticket_last u64 | RESULT body
 *   PATCH   (daemon -> daemon, and the body of a journal record): name |
 *           epoch u64 | gen u64 | base_epoch u64 | base_gen u64 | size u64 |
 *           block_size u32 | flags u32 | n_ranges u32 | n_blocks u32 |
 *           n_ranges x (offset u64, length u32) | n_blocks x (index u32, fp u64) |
 *           the bytes of the ranges
 *   journal record: magic "VNPR" u32 | body length u32 | PATCH body |
 *           XXH3-64 of everything before it
 *
 * Encoders write the part before the bytes (the caller sends the bytes from
 * where they are, with writev/sendmsg) and return its length or -ENOBUFS /
 * -EINVAL; decoders check the whole payload, bytes included, and return 0
 * or -EBADMSG.
 */
#ifndef VNFHA_CKPT_PATCH_H
#define VNFHA_CKPT_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ckpt/ckpt_wire.h"
#include "vnfha/ckpt.h"

#define VNFHA_CKPT_COMMITV 44 /* frame types, next to ckpt_wire.h's */
#define VNFHA_CKPT_DONE 45
#define VNFHA_CKPT_PATCH 9

/* COMMITV flags */
#define VNFHA_CKPT_CV_SCAN 0x1u /* whole-region scan commit; no ranges */
#define VNFHA_CKPT_CV_MORE 0x2u /* this ticket continues in the next COMMITV */
#define VNFHA_CKPT_CV_UFFD 0x4u /* a tracked submit: pages found by uffd write-protect */
#define VNFHA_CKPT_CV_HASHED 0x8u /* a tracked submit: pages found by the page-hash scan */
#define VNFHA_CKPT_CV_FAULT 0x10u /* a tracked submit: pages found by write-protect faults */
#define VNFHA_CKPT_CV_TRACKED (VNFHA_CKPT_CV_UFFD | VNFHA_CKPT_CV_HASHED | VNFHA_CKPT_CV_FAULT)
/* PATCH flags: VNFHA_CKPT_F_DURABLE (ckpt_wire.h) only */

#define VNFHA_CKPT_RANGE_LEN 12 /* offset u64, length u32 */
#define VNFHA_CKPT_PBLOCK_LEN 12 /* index u32, fp u64 */
#define VNFHA_CKPT_RANGE_MAX 0xffffffffu /* bytes in one wire range */
#define VNFHA_CKPT_RECORD_MAGIC 0x52504e56u /* "VNPR" */
#define VNFHA_CKPT_RECORD_OVERHEAD 16

struct vnfha__ckpt_commitv {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t ticket;
	uint32_t mode;
	uint32_t timeout_ms;
	uint32_t flags;
	uint32_t n_ranges;
	const uint8_t *ranges; /* decoded: n_ranges wire ranges, in the buffer */
	const uint8_t *data;
	uint64_t data_len;
};

struct vnfha__ckpt_patch {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t gen;
	uint64_t base_epoch;
	uint64_t base_gen;
	uint64_t size;
	uint32_t block_size;
	uint32_t flags;
	uint32_t n_ranges;
	uint32_t n_blocks;
	const uint8_t *ranges; /* decoded: wire ranges, in the buffer */
	const uint8_t *blocks; /* decoded: wire (index, fp) pairs, in the buffer */
	const uint8_t *data;
	uint64_t data_len;
};

struct vnfha__ckpt_pblock {
	uint32_t index;
	uint64_t fp;
};

/* Range i of a decoded list (COMMITV or PATCH). */
void vnfha__ckpt_range_at(const uint8_t *ranges, uint32_t i, uint64_t *ret_offset,
			  uint32_t *ret_length);
/* Block i of a decoded PATCH. */
struct vnfha__ckpt_pblock vnfha__ckpt_pblock_at(const uint8_t *blocks, uint32_t i);

/* COMMITV up to its bytes: ranges given as host (offset, length) pairs,
 * each length 1..VNFHA_CKPT_RANGE_MAX. */
size_t vnfha__ckpt_commitv_head_len(uint32_t n_ranges);
int vnfha__ckpt_commitv_head_encode(const struct vnfha__ckpt_commitv *cv,
				    const struct vnfha_ckpt_range *ranges, uint8_t *buf,
				    size_t len);
/* Ranges may overlap and come in any order; each is 1..RANGE_MAX long and
 * does not wrap; SCAN carries none; UFFD and HASHED (how a tracked submit
 * found its pages: the daemon reports it) exclude SCAN and each other;
 * mode 0..2; no unknown flags. */
int vnfha__ckpt_commitv_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_commitv *ret);

int vnfha__ckpt_done_encode(uint64_t first, uint64_t last, const struct vnfha__ckpt_result *r,
			    uint8_t *buf, size_t len);
int vnfha__ckpt_done_decode(const uint8_t *buf, size_t len, uint64_t *ret_first,
			    uint64_t *ret_last, struct vnfha__ckpt_result *ret_r);

/*
 * Touched blocks of sorted, disjoint ranges, ascending, each once (what a
 * PATCH's block list must be). Writes at most max indexes to out (may be
 * NULL with max 0) and returns how many there are in all.
 */
uint64_t vnfha__ckpt_patch_touched(const struct vnfha_ckpt_range *ranges, uint32_t n,
				   uint32_t block_size, uint32_t *out, uint64_t max);

/* PATCH up to its bytes; ranges sorted, disjoint, not adjacent (merged). */
size_t vnfha__ckpt_patch_head_len(uint32_t name_len, uint32_t n_ranges, uint32_t n_blocks);
int vnfha__ckpt_patch_head_encode(const struct vnfha__ckpt_patch *p,
				  const struct vnfha_ckpt_range *ranges,
				  const struct vnfha__ckpt_pblock *blocks, uint8_t *buf, size_t len);
/* Refuses (-EBADMSG) unless: valid name and block size, (epoch, gen) after
 * the base, ranges sorted, disjoint, merged, 1.. bytes each, inside size;
 * the block list exactly the blocks they touch, ascending; the bytes their
 * total; only known flags. */
int vnfha__ckpt_patch_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_patch *ret);

/*
 * Journal record around a PATCH body given as iov (head, bytes...): fills
 * head (8 bytes: magic, length) and tail (8 bytes: XXH3-64 of head and
 * body). -EMSGSIZE for a body over VNFHA_CKPT_MAX_PAYLOAD.
 */
int vnfha__ckpt_record_frame(const struct iovec *body, int n_iov, uint8_t head[8],
			     uint8_t tail[8]);
/*
 * The record at the start of buf (len bytes left in the file): 0 with the
 * body and the record's whole length; -ENODATA when it is cut short (a torn
 * append: the end of the journal), -EBADMSG when it is damaged.
 */
int vnfha__ckpt_record_decode(const uint8_t *buf, size_t len, const uint8_t **ret_body,
			      size_t *ret_body_len, size_t *ret_record_len);

#endif
