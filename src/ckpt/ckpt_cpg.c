// SPDX-License-Identifier: LGPL-2.1-or-later
/* Checkpoint messages over Corosync CPG: codec (see ckpt_cpg.h). */
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include <xxhash.h>

#include "ckpt/ckpt_cpg.h"

static void cpg_put(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t cpg_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

static bool cpg_node_is_valid(const char *node)
{
	return node[0] == '\0' || vnfha__ckpt_name_is_valid(node);
}

/* Copies a NUL-padded 64-byte field out; -EBADMSG if a NUL is followed by
 * anything but NULs (one encoding per message). */
static int cpg_field_get(const uint8_t *p, char *out)
{
	size_t n = 0;

	while (n < VNFHA_CKPT_NAME_MAX && p[n] != '\0') {
		n++;
	}
	for (size_t i = n; i < VNFHA_CKPT_NAME_MAX; i++) {
		if (p[i] != '\0') {
			return -EBADMSG;
		}
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

size_t vnfha__ckpt_cpg_size(size_t length)
{
	return VNFHA_CKPT_CPG_HDR_LEN + length;
}

ssize_t vnfha__ckpt_cpg_encode(const struct vnfha__ckpt_cpg_msg *m, uint8_t *buf, size_t cap)
{
	bool is_ack = m->type == VNFHA_CKPT_CPG_ACK;

	if ((!is_ack && m->type != VNFHA_CKPT_CPG_VERSION_MSG) ||
	    !vnfha__ckpt_name_is_valid(m->name) || !cpg_node_is_valid(m->node) ||
	    m->length > VNFHA_CKPT_CPG_MAX_OBJECT || (is_ack && m->length != 0) ||
	    (m->length != 0 && m->payload == NULL) || (m->flags & ~VNFHA_CKPT_CPG_F_DURABLE) != 0) {
		return -EINVAL;
	}
	if (cap < vnfha__ckpt_cpg_size(m->length)) {
		return -ENOBUFS;
	}
	memset(buf, 0, VNFHA_CKPT_CPG_HDR_LEN);
	cpg_put(buf, VNFHA_CKPT_CPG_MAGIC, 4);
	cpg_put(buf + 4, VNFHA_CKPT_CPG_VERSION, 2);
	cpg_put(buf + 6, m->type, 2);
	cpg_put(buf + 8, m->epoch, 8);
	cpg_put(buf + 16, m->gen, 8);
	cpg_put(buf + 24, m->length, 8);
	cpg_put(buf + 32, is_ack ? 0 : XXH3_64bits(m->payload, m->length), 8);
	memcpy(buf + 40, m->name, strlen(m->name));
	memcpy(buf + 104, m->node, strlen(m->node));
	cpg_put(buf + 168, m->flags, 4);
	if (m->length != 0 && m->payload != buf + VNFHA_CKPT_CPG_HDR_LEN) {
		memcpy(buf + VNFHA_CKPT_CPG_HDR_LEN, m->payload, m->length);
	}
	return (ssize_t)vnfha__ckpt_cpg_size(m->length);
}

int vnfha__ckpt_cpg_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_cpg_msg *m)
{
	uint64_t length;
	uint64_t hash;

	memset(m, 0, sizeof(*m));
	if (len < VNFHA_CKPT_CPG_HDR_LEN) {
		return -ENODATA;
	}
	if (cpg_get(buf, 4) != VNFHA_CKPT_CPG_MAGIC) {
		return -EBADMSG;
	}
	if (cpg_get(buf + 4, 2) != VNFHA_CKPT_CPG_VERSION) {
		return -EPROTONOSUPPORT;
	}
	m->type = (uint16_t)cpg_get(buf + 6, 2);
	m->epoch = cpg_get(buf + 8, 8);
	m->gen = cpg_get(buf + 16, 8);
	length = cpg_get(buf + 24, 8);
	hash = cpg_get(buf + 32, 8);
	m->flags = (uint32_t)cpg_get(buf + 168, 4);
	if (length > VNFHA_CKPT_CPG_MAX_OBJECT) {
		return -EMSGSIZE;
	}
	if ((m->type != VNFHA_CKPT_CPG_VERSION_MSG && m->type != VNFHA_CKPT_CPG_ACK) ||
	    length != len - VNFHA_CKPT_CPG_HDR_LEN || (m->flags & ~VNFHA_CKPT_CPG_F_DURABLE) != 0 ||
	    (m->type == VNFHA_CKPT_CPG_ACK && (length != 0 || hash != 0)) ||
	    cpg_field_get(buf + 40, m->name) != 0 || cpg_field_get(buf + 104, m->node) != 0 ||
	    !vnfha__ckpt_name_is_valid(m->name) || !cpg_node_is_valid(m->node)) {
		return -EBADMSG;
	}
	m->payload = buf + VNFHA_CKPT_CPG_HDR_LEN;
	m->length = (size_t)length;
	if (m->type == VNFHA_CKPT_CPG_VERSION_MSG && XXH3_64bits(m->payload, m->length) != hash) {
		return -EBADMSG;
	}
	return 0;
}
