/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoint messages over Corosync CPG (the cluster's own message bus, for
 * small frequent state): a pure, bounds-checked codec (STYLE.md rule 12).
 * A VERSION message carries one complete committed version whole; an ACK
 * tells the primary a replica holds it. A message is applied only if it
 * decodes whole: exact length and matching XXH3 of the payload, so a
 * partial or corrupt message is never published.
 *
 * All integers little-endian. Header (172 bytes), then the payload:
 *
 *   0      4         6      8       16    24       32      40       104        168
 *   | magic | version | type | epoch | gen | length | xxh3 | name[64] | node[64] | flags |
 *
 * name and node are NUL-padded, not NUL-terminated when 64 long. ACK has
 * length 0 and xxh3 0. flags: DURABLE on a VERSION asks the replica to
 * write it through to disk (fsync) before it acknowledges; on an ACK it
 * says the replica did. Unknown flags are refused. Objects larger than VNFHA_CKPT_CPG_MAX_OBJECT are
 * not carried (use the tcp sync way for them).
 *
 * Version table: 1  2026-11  VERSION, ACK.
 */
#ifndef VNFHA_CKPT_CPG_H
#define VNFHA_CKPT_CPG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt/ckpt_wire.h"

#define VNFHA_CKPT_CPG_MAGIC 0x43434e56u /* "VNCC" */
#define VNFHA_CKPT_CPG_VERSION 1
#define VNFHA_CKPT_CPG_HDR_LEN 172
#define VNFHA_CKPT_CPG_MAX_OBJECT (1u << 20) /* 1 MiB */

enum vnfha__ckpt_cpg_type {
	VNFHA_CKPT_CPG_VERSION_MSG = 1,
	VNFHA_CKPT_CPG_ACK = 2,
};

#define VNFHA_CKPT_CPG_F_DURABLE 1u

struct vnfha__ckpt_cpg_msg {
	uint16_t type; /* enum vnfha__ckpt_cpg_type */
	uint32_t flags; /* VNFHA_CKPT_CPG_F_* */
	uint64_t epoch;
	uint64_t gen;
	char name[VNFHA_CKPT_NAME_MAX + 1];
	char node[VNFHA_CKPT_NAME_MAX + 1]; /* sender (VERSION) or acker (ACK); may be "" */
	const uint8_t *payload;		    /* VERSION: points into the decoded buffer */
	size_t length;
};

/* Bytes a message with a payload of @length takes. */
size_t vnfha__ckpt_cpg_size(size_t length);
/* Returns the bytes written, -ENOBUFS, or -EINVAL (bad name/node/type,
 * payload over the limit, ACK with a payload). The payload may already sit
 * at buf + VNFHA_CKPT_CPG_HDR_LEN (read there by the caller): it is then
 * left in place, not copied. */
ssize_t vnfha__ckpt_cpg_encode(const struct vnfha__ckpt_cpg_msg *m, uint8_t *buf, size_t cap);
/* 0, or -ENODATA (short), -EBADMSG (bad magic, type, name, length or
 * hash), -EPROTONOSUPPORT (version), -EMSGSIZE (payload over the limit). */
int vnfha__ckpt_cpg_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_cpg_msg *m);

#endif
