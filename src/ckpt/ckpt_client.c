// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvnfha's checkpoint client: talks to vnfha-ckptd over its Unix socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/unix_sock.h"
#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_wire.h"
#include "vnfha/ckpt.h"

bool vnfha__ckpt_mode_is_valid(enum vnfha_ckpt_mode mode)
{
	return mode == VNFHA_CKPT_ASYNC || mode == VNFHA_CKPT_SYNC || mode == VNFHA_CKPT_DURABLE;
}

/* A frame the codec refused is the daemon speaking another protocol: the
 * caller sees one code for it (the connection errors of <vnfha/ckpt.h>). */
static int recv_frame(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hdr *h, uint8_t *buf,
		      size_t len, size_t *ret_got)
{
	int rc = vnfha__ckpt_io_recv(c, h, buf, len, ret_got);

	switch (rc) {
	case -EBADMSG:
	case -EPROTONOSUPPORT:
	case -EMSGSIZE:
	case -ENODATA:
		return -EPROTO;
	default:
		return rc;
	}
}

int vnfha_ckpt_connect(const char *socket_path, struct vnfha_ckpt_client **ret_client)
{
	struct vnfha_ckpt_client *c;
	const char *path = socket_path;
	int fd;

	if (ret_client == NULL) {
		return -EINVAL;
	}
	if (path == NULL) {
		path = getenv("VNFHA_CKPT_SOCKET");
	}
	if (path == NULL || path[0] == '\0') {
		path = VNFHA_CKPT_SOCKET_DEFAULT;
	}
	fd = vnfha__unix_connect(path, SOCK_STREAM);
	if (fd < 0) {
		return fd;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return -ENOMEM;
	}
	vnfha__ckpt_conn_init_fd(&c->conn, fd);
	memcpy(c->path, path, strlen(path) + 1); /* fits: the connect took it */
	*ret_client = c;
	return 0;
}

struct vnfha__ckpt_conn *vnfha__ckpt_client_conn(struct vnfha_ckpt_client *client)
{
	return &client->conn;
}

void vnfha_ckpt_disconnect(struct vnfha_ckpt_client *client)
{
	if (client == NULL) {
		return;
	}
	/* The regions stay mapped until vnfha_ckpt_close(); the daemon forgets
	 * them with the connection, so they can no longer commit. */
	for (struct vnfha_ckpt_region *r = client->regions; r != NULL;) {
		struct vnfha_ckpt_region *next = r->next;

		vnfha__ckpt_region_detach(r);
		r = next;
	}
	vnfha__ckpt_conn_close(&client->conn);
	free(client);
}

int vnfha__ckpt_client_send_req(struct vnfha__ckpt_conn *c, uint16_t type, const char *name,
				uint64_t size, uint32_t mode, uint32_t timeout_ms)
{
	struct vnfha__ckpt_req r = { .size = size, .mode = mode, .timeout_ms = timeout_ms };
	uint8_t buf[256];
	int n;

	if (name != NULL && name[0] != '\0') {
		if (!vnfha__ckpt_name_is_valid(name)) {
			return -EINVAL;
		}
		memcpy(r.name, name, strlen(name) + 1);
	}
	n = vnfha__ckpt_req_encode(&r, buf, sizeof(buf));
	if (n < 0) {
		return n;
	}
	return vnfha__ckpt_io_send(c, type, buf, (uint32_t)n);
}

static int send_req(struct vnfha_ckpt_client *c, uint16_t type, const char *name, uint64_t size,
		    uint32_t mode, uint32_t timeout_ms)
{
	return vnfha__ckpt_client_send_req(&c->conn, type, name, size, mode, timeout_ms);
}

void vnfha__ckpt_result_export(const struct vnfha__ckpt_result *r, struct vnfha_ckpt_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->version.epoch = r->epoch;
	ret->version.gen = r->gen;
	ret->n_replicas = r->n_peers <= VNFHA_CKPT_MAX_PEERS ? r->n_peers : VNFHA_CKPT_MAX_PEERS;
	for (unsigned int i = 0; i < ret->n_replicas; i++) {
		memcpy(ret->replicas[i].peer, r->peers[i].peer, sizeof(ret->replicas[i].peer));
		ret->replicas[i].peer[sizeof(ret->replicas[i].peer) - 1] = '\0';
		ret->replicas[i].state = (enum vnfha_ckpt_state)r->peers[i].state;
	}
	memcpy(ret->message, r->message, sizeof(ret->message));
	ret->message[sizeof(ret->message) - 1] = '\0';
}

