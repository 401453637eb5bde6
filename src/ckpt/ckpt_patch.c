// SPDX-License-Identifier: LGPL-2.1-or-later
/* Range commit codecs; the layouts are in ckpt_patch.h. */
#include <errno.h>
#include <string.h>
#define XXH_INLINE_ALL /* header-only: libvnfha gains no run-time dependency */
#include <xxhash.h>

#include "ckpt/ckpt_cursor_internal.h"
#include "ckpt/ckpt_patch.h"

/* Names are checked both ways: a valid one goes out, only a valid one in. */
static void put_name(struct cur *c, const char *name)
{
	if (!vnfha__ckpt_name_is_valid(name)) {
		c->err = c->err != 0 ? c->err : -EINVAL;
		return;
	}
	put_str(c, name, VNFHA_CKPT_NAME_MAX);
}

static void get_name(struct cur *c, char *out)
{
	get_str(c, out, VNFHA_CKPT_NAME_MAX);
	if (c->err == 0 && !vnfha__ckpt_name_is_valid(out)) {
		c->err = -EBADMSG;
	}
}

/* A list of count fixed-size entries in the buffer; returns where it starts. */
static const uint8_t *take(struct cur *c, uint64_t count, size_t each)
{
	const uint8_t *p = c->r + c->off;

	if (c->err != 0 || count > (c->len - c->off) / each) {
		c->err = c->err != 0 ? c->err : -EBADMSG;
		return NULL;
	}
	c->off += (size_t)count * each;
	return p;
}

static uint64_t le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

void vnfha__ckpt_range_at(const uint8_t *ranges, uint32_t i, uint64_t *ret_offset,
			  uint32_t *ret_length)
{
	*ret_offset = le(ranges + (size_t)i * VNFHA_CKPT_RANGE_LEN, 8);
	*ret_length = (uint32_t)le(ranges + (size_t)i * VNFHA_CKPT_RANGE_LEN + 8, 4);
}

struct vnfha__ckpt_pblock vnfha__ckpt_pblock_at(const uint8_t *blocks, uint32_t i)
{
	struct vnfha__ckpt_pblock b = {
		.index = (uint32_t)le(blocks + (size_t)i * VNFHA_CKPT_PBLOCK_LEN, 4),
		.fp = le(blocks + (size_t)i * VNFHA_CKPT_PBLOCK_LEN + 4, 8),
	};

	return b;
}

static void put_ranges(struct cur *c, const struct vnfha_ckpt_range *ranges, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (ranges[i].length == 0 || ranges[i].length > VNFHA_CKPT_RANGE_MAX ||
		    ranges[i].offset > UINT64_MAX - ranges[i].length) {
			c->err = -EINVAL;
			return;
		}
		put_n(c, ranges[i].offset, 8);
		put_n(c, ranges[i].length, 4);
	}
}

size_t vnfha__ckpt_commitv_head_len(uint32_t n_ranges)
{
	return 2 + VNFHA_CKPT_NAME_MAX + 8 + 4 * 4 + (size_t)n_ranges * VNFHA_CKPT_RANGE_LEN;
}

int vnfha__ckpt_commitv_head_encode(const struct vnfha__ckpt_commitv *cv,
				    const struct vnfha_ckpt_range *ranges, uint8_t *buf,
				    size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_name(&c, cv->name);
	put_n(&c, cv->ticket, 8);
	put_n(&c, cv->mode, 4);
	put_n(&c, cv->timeout_ms, 4);
	put_n(&c, cv->flags, 4);
	put_n(&c, cv->n_ranges, 4);
	put_ranges(&c, ranges, cv->n_ranges);
	return cur_end_w(&c);
}

