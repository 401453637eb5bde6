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
#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_wire.h"
#include "vnfha/ckpt.h"

/* A client knows its open regions so that disconnecting detaches them
 * (region->client = NULL) instead of leaving them a dangling pointer. */
struct vnfha_ckpt_client {
	struct vnfha__ckpt_conn conn;
	struct vnfha_ckpt_region *regions; /* open regions, a doubly linked list */
};

struct vnfha_ckpt_region {
	struct vnfha_ckpt_client *client; /* NULL once the client is disconnected */
	struct vnfha_ckpt_region *prev, *next;
	char name[VNFHA_CKPT_NAME_MAX + 1];
	void *data;
	size_t size;
	struct vnfha_ckpt_version version;
};

/* Opaque in <vnfha/ckpt.h>, so it may grow with the wire's limits. */
struct vnfha_ckpt_result {
	struct vnfha_ckpt_version version;
	unsigned int n_replicas;
	struct {
		char peer[VNFHA_CKPT_NAME_MAX + 1];
		enum vnfha_ckpt_state state;
	} replicas[VNFHA_CKPT_MAX_PEERS];
	char message[256];
};

static bool mode_is_valid(enum vnfha_ckpt_mode mode)
{
	return mode == VNFHA_CKPT_ASYNC || mode == VNFHA_CKPT_SYNC || mode == VNFHA_CKPT_DURABLE;
}

/* A frame the codec refused is the daemon speaking another protocol: the
 * caller sees one code for it (the connection errors of <vnfha/ckpt.h>). */
static int recv_frame(struct vnfha_ckpt_client *c, struct vnfha__ckpt_hdr *h, uint8_t *buf,
		      size_t len, size_t *ret_got)
{
	int rc = vnfha__ckpt_io_recv(&c->conn, h, buf, len, ret_got);

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

		r->client = NULL;
		r->prev = NULL;
		r->next = NULL;
		r = next;
	}
	vnfha__ckpt_conn_close(&client->conn);
	free(client);
}

static int send_req(struct vnfha_ckpt_client *c, uint16_t type, const char *name, uint64_t size,
		    uint32_t mode, uint32_t timeout_ms)
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
	return vnfha__ckpt_io_send(&c->conn, type, buf, (uint32_t)n);
}

