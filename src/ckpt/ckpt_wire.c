// SPDX-License-Identifier: LGPL-2.1-or-later
/* Checkpoint wire format codec; see ckpt_wire.h for the layout. */
#include <errno.h>
#include <string.h>

#include "ckpt/ckpt_cursor_internal.h"
#include "ckpt/ckpt_wire.h"

void vnfha__ckpt_put_u64(uint8_t *p, uint64_t v)
{
	for (size_t i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

uint64_t vnfha__ckpt_fp_at(const uint8_t *fps, uint32_t i)
{
	uint64_t v = 0;

	for (size_t k = 0; k < 8; k++) {
		v |= (uint64_t)fps[(size_t)i * 8 + k] << (8 * k);
	}
	return v;
}

int vnfha__ckpt_hdr_encode(const struct vnfha__ckpt_hdr *hdr, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_n(&c, VNFHA_CKPT_MAGIC, 4);
	put_n(&c, hdr->version, 2);
	put_n(&c, hdr->type, 2);
	put_n(&c, hdr->length, 4);
	put_n(&c, hdr->flags, 4);
	return cur_end_w(&c);
}

int vnfha__ckpt_hdr_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_hdr *ret_hdr)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_hdr h;

	if (len < VNFHA_CKPT_HDR_LEN) {
		return -ENODATA;
	}
	if (get_n(&c, 4) != VNFHA_CKPT_MAGIC) {
		return -EBADMSG;
	}
	h.version = (uint16_t)get_n(&c, 2);
	h.type = (uint16_t)get_n(&c, 2);
	h.length = (uint32_t)get_n(&c, 4);
	h.flags = (uint32_t)get_n(&c, 4);
	if (h.version < VNFHA_CKPT_PROTO_MIN || h.version > VNFHA_CKPT_PROTO_MAX) {
		return -EPROTONOSUPPORT;
	}
	if (h.length > VNFHA_CKPT_MAX_PAYLOAD) {
		return -EMSGSIZE;
	}
	*ret_hdr = h;
	return 0;
}

bool vnfha__ckpt_name_is_valid(const char *name)
{
	size_t n = 0;

	if (name == NULL || name[0] == '\0' || name[0] == '.') {
		return false;
	}
	for (; name[n] != '\0'; n++) {
		char ch = name[n];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';

		if (!ok || n >= VNFHA_CKPT_NAME_MAX) {
			return false;
		}
	}
	return true;
}

int vnfha__ckpt_nblocks(uint64_t size, uint32_t block_size, uint32_t *ret_nblocks)
{
	uint64_t n;

	if (block_size < 512 || block_size > VNFHA_CKPT_MAX_BLOCK_SIZE ||
	    (block_size & (block_size - 1)) != 0) {
		return -EINVAL;
	}
	n = size / block_size + (size % block_size != 0);
	if (vnfha__ckpt_obj_len(0) + n * 8 > VNFHA_CKPT_MAX_PAYLOAD) {
		return -EFBIG;
	}
	*ret_nblocks = (uint32_t)n;
	return 0;
}

size_t vnfha__ckpt_obj_len(uint32_t n_fps)
{
	return 2 + VNFHA_CKPT_NAME_MAX + 8 * 3 + 4 + 4 + 4 + 8 + 8 + 4 + (size_t)n_fps * 8;
}

int vnfha__ckpt_obj_encode(const struct vnfha__ckpt_obj *obj, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_str(&c, obj->name, VNFHA_CKPT_NAME_MAX);
	put_n(&c, obj->epoch, 8);
	put_n(&c, obj->gen, 8);
	put_n(&c, obj->size, 8);
	put_n(&c, obj->block_size, 4);
	put_n(&c, obj->flags, 4);
	put_n(&c, (uint32_t)obj->status, 4);
	put_n(&c, obj->digest, 8);
	put_n(&c, obj->data_id, 8);
	put_n(&c, obj->n_fps, 4);
	put_bytes(&c, obj->fps, (size_t)obj->n_fps * 8);
	return cur_end_w(&c);
}

int vnfha__ckpt_obj_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_obj *ret_obj)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_obj o = { 0 };
	uint32_t nblocks = 0;

	get_str(&c, o.name, VNFHA_CKPT_NAME_MAX);
	o.epoch = get_n(&c, 8);
	o.gen = get_n(&c, 8);
	o.size = get_n(&c, 8);
	o.block_size = (uint32_t)get_n(&c, 4);
	o.flags = (uint32_t)get_n(&c, 4);
	o.status = (int32_t)(uint32_t)get_n(&c, 4);
	o.digest = get_n(&c, 8);
	o.data_id = get_n(&c, 8);
	o.n_fps = (uint32_t)get_n(&c, 4);
	if (c.err != 0) {
		return c.err;
	}
	if (!vnfha__ckpt_name_is_valid(o.name) ||
	    vnfha__ckpt_nblocks(o.size, o.block_size, &nblocks) != 0 ||
	    (o.n_fps != 0 && o.n_fps != nblocks) || o.status > 0) {
		return -EBADMSG;
	}
	if (!cur_room(&c, (size_t)o.n_fps * 8)) {
		return -EBADMSG;
	}
	o.fps = o.n_fps > 0 ? buf + c.off : NULL;
	c.off += (size_t)o.n_fps * 8;
	if (cur_end_r(&c) != 0) {
		return -EBADMSG;
	}
	*ret_obj = o;
	return 0;
}