int vnfha__ckpt_commitv_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_commitv *ret)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_commitv cv = { 0 };
	uint64_t total = 0;

	get_name(&c, cv.name);
	cv.ticket = get_n(&c, 8);
	cv.mode = (uint32_t)get_n(&c, 4);
	cv.timeout_ms = (uint32_t)get_n(&c, 4);
	cv.flags = (uint32_t)get_n(&c, 4);
	cv.n_ranges = (uint32_t)get_n(&c, 4);
	cv.ranges = take(&c, cv.n_ranges, VNFHA_CKPT_RANGE_LEN);
	if (c.err != 0 || cv.mode > 2 ||
	    (cv.flags & ~(VNFHA_CKPT_CV_SCAN | VNFHA_CKPT_CV_MORE | VNFHA_CKPT_CV_TRACKED)) != 0 ||
	    ((cv.flags & VNFHA_CKPT_CV_SCAN) &&
	     (cv.n_ranges != 0 || (cv.flags & ~VNFHA_CKPT_CV_SCAN) != 0)) ||
	    __builtin_popcount(cv.flags & VNFHA_CKPT_CV_TRACKED) > 1) {
		return -EBADMSG;
	}
	for (uint32_t i = 0; i < cv.n_ranges; i++) {
		uint64_t off;
		uint32_t n;

		vnfha__ckpt_range_at(cv.ranges, i, &off, &n);
		if (n == 0 || off > UINT64_MAX - n) {
			return -EBADMSG;
		}
		total += n;
	}
	/* The bytes are exactly the ranges' total (total <= n * 4 GiB: no wrap). */
	if (total != len - c.off) {
		return -EBADMSG;
	}
	cv.data = buf + c.off;
	cv.data_len = total;
	*ret = cv;
	return 0;
}

int vnfha__ckpt_done_encode(uint64_t first, uint64_t last, const struct vnfha__ckpt_result *r,
			    uint8_t *buf, size_t len)
{
	int n;

	if (len < 16 || first > last) {
		return len < 16 ? -ENOBUFS : -EINVAL;
	}
	vnfha__ckpt_put_u64(buf, first);
	vnfha__ckpt_put_u64(buf + 8, last);
	n = vnfha__ckpt_result_encode(r, buf + 16, len - 16);
	return n < 0 ? n : n + 16;
}

int vnfha__ckpt_done_decode(const uint8_t *buf, size_t len, uint64_t *ret_first,
			    uint64_t *ret_last, struct vnfha__ckpt_result *ret_r)
{
	uint64_t first;
	uint64_t last;

	if (len < 16) {
		return -EBADMSG;
	}
	first = le(buf, 8);
	last = le(buf + 8, 8);
	if (first > last || vnfha__ckpt_result_decode(buf + 16, len - 16, ret_r) != 0) {
		return -EBADMSG;
	}
	*ret_first = first;
	*ret_last = last;
	return 0;
}

uint64_t vnfha__ckpt_patch_touched(const struct vnfha_ckpt_range *ranges, uint32_t n,
				   uint32_t block_size, uint32_t *out, uint64_t max)
{
	uint64_t count = 0;
	uint64_t last = 0; /* the last block counted, when any */

	for (uint32_t i = 0; i < n; i++) {
		uint64_t first = ranges[i].offset / block_size;
		uint64_t end = (ranges[i].offset + ranges[i].length - 1) / block_size;

		if (count > 0 && first <= last) {
			first = last + 1; /* shared with the previous range */
		}
		for (uint64_t b = first; b <= end; b++) {
			if (count < max) {
				out[count] = (uint32_t)b;
			}
			count++;
		}
		if (count > 0 && end > last) {
			last = end;
		}
	}
	return count;
}

size_t vnfha__ckpt_patch_head_len(uint32_t name_len, uint32_t n_ranges, uint32_t n_blocks)
{
	return 2 + (size_t)name_len + 8 * 5 + 4 * 4 + (size_t)n_ranges * VNFHA_CKPT_RANGE_LEN +
	       (size_t)n_blocks * VNFHA_CKPT_PBLOCK_LEN;
}

int vnfha__ckpt_patch_head_encode(const struct vnfha__ckpt_patch *p,
				  const struct vnfha_ckpt_range *ranges,
				  const struct vnfha__ckpt_pblock *blocks, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_name(&c, p->name);
	put_n(&c, p->epoch, 8);
	put_n(&c, p->gen, 8);
	put_n(&c, p->base_epoch, 8);
	put_n(&c, p->base_gen, 8);
	put_n(&c, p->size, 8);
	put_n(&c, p->block_size, 4);
	put_n(&c, p->flags, 4);
	put_n(&c, p->n_ranges, 4);
	put_n(&c, p->n_blocks, 4);
	put_ranges(&c, ranges, p->n_ranges);
	for (uint32_t i = 0; i < p->n_blocks; i++) {
		put_n(&c, blocks[i].index, 4);
		put_n(&c, blocks[i].fp, 8);
	}
	return cur_end_w(&c);
}

/* Ranges sorted, disjoint, merged, inside size; their blocks exactly the
 * list given; returns the bytes' total or UINT64_MAX when not so. */