/* Reads a RESULT (or, on a protocol slip, fails with -EPROTO). */
static int recv_result(struct vnfha_ckpt_client *c, struct vnfha_ckpt_result *ret)
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
		memset(ret, 0, sizeof(*ret));
		ret->version.epoch = r.epoch;
		ret->version.gen = r.gen;
		ret->n_replicas = r.n_peers;
		for (uint16_t i = 0; i < r.n_peers; i++) {
			memcpy(ret->replicas[i].peer, r.peers[i].peer, sizeof(ret->replicas[i].peer));
			ret->replicas[i].peer[sizeof(ret->replicas[i].peer) - 1] = '\0';
			ret->replicas[i].state = (enum vnfha_ckpt_state)r.peers[i].state;
		}
		memcpy(ret->message, r.message, sizeof(ret->message));
		ret->message[sizeof(ret->message) - 1] = '\0';
	}
	return r.status > 0 ? -EPROTO : r.status;
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
	    !mode_is_valid(mode)) {
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

static int recv_info(struct vnfha_ckpt_client *c, struct vnfha__ckpt_obj *ret_obj)
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

/* Streams a GET into dst (size bytes expected); -EAGAIN if it changed. */
static int get_into(struct vnfha_ckpt_client *c, const char *name, uint8_t **dst,
		    size_t expect_size, bool alloc, struct vnfha__ckpt_obj *ret_obj)
{
	struct vnfha__ckpt_obj o;
	uint8_t *out = NULL;
	int rc = send_req(c, VNFHA_CKPT_GET, name, 0, 0, 0);

	if (rc == 0) {
		rc = recv_info(c, &o);
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
			    vnfha__ckpt_io_read(&c->conn, head + got, h.length - got) != 0 ||
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
			r = vnfha__ckpt_io_read(&c->conn, out + b.index * o.block_size, b.length);
		} else {
			uint8_t sink[4096];

			for (uint32_t left = b.length; left > 0 && r == 0;) {
				uint32_t k = left < sizeof(sink) ? left : (uint32_t)sizeof(sink);

				r = vnfha__ckpt_io_read(&c->conn, sink, k);
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
		rc = get_into(client, name, &buf, 0, true, &o);
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

int vnfha_ckpt_open(struct vnfha_ckpt_client *client, const char *name, size_t size,
		    struct vnfha_ckpt_region **ret_region)
{
	struct vnfha_ckpt_region *r;
	struct vnfha__ckpt_obj o;
	void *p;
	int fd;
	int rc;

	/* Checked before sending: a refused request leaves no answer unread. */
	if (client == NULL || ret_region == NULL || !vnfha__ckpt_name_is_valid(name)) {
		return -EINVAL;
	}
	rc = send_req(client, VNFHA_CKPT_OPEN, name, size, 0, 0);
	if (rc == 0) {
		rc = recv_info(client, &o);
	}
	if (rc != 0) {
		return rc;
	}
	fd = client->conn.recv_fd;
	client->conn.recv_fd = -1;
	if (fd < 0 || o.size == 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -EPROTO;
	}
	p = mmap(NULL, o.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	rc = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (rc != 0) {
		return rc;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		munmap(p, o.size);
		return -ENOMEM;
	}
	r->client = client;
	memcpy(r->name, o.name, sizeof(r->name));
	r->data = p;
	r->size = o.size;
	r->version.epoch = o.epoch;
	r->version.gen = o.gen;
	r->next = client->regions;
	if (client->regions != NULL) {
		client->regions->prev = r;
	}
	client->regions = r;
	*ret_region = r;
	return 0;
}

void *vnfha_ckpt_region_data(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->data : NULL;
}

size_t vnfha_ckpt_region_size(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->size : 0;
}

struct vnfha_ckpt_version vnfha_ckpt_region_version(const struct vnfha_ckpt_region *region)
{
	struct vnfha_ckpt_version none = { 0, 0 };

	return region != NULL ? region->version : none;
}

int vnfha_ckpt_commit(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
		      unsigned int timeout_ms, struct vnfha_ckpt_result *ret_result)
{
	struct vnfha_ckpt_result res;
	int rc;

	if (region == NULL || !mode_is_valid(mode)) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	rc = send_req(region->client, VNFHA_CKPT_COMMIT, region->name, region->size, mode,
		      timeout_ms);
	if (rc != 0) {
		return rc;
	}
	rc = recv_result(region->client, &res);
	if (rc == 0 || rc == -ETIMEDOUT) {
		region->version = res.version;
		if (ret_result != NULL) {
			*ret_result = res;
		}
	}
	return rc;
}

int vnfha_ckpt_restore(struct vnfha_ckpt_region *region)
{
	struct vnfha__ckpt_obj o;
	uint8_t *dst;
	int rc = -EAGAIN;

	if (region == NULL) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	dst = region->data;
	for (int attempt = 0; attempt < 4 && rc == -EAGAIN; attempt++) {
		rc = get_into(region->client, region->name, &dst, region->size, false, &o);
	}
	if (rc == 0) {
		region->version.epoch = o.epoch;
		region->version.gen = o.gen;
	}
	return rc;
}

void vnfha_ckpt_close(struct vnfha_ckpt_region *region)
{
	if (region == NULL) {
		return;
	}
	if (region->client != NULL) {
		if (region->prev != NULL) {
			region->prev->next = region->next;
		} else {
			region->client->regions = region->next;
		}
		if (region->next != NULL) {
			region->next->prev = region->prev;
		}
	}
	munmap(region->data, region->size);
	free(region);
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
