/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoint wire format: pure encoders and decoders (STYLE.md rule 12),
 * shared by vnfha-ckptd (daemon <-> daemon, daemon <-> local clients) and
 * libvnfha. Every decoder bounds-checks its input and returns 0 or -errno;
 * every encoder returns the bytes written or -ENOBUFS.
 *
 * A frame is a 16-byte header and a payload. All integers little-endian.
 *
 *   0      4        6      8       12      16
 *   | magic | version | type | length | flags | payload (length bytes) ...
 *
 * Protocol version table (the version field; a peer speaks the highest
 * version both sides list in HELLO, and drops frames of another version):
 *   1  2026-11  HELLO, INV, INV_END, BEGIN, BLOCK, END, ABORT, ACK between
 *               daemons; PUT, GET, OPEN, COMMIT, LIST, STATUS, ROLE, PEERS,
 *               LATEST, INFO, RESULT, TEXT on the local socket.
 *      2026-12  the local socket answers HELLO with the daemon's HELLO (its
 *               role and node; an older daemon answers it with an error).
 *   2  2026-12  between daemons: PATCH (a range version on top of the one
 *               before, ckpt_patch.h) and cumulative ACK (it covers every
 *               earlier version of that name sent in the session); several
 *               versions in flight. Both sides must list 2 in HELLO; a
 *               version-1 peer keeps getting BEGIN/BLOCK/END. Local socket:
 *               COMMITV and DONE (range submits and their results).
 *               Frame headers still say version 1 (VNFHA_CKPT_FRAME_VERSION),
 *               so a version-1 peer reads every frame up to HELLO.
 */
#ifndef VNFHA_CKPT_WIRE_H
#define VNFHA_CKPT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNFHA_CKPT_MAGIC 0x4b434e56u /* "VNCK" */
#define VNFHA_CKPT_PROTO_MIN 1
#define VNFHA_CKPT_PROTO_MAX 2
#define VNFHA_CKPT_FRAME_VERSION 1 /* what frame headers carry (decoders take MIN..MAX) */
#define VNFHA_CKPT_HDR_LEN 16
/* Largest payload: a fingerprint list of 2 Mi blocks (128 GiB at 64 KiB). */
#define VNFHA_CKPT_MAX_PAYLOAD (16u << 20)
#define VNFHA_CKPT_BLOCK_SIZE (64u << 10)
#define VNFHA_CKPT_MAX_BLOCK_SIZE (1u << 20)
#define VNFHA_CKPT_NAME_MAX 64
#define VNFHA_CKPT_TEXT_MAX 65535
#define VNFHA_CKPT_BLOCK_HDR_LEN 12 /* index u64, length u32 */
#define VNFHA_CKPT_MAX_PEERS 8

enum vnfha__ckpt_type {
	/* daemon <-> daemon */
	VNFHA_CKPT_HELLO = 1, /* hello; also local: answered by the daemon's hello */
	VNFHA_CKPT_INV = 2,   /* obj with fps: a version the replica holds */
	VNFHA_CKPT_INV_END = 3,
	VNFHA_CKPT_BEGIN = 4, /* obj with the new version's fps */
	VNFHA_CKPT_BLOCK = 5, /* block header + data */
	VNFHA_CKPT_END = 6,   /* obj (no fps) */
	VNFHA_CKPT_ABORT = 7, /* obj (no fps): the sender gives this version up */
	VNFHA_CKPT_ACK = 8,   /* obj (no fps), status and VNFHA_CKPT_F_DURABLE */
	/* local client <-> daemon */
	VNFHA_CKPT_PUT = 32,	/* req; BLOCK frames follow, then END */
	VNFHA_CKPT_GET = 33,	/* req; answered by INFO, BLOCK frames, END */
	VNFHA_CKPT_OPEN = 34,	/* req; answered by INFO with a memfd (SCM_RIGHTS) */
	VNFHA_CKPT_COMMIT = 35, /* req; answered by RESULT */
	VNFHA_CKPT_LIST = 36,	/* req; answered by INFO frames, then INV_END */
	VNFHA_CKPT_STATUS = 37, /* req; answered by TEXT */
	VNFHA_CKPT_ROLE = 38,	/* req (role); answered by RESULT */
	VNFHA_CKPT_PEERS = 39,	/* text: peers separated by spaces; answered by RESULT */
	VNFHA_CKPT_LATEST = 40, /* req; answered by INFO (newest complete version) */
	VNFHA_CKPT_INFO = 41,	/* obj */
	VNFHA_CKPT_RESULT = 42, /* result */
	VNFHA_CKPT_TEXT = 43,	/* text */
};

