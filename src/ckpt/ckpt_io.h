/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A checkpoint connection: a byte stream with pluggable send/recv, so the
 * same framing runs over a Unix socket, plain TCP, TLS (ckpt_tls.h), or a
 * transport another part adds (Corosync CPG, a shared directory): fill in
 * struct vnfha__ckpt_conn's ops and everything above works unchanged.
 */
#ifndef VNFHA_CKPT_IO_H
#define VNFHA_CKPT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt/ckpt_wire.h"

struct vnfha__ckpt_conn;

struct vnfha__ckpt_conn_ops {
	/* Like send(2)/recv(2): bytes moved, or -errno; recv 0 at EOF. */
	ssize_t (*send)(struct vnfha__ckpt_conn *c, const void *buf, size_t len);
	ssize_t (*recv)(struct vnfha__ckpt_conn *c, void *buf, size_t len);
	/* Optional: batch the sends between cork(c, 1) and cork(c, 0). */
	int (*cork)(struct vnfha__ckpt_conn *c, int on);
	void (*close)(struct vnfha__ckpt_conn *c);
	/* Optional: bytes already received and buffered above the socket
	 * (a TLS record decrypted but not read). */
	bool (*pending)(struct vnfha__ckpt_conn *c);
};

struct vnfha__ckpt_conn {
	int fd;
	const struct vnfha__ckpt_conn_ops *ops;
	void *priv;  /* the transport's state (a TLS session) */
	int recv_fd; /* a descriptor that came with the last frame (SCM_RIGHTS), or -1 */
	struct vnfha__ckpt_rbuf *rb; /* reads buffered (vnfha__ckpt_conn_buffer), or NULL */
};

/* A connection's read buffer: bytes [off, off + len) of buf are received
 * and not yet read. */
struct vnfha__ckpt_rbuf {
	uint8_t *buf;
	size_t cap;
	size_t off;
	size_t len;
};

/* A connection over a connected socket fd (plain bytes). */
void vnfha__ckpt_conn_init_fd(struct vnfha__ckpt_conn *c, int fd);
void vnfha__ckpt_conn_close(struct vnfha__ckpt_conn *c);
/* From here, reads through c take what one recv of up to cap bytes
 * brought (several frames per system call); a read larger than the buffer
 * goes straight to its destination. Only for a connection that carries
 * no descriptors (SCM_RIGHTS would arrive ahead of its frame). Its
 * readers then ask vnfha__ckpt_io_pending (or _buffered), not poll(2)
 * alone: bytes may wait here. */
int vnfha__ckpt_conn_buffer(struct vnfha__ckpt_conn *c, size_t cap);
/* Bytes received into c's buffer and not read yet. */
size_t vnfha__ckpt_io_buffered(const struct vnfha__ckpt_conn *c);

int vnfha__ckpt_io_write(struct vnfha__ckpt_conn *c, const void *buf, size_t len);
/* -ECONNRESET on EOF before len bytes. */
int vnfha__ckpt_io_read(struct vnfha__ckpt_conn *c, void *buf, size_t len);

/* Encodes the 16-byte header of a frame of this type and payload length
 * (to lay several frames out in one buffer for one write). */
int vnfha__ckpt_io_frame_hdr(uint8_t *out, uint16_t type, uint32_t len);
/* A frame: header and payload in one write. */
int vnfha__ckpt_io_send(struct vnfha__ckpt_conn *c, uint16_t type, const void *payload,
			uint32_t len);
/* A frame whose payload is head + data (BLOCK). */
int vnfha__ckpt_io_send2(struct vnfha__ckpt_conn *c, uint16_t type, const void *head,
			 uint32_t head_len, const void *data, uint32_t data_len);
/* Receives one frame header and the first min(length, buf_len) bytes of
 * its payload (*ret_got); the caller reads the rest (BLOCK data). */
int vnfha__ckpt_io_recv(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hdr *ret_hdr, uint8_t *buf,
			size_t buf_len, size_t *ret_got);
/* Unix sockets: a frame with a descriptor attached (SCM_RIGHTS). */
int vnfha__ckpt_io_send_fd(struct vnfha__ckpt_conn *c, uint16_t type, const void *payload,
			   uint32_t len, int fd);

/* Something to read right now (buffered, or on the socket). */
bool vnfha__ckpt_io_pending(struct vnfha__ckpt_conn *c);

/* Socket timeouts for both directions, in milliseconds (0: none). */
int vnfha__ckpt_io_timeout(int fd, unsigned int ms);

/* The connection under a libvnfha client handle (for vnfha-ckpt). */
struct vnfha_ckpt_client;
struct vnfha__ckpt_conn *vnfha__ckpt_client_conn(struct vnfha_ckpt_client *client);

#endif