/* Reads a RESULT (or, on a protocol slip, fails with -EPROTO). */
int vnfha__ckpt_client_recv_result(struct vnfha__ckpt_conn *c, struct vnfha_ckpt_result *ret)
{
	struct vnfha__ckpt_result r;
	struct vnfha__ckpt_hdr h;
	uint8_t buf[4096];
	size_t got = 0;
	int rc = recv_frame(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type != VNFHA_CKPT_RESULT || got != h.length ||
	    vnfha__ckpt_result_decode(buf, got, &r) != 0 || r.n_peers > VNFHA_CKPT_MAX_PEERS) {
		return -EPROTO;
	}
	/* Filled on success and on a timeout (stored, not confirmed) only. */
	if (ret != NULL && (r.status == 0 || r.status == -ETIMEDOUT)) {
		vnfha__ckpt_result_export(&r, ret);
	}
	return r.status > 0 ? -EPROTO : r.status;
}

static int recv_result(struct vnfha_ckpt_client *c, struct vnfha_ckpt_result *ret)
{
	return vnfha__ckpt_client_recv_result(&c->conn, ret);
}

int vnfha_ckpt_put(struct vnfha_ckpt_client *client, const char *name, const void *buf,
		   size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		   struct vnfha_ckpt_result *ret_result)
{
	const uint8_t *p = buf;
	uint8_t head[VNFHA_CKPT_BLOCK_HDR_LEN];
	uint64_t i = 0;
	int rc;

	if (client == NULL || !vnfha__ckpt_name_is_valid(name) || (buf == NULL && len > 0) ||
	    !vnfha__ckpt_mode_is_valid(mode)) {
		return -EINVAL;
	}
	rc = send_req(client, VNFHA_CKPT_PUT, name, len, mode, timeout_ms);
	if (rc == 0) {
		rc = recv_result(client, NULL); /* go ahead, or why not */
	}
	if (rc != 0) {
		return rc;
	}
	for (size_t off = 0; off < len; off += VNFHA_CKPT_BLOCK_SIZE, i++) {
		struct vnfha__ckpt_block b = { .index = i };

		b.length = len - off < VNFHA_CKPT_BLOCK_SIZE ? (uint32_t)(len - off)
							     : VNFHA_CKPT_BLOCK_SIZE;
		vnfha__ckpt_block_encode(&b, head, sizeof(head));
		rc = vnfha__ckpt_io_send2(&client->conn, VNFHA_CKPT_BLOCK, head, sizeof(head),
					  p + off, b.length);
		if (rc != 0) {
			return rc;
		}
	}
	rc = vnfha__ckpt_io_send(&client->conn, VNFHA_CKPT_END, NULL, 0);
	if (rc != 0) {
		return rc;
	}
	return recv_result(client, ret_result);
}

int vnfha__ckpt_client_recv_info(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_obj *ret_obj)
{
	struct vnfha__ckpt_hdr h;
	static __thread uint8_t buf[4096];
	size_t got = 0;
	int rc = recv_frame(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type == VNFHA_CKPT_RESULT) {
		struct vnfha__ckpt_result r;

		if (got != h.length || vnfha__ckpt_result_decode(buf, got, &r) != 0) {
			return -EPROTO;
		}
		return r.status < 0 ? r.status : -EPROTO;
	}
	if (h.type != VNFHA_CKPT_INFO || got != h.length ||
	    vnfha__ckpt_obj_decode(buf, got, ret_obj) != 0) {
		return -EPROTO;
	}
	return 0;
}

static int recv_info(struct vnfha_ckpt_client *c, struct vnfha__ckpt_obj *ret_obj)
{
	return vnfha__ckpt_client_recv_info(&c->conn, ret_obj);
}