int vnfha__ckpt_hello_encode(const struct vnfha__ckpt_hello *h, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_n(&c, h->proto_min, 2);
	put_n(&c, h->proto_max, 2);
	put_n(&c, h->role, 1);
	put_str(&c, h->node, VNFHA_CKPT_NAME_MAX);
	return cur_end_w(&c);
}

int vnfha__ckpt_hello_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_hello *ret_h)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_hello h = { 0 };
	int rc;

	h.proto_min = (uint16_t)get_n(&c, 2);
	h.proto_max = (uint16_t)get_n(&c, 2);
	h.role = (uint8_t)get_n(&c, 1);
	get_str(&c, h.node, VNFHA_CKPT_NAME_MAX);
	rc = cur_end_r(&c);
	if (rc != 0) {
		return rc;
	}
	if (h.proto_min > h.proto_max || h.role > VNFHA_CKPT_ROLE_PRIMARY) {
		return -EBADMSG;
	}
	*ret_h = h;
	return 0;
}

int vnfha__ckpt_req_encode(const struct vnfha__ckpt_req *r, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_str(&c, r->name, VNFHA_CKPT_NAME_MAX);
	put_n(&c, r->size, 8);
	put_n(&c, r->mode, 4);
	put_n(&c, r->timeout_ms, 4);
	put_n(&c, r->role, 4);
	return cur_end_w(&c);
}

int vnfha__ckpt_req_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_req *ret_r)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_req r = { 0 };
	int rc;

	get_str(&c, r.name, VNFHA_CKPT_NAME_MAX);
	r.size = get_n(&c, 8);
	r.mode = (uint32_t)get_n(&c, 4);
	r.timeout_ms = (uint32_t)get_n(&c, 4);
	r.role = (uint32_t)get_n(&c, 4);
	rc = cur_end_r(&c);
	if (rc != 0) {
		return rc;
	}
	/* An empty name is allowed (LIST, STATUS); a given one must be valid. */
	if ((r.name[0] != '\0' && !vnfha__ckpt_name_is_valid(r.name)) || r.mode > 2 ||
	    r.role > VNFHA_CKPT_ROLE_PRIMARY) {
		return -EBADMSG;
	}
	*ret_r = r;
	return 0;
}

int vnfha__ckpt_result_encode(const struct vnfha__ckpt_result *r, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	if (r->n_peers > VNFHA_CKPT_MAX_PEERS) {
		return -EINVAL;
	}
	put_n(&c, (uint32_t)r->status, 4);
	put_n(&c, r->epoch, 8);
	put_n(&c, r->gen, 8);
	put_str(&c, r->message, sizeof(r->message) - 1);
	put_n(&c, r->n_peers, 2);
	for (uint16_t i = 0; i < r->n_peers; i++) {
		put_str(&c, r->peers[i].peer, VNFHA_CKPT_NAME_MAX);
		put_n(&c, r->peers[i].state, 1);
	}
	return cur_end_w(&c);
}

int vnfha__ckpt_result_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_result *ret_r)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_result *r = ret_r;
	struct vnfha__ckpt_result tmp = { 0 };
	int rc;

	tmp.status = (int32_t)(uint32_t)get_n(&c, 4);
	tmp.epoch = get_n(&c, 8);
	tmp.gen = get_n(&c, 8);
	get_str(&c, tmp.message, sizeof(tmp.message) - 1);
	tmp.n_peers = (uint16_t)get_n(&c, 2);
	if (c.err != 0 || tmp.n_peers > VNFHA_CKPT_MAX_PEERS || tmp.status > 0) {
		return -EBADMSG;
	}
	for (uint16_t i = 0; i < tmp.n_peers; i++) {
		get_str(&c, tmp.peers[i].peer, VNFHA_CKPT_NAME_MAX);
		tmp.peers[i].state = (uint8_t)get_n(&c, 1);
		if (tmp.peers[i].state > 2) {
			return -EBADMSG;
		}
	}
	rc = cur_end_r(&c);
	if (rc != 0) {
		return rc;
	}
	*r = tmp;
	return 0;
}

int vnfha__ckpt_block_encode(const struct vnfha__ckpt_block *b, uint8_t *buf, size_t len)
{
	struct cur c = { .w = buf, .len = len };

	put_n(&c, b->index, 8);
	put_n(&c, b->length, 4);
	return cur_end_w(&c);
}

int vnfha__ckpt_block_decode(const uint8_t *buf, size_t len, uint32_t payload_len,
			     struct vnfha__ckpt_block *ret_b)
{
	struct cur c = { .r = buf, .len = len };
	struct vnfha__ckpt_block b;

	if (len < VNFHA_CKPT_BLOCK_HDR_LEN) {
		return -EBADMSG;
	}
	c.len = VNFHA_CKPT_BLOCK_HDR_LEN;
	b.index = get_n(&c, 8);
	b.length = (uint32_t)get_n(&c, 4);
	if (payload_len < VNFHA_CKPT_BLOCK_HDR_LEN ||
	    b.length != payload_len - VNFHA_CKPT_BLOCK_HDR_LEN || b.length == 0 ||
	    b.length > VNFHA_CKPT_MAX_BLOCK_SIZE) {
		return -EBADMSG;
	}
	*ret_b = b;
	return 0;
}

int vnfha__ckpt_text_decode(const uint8_t *buf, size_t len, char *ret_text, size_t text_len)
{
	if (len >= text_len || len > VNFHA_CKPT_TEXT_MAX || memchr(buf, '\0', len) != NULL) {
		return -EBADMSG;
	}
	memcpy(ret_text, buf, len);
	ret_text[len] = '\0';
	return 0;
}