static uint64_t check_patch_lists(const struct vnfha__ckpt_patch *p)
{
	uint64_t total = 0;
	uint64_t prev_end = 0;
	uint64_t last_block = 0;
	uint32_t k = 0; /* next expected entry of the block list */

	for (uint32_t i = 0; i < p->n_ranges; i++) {
		uint64_t off;
		uint32_t n;
		uint64_t first;
		uint64_t end;

		vnfha__ckpt_range_at(p->ranges, i, &off, &n);
		if (n == 0 || off > p->size || n > p->size - off || (i > 0 && off <= prev_end)) {
			return UINT64_MAX;
		}
		prev_end = off + n;
		total += n;
		first = off / p->block_size;
		end = (off + n - 1) / p->block_size;
		if (i > 0 && first == last_block) {
			first++; /* already listed for the previous range */
		}
		for (uint64_t b = first; b <= end; b++) {
			if (k >= p->n_blocks || vnfha__ckpt_pblock_at(p->blocks, k).index != b) {
				return UINT64_MAX;
			}
			k++;
		}
		last_block = end;
	}
	return k == p->n_blocks ? total : UINT64_MAX;
}

int vnfha__ckpt_patch_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_patch *ret)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_patch p = { 0 };
	uint32_t nblocks = 0;
	uint64_t total;

	get_name(&c, p.name);
	p.epoch = get_n(&c, 8);
	p.gen = get_n(&c, 8);
	p.base_epoch = get_n(&c, 8);
	p.base_gen = get_n(&c, 8);
	p.size = get_n(&c, 8);
	p.block_size = (uint32_t)get_n(&c, 4);
	p.flags = (uint32_t)get_n(&c, 4);
	p.n_ranges = (uint32_t)get_n(&c, 4);
	p.n_blocks = (uint32_t)get_n(&c, 4);
	p.ranges = take(&c, p.n_ranges, VNFHA_CKPT_RANGE_LEN);
	p.blocks = take(&c, p.n_blocks, VNFHA_CKPT_PBLOCK_LEN);
	if (c.err != 0 || (p.flags & ~VNFHA_CKPT_F_DURABLE) != 0 || p.n_ranges == 0 ||
	    vnfha__ckpt_nblocks(p.size, p.block_size, &nblocks) != 0 ||
	    p.epoch < p.base_epoch || (p.epoch == p.base_epoch && p.gen <= p.base_gen)) {
		return -EBADMSG;
	}
	total = check_patch_lists(&p);
	if (total == UINT64_MAX || total != len - c.off) {
		return -EBADMSG;
	}
	p.data = buf + c.off;
	p.data_len = total;
	*ret = p;
	return 0;
}

int vnfha__ckpt_record_frame(const struct iovec *body, int n_iov, uint8_t head[8],
			     uint8_t tail[8])
{
	XXH3_state_t st;
	uint64_t len = 0;

	for (int i = 0; i < n_iov; i++) {
		len += body[i].iov_len;
	}
	if (len > VNFHA_CKPT_MAX_PAYLOAD) {
		return -EMSGSIZE;
	}
	for (int i = 0; i < 4; i++) {
		head[i] = (uint8_t)(VNFHA_CKPT_RECORD_MAGIC >> (8 * i));
		head[4 + i] = (uint8_t)(len >> (8 * i));
	}
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, head, 8);
	for (int i = 0; i < n_iov; i++) {
		XXH3_64bits_update(&st, body[i].iov_base, body[i].iov_len);
	}
	vnfha__ckpt_put_u64(tail, XXH3_64bits_digest(&st));
	return 0;
}

int vnfha__ckpt_record_decode(const uint8_t *buf, size_t len, const uint8_t **ret_body,
			      size_t *ret_body_len, size_t *ret_record_len)
{
	uint64_t body;

	if (len < 8) {
		return -ENODATA;
	}
	if (le(buf, 4) != VNFHA_CKPT_RECORD_MAGIC) {
		return -EBADMSG;
	}
	body = le(buf + 4, 4);
	if (body > VNFHA_CKPT_MAX_PAYLOAD) {
		return -EBADMSG;
	}
	if (len - 8 < body + 8) {
		return -ENODATA;
	}
	if (le(buf + 8 + body, 8) != XXH3_64bits(buf, 8 + (size_t)body)) {
		return -EBADMSG;
	}
	*ret_body = buf + 8;
	*ret_body_len = (size_t)body;
	*ret_record_len = 16 + (size_t)body;
	return 0;
}