/* obj.flags */
#define VNFHA_CKPT_F_FULL 0x1u	  /* BEGIN: every block follows */
#define VNFHA_CKPT_F_DURABLE 0x2u /* BEGIN: fsync before ACK; ACK: on stable storage */

enum vnfha__ckpt_role {
	VNFHA_CKPT_ROLE_REPLICA = 0,
	VNFHA_CKPT_ROLE_PRIMARY = 1,
};

struct vnfha__ckpt_hdr {
	uint16_t version;
	uint16_t type;
	uint32_t length; /* payload bytes */
	uint32_t flags;
};

/*
 * A version of one object. The same body carries INV, BEGIN, END, ABORT,
 * ACK, INFO and the store's meta file. fps points into the decoded buffer
 * (n_fps little-endian u64s, either 0 or nblocks of them).
 */
struct vnfha__ckpt_obj {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t gen;
	uint64_t size;
	uint32_t block_size;
	uint32_t flags;
	int32_t status;	  /* ACK: 0 or -errno */
	uint64_t digest;  /* XXH3 of the fingerprint list */
	uint64_t data_id; /* store only: which data file holds the bytes */
	uint32_t n_fps;
	const uint8_t *fps;
};

struct vnfha__ckpt_hello {
	uint16_t proto_min;
	uint16_t proto_max;
	uint8_t role;
	char node[VNFHA_CKPT_NAME_MAX + 1];
};

/* A local request: which fields matter depends on the frame type. */
struct vnfha__ckpt_req {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t size;
	uint32_t mode; /* enum vnfha_ckpt_mode */
	uint32_t timeout_ms;
	uint32_t role;
};

struct vnfha__ckpt_result_peer {
	char peer[VNFHA_CKPT_NAME_MAX + 1];
	uint8_t state; /* enum vnfha_ckpt_state */
};

struct vnfha__ckpt_result {
	int32_t status;
	uint64_t epoch;
	uint64_t gen;
	char message[256];
	uint16_t n_peers;
	struct vnfha__ckpt_result_peer peers[VNFHA_CKPT_MAX_PEERS];
};

struct vnfha__ckpt_block {
	uint64_t index;
	uint32_t length;
};

/* Frame header. Decode: -ENODATA short, -EBADMSG bad magic, -EPROTONOSUPPORT
 * version outside [PROTO_MIN, PROTO_MAX], -EMSGSIZE payload too long. */
int vnfha__ckpt_hdr_encode(const struct vnfha__ckpt_hdr *hdr, uint8_t *buf, size_t len);
int vnfha__ckpt_hdr_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_hdr *ret_hdr);

/* A name: 1..64 of [A-Za-z0-9._-], not starting with '.'. */
bool vnfha__ckpt_name_is_valid(const char *name);

/* Number of blocks of an object; -EINVAL for a bad block size, -EFBIG when
 * the fingerprint list would not fit one frame. */
int vnfha__ckpt_nblocks(uint64_t size, uint32_t block_size, uint32_t *ret_nblocks);

int vnfha__ckpt_obj_encode(const struct vnfha__ckpt_obj *obj, uint8_t *buf, size_t len);
/* -EBADMSG on any malformed field; fps, when present, must be nblocks long. */
int vnfha__ckpt_obj_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_obj *ret_obj);
/* Bytes obj_encode needs for n_fps fingerprints. */
size_t vnfha__ckpt_obj_len(uint32_t n_fps);

int vnfha__ckpt_hello_encode(const struct vnfha__ckpt_hello *h, uint8_t *buf, size_t len);
int vnfha__ckpt_hello_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_hello *ret_h);

int vnfha__ckpt_req_encode(const struct vnfha__ckpt_req *r, uint8_t *buf, size_t len);
int vnfha__ckpt_req_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_req *ret_r);

int vnfha__ckpt_result_encode(const struct vnfha__ckpt_result *r, uint8_t *buf, size_t len);
int vnfha__ckpt_result_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_result *ret_r);

/* BLOCK payload header; the caller reads the data that follows. Decode
 * checks that length equals payload_len - 12 and is 1..MAX_BLOCK_SIZE. */
int vnfha__ckpt_block_encode(const struct vnfha__ckpt_block *b, uint8_t *buf, size_t len);
int vnfha__ckpt_block_decode(const uint8_t *buf, size_t len, uint32_t payload_len,
			     struct vnfha__ckpt_block *ret_b);

/* TEXT/PEERS payload: printable text without NUL, copied NUL-terminated. */
int vnfha__ckpt_text_decode(const uint8_t *buf, size_t len, char *ret_text, size_t text_len);

/* Fingerprint i of a decoded list. */
uint64_t vnfha__ckpt_fp_at(const uint8_t *fps, uint32_t i);
void vnfha__ckpt_put_u64(uint8_t *p, uint64_t v);

#endif