int vnfha__ckpt_client_get_into(struct vnfha__ckpt_conn *c, const char *name, uint8_t **dst,
				size_t expect_size, bool alloc, struct vnfha__ckpt_obj *ret_obj)
{
	struct vnfha__ckpt_obj o;
	uint8_t *out = NULL;
	int rc = vnfha__ckpt_client_send_req(c, VNFHA_CKPT_GET, name, 0, 0, 0);

	if (rc == 0) {
		rc = vnfha__ckpt_client_recv_info(c, &o);
	}
	if (rc != 0) {
		return rc;
	}
	if (alloc) {
		out = o.size > 0 ? malloc(o.size) : NULL;
		if (o.size > 0 && out == NULL) {
			rc = -ENOMEM; /* the blocks are read and dropped: the connection stays in step */
		}
	} else {
		out = *dst;
		if (o.size != expect_size) {
			rc = -EMSGSIZE;
		}
	}
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_block b;
		uint8_t head[512];
		size_t got = 0;
		int r = recv_frame(c, &h, head, VNFHA_CKPT_BLOCK_HDR_LEN, &got);

		if (r != 0) {
			rc = r;
			break;
		}
		if (h.type == VNFHA_CKPT_END) {
			break;
		}
		if (h.type == VNFHA_CKPT_RESULT) {
			struct vnfha__ckpt_result res;

			if (h.length > sizeof(head) ||
			    vnfha__ckpt_io_read(c, head + got, h.length - got) != 0 ||
			    vnfha__ckpt_result_decode(head, h.length, &res) != 0) {
				rc = -EPROTO;
			} else {
				rc = res.status < 0 ? res.status : -EPROTO;
			}
			break;
		}
		if (h.type != VNFHA_CKPT_BLOCK || got != VNFHA_CKPT_BLOCK_HDR_LEN ||
		    vnfha__ckpt_block_decode(head, got, h.length, &b) != 0 ||
		    b.index * o.block_size + b.length > o.size) {
			rc = -EPROTO;
			break;
		}
		if (rc == 0) {
			r = vnfha__ckpt_io_read(c, out + b.index * o.block_size, b.length);
		} else {
			uint8_t sink[4096];

			for (uint32_t left = b.length; left > 0 && r == 0;) {
				uint32_t k = left < sizeof(sink) ? left : (uint32_t)sizeof(sink);

				r = vnfha__ckpt_io_read(c, sink, k);
				left -= k;
			}
		}
		if (r != 0) {
			rc = r;
			break;
		}
	}
	if (rc != 0) {
		if (alloc) {
			free(out);
		}
		return rc;
	}
	if (alloc) {
		*dst = out;
	}
	*ret_obj = o;
	return 0;
}

int vnfha_ckpt_get(struct vnfha_ckpt_client *client, const char *name, void **ret_buf,
		   size_t *ret_len, struct vnfha_ckpt_version *ret_version)
{
	struct vnfha__ckpt_obj o;
	uint8_t *buf = NULL;
	int rc = -EAGAIN;

	if (client == NULL || ret_buf == NULL || !vnfha__ckpt_name_is_valid(name)) {
		return -EINVAL;
	}
	for (int attempt = 0; attempt < 4 && rc == -EAGAIN; attempt++) {
		rc = vnfha__ckpt_client_get_into(&client->conn, name, &buf, 0, true, &o);
	}
	if (rc != 0) {
		return rc;
	}
	*ret_buf = buf;
	if (ret_len != NULL) {
		*ret_len = o.size;
	}
	if (ret_version != NULL) {
		ret_version->epoch = o.epoch;
		ret_version->gen = o.gen;
	}
	return 0;
}

int vnfha_ckpt_latest(struct vnfha_ckpt_client *client, const char *name,
		      struct vnfha_ckpt_version *ret_version)
{
	struct vnfha__ckpt_obj o;
	int rc;

	if (client == NULL || ret_version == NULL ||
	    (name != NULL && name[0] != '\0' && !vnfha__ckpt_name_is_valid(name))) {
		return -EINVAL;
	}
	rc = send_req(client, VNFHA_CKPT_LATEST, name, 0, 0, 0);
	if (rc == 0) {
		rc = recv_info(client, &o);
	}
	if (rc == 0) {
		ret_version->epoch = o.epoch;
		ret_version->gen = o.gen;
	}
	return rc;
}

struct vnfha_ckpt_result *vnfha_ckpt_result_new(void)
{
	struct vnfha_ckpt_result *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		errno = ENOMEM;
	}
	return r;
}

void vnfha_ckpt_result_free(struct vnfha_ckpt_result *result)
{
	free(result);
}

struct vnfha_ckpt_version vnfha_ckpt_result_version(const struct vnfha_ckpt_result *result)
{
	struct vnfha_ckpt_version none = { 0, 0 };

	return result != NULL ? result->version : none;
}

unsigned int vnfha_ckpt_result_n_replicas(const struct vnfha_ckpt_result *result)
{
	return result != NULL ? result->n_replicas : 0;
}

int vnfha_ckpt_result_replica(const struct vnfha_ckpt_result *result, unsigned int i,
			      const char **ret_peer, enum vnfha_ckpt_state *ret_state)
{
	if (result == NULL) {
		return -EINVAL;
	}
	if (i >= result->n_replicas) {
		return -ERANGE;
	}
	if (ret_peer != NULL) {
		*ret_peer = result->replicas[i].peer;
	}
	if (ret_state != NULL) {
		*ret_state = result->replicas[i].state;
	}
	return 0;
}

const char *vnfha_ckpt_result_message(const struct vnfha_ckpt_result *result)
{
	return result != NULL ? result->message : "";
}
