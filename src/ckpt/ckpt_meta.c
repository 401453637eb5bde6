// SPDX-License-Identifier: LGPL-2.1-or-later
/* The store's meta: its file codec, its wire obj form, copies and checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"

#define META_MAGIC 0x3154454d4b434e56ull /* "VNCKMET1" */

void vnfha__ckpt_meta_free(struct vnfha__ckpt_meta *m)
{
	if (m != NULL) {
		free(m->fps);
		free(m);
	}
}

int vnfha__ckpt_meta_check_data(const struct vnfha__ckpt_meta *m, const uint8_t *data)
{
	for (uint32_t i = 0; i < m->nblocks; i++) {
		uint64_t off = (uint64_t)i * m->block_size;
		uint64_t n = m->size - off < m->block_size ? m->size - off : m->block_size;

		if (vnfha__ckpt_fp_block(data + off, (size_t)n) != m->fps[i]) {
			return -EBADMSG;
		}
	}
	return 0;
}

int vnfha__ckpt_meta_dup(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_meta **ret_copy)
{
	struct vnfha__ckpt_meta *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		return -ENOMEM;
	}
	*c = *m;
	c->fps = calloc(m->nblocks > 0 ? m->nblocks : 1, sizeof(*c->fps));
	if (c->fps == NULL) {
		free(c);
		return -ENOMEM;
	}
	if (m->nblocks > 0) {
		memcpy(c->fps, m->fps, (size_t)m->nblocks * sizeof(*c->fps));
	}
	*ret_copy = c;
	return 0;
}

void vnfha__ckpt_meta_to_obj(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_obj *o,
			     uint8_t *fpbuf)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", m->name);
	o->epoch = m->epoch;
	o->gen = m->gen;
	o->size = m->size;
	o->block_size = m->block_size;
	o->digest = m->digest;
	o->data_id = m->data_id;
	o->n_fps = fpbuf != NULL ? m->nblocks : 0;
	if (fpbuf != NULL) {
		vnfha__ckpt_fp_to_wire(m->fps, m->nblocks, fpbuf);
		o->fps = fpbuf;
	}
}

/* A decoded obj (with fps) into a freshly allocated meta. */
int vnfha__ckpt_obj_to_meta(const struct vnfha__ckpt_obj *o, struct vnfha__ckpt_meta **ret)
{
	struct vnfha__ckpt_meta *m = calloc(1, sizeof(*m));
	uint32_t nblocks = 0;

	if (m == NULL) {
		return -ENOMEM;
	}
	if (vnfha__ckpt_nblocks(o->size, o->block_size, &nblocks) != 0 || o->n_fps != nblocks) {
		free(m);
		return -EBADMSG;
	}
	snprintf(m->name, sizeof(m->name), "%s", o->name);
	m->epoch = o->epoch;
	m->gen = o->gen;
	m->size = o->size;
	m->block_size = o->block_size;
	m->digest = o->digest;
	m->data_id = o->data_id;
	m->nblocks = nblocks;
	m->fps = calloc(nblocks > 0 ? nblocks : 1, sizeof(*m->fps));
	if (m->fps == NULL) {
		free(m);
		return -ENOMEM;
	}
	vnfha__ckpt_fp_from_wire(o->fps, nblocks, m->fps);
	if (vnfha__ckpt_fp_digest(m->fps, nblocks) != m->digest) {
		vnfha__ckpt_meta_free(m);
		return -EBADMSG;
	}
	*ret = m;
	return 0;
}

/* meta file: magic u64, length u32, obj body, XXH3-64 of all before. */
int vnfha__ckpt_meta_encode(const struct vnfha__ckpt_meta *m, uint8_t **ret_buf, size_t *ret_len)
{
	size_t body = vnfha__ckpt_obj_len(m->nblocks);
	size_t len = 8 + 4 + body + 8;
	uint8_t *buf = malloc(len);
	uint8_t *fpbuf = malloc((size_t)m->nblocks * 8 + 1);
	struct vnfha__ckpt_obj o;
	int n;

	if (buf == NULL || fpbuf == NULL) {
		free(buf);
		free(fpbuf);
		return -ENOMEM;
	}
	vnfha__ckpt_meta_to_obj(m, &o, fpbuf);
	vnfha__ckpt_put_u64(buf, META_MAGIC);
	n = vnfha__ckpt_obj_encode(&o, buf + 12, body);
	free(fpbuf);
	if (n < 0) {
		free(buf);
		return n;
	}
	for (int i = 0; i < 4; i++) {
		buf[8 + i] = (uint8_t)((uint32_t)n >> (8 * i));
	}
	vnfha__ckpt_put_u64(buf + 12 + n, XXH3_64bits(buf, 12 + (size_t)n));
	*ret_buf = buf;
	*ret_len = 12 + (size_t)n + 8;
	return 0;
}

int vnfha__ckpt_meta_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_meta **ret_meta)
{
	struct vnfha__ckpt_obj o;
	uint32_t body;

	if (len < 20 || vnfha__ckpt_fp_at(buf, 0) != META_MAGIC) {
		return -EBADMSG;
	}
	body = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
	       (uint32_t)buf[11] << 24;
	if (body != len - 20 || vnfha__ckpt_fp_at(buf + 12 + body, 0) !=
					XXH3_64bits(buf, 12 + (size_t)body)) {
		return -EBADMSG;
	}
	/* Strict: a meta carries no frame flags or status (the fuzzer's find). */
	if (vnfha__ckpt_obj_decode(buf + 12, body, &o) != 0 || o.flags != 0 || o.status != 0) {
		return -EBADMSG;
	}
	return vnfha__ckpt_obj_to_meta(&o, ret_meta);
}
