// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ckpt/ckpt_io.h"

static ssize_t fd_send(struct vnfha__ckpt_conn *c, const void *buf, size_t len)
{
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

/* recvmsg so a descriptor sent with SCM_RIGHTS is picked up on the way. */
static ssize_t fd_recv(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);

	if (n < 0) {
		return -errno;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int))) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
			if (c->recv_fd >= 0) {
				close(c->recv_fd);
			}
			c->recv_fd = fd;
		}
	}
	return n;
}

static int fd_cork(struct vnfha__ckpt_conn *c, int on)
{
	/* Fails harmlessly (EOPNOTSUPP) on a Unix socket. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	return 0;
}

static void fd_close(struct vnfha__ckpt_conn *c)
{
	(void)c;
}

static const struct vnfha__ckpt_conn_ops fd_ops = {
	.send = fd_send,
	.recv = fd_recv,
	.cork = fd_cork,
	.close = fd_close,
};

void vnfha__ckpt_conn_init_fd(struct vnfha__ckpt_conn *c, int fd)
{
	c->fd = fd;
	c->ops = &fd_ops;
	c->priv = NULL;
	c->recv_fd = -1;
	c->rb = NULL;
}

int vnfha__ckpt_conn_buffer(struct vnfha__ckpt_conn *c, size_t cap)
{
	struct vnfha__ckpt_rbuf *rb;

	if (c->rb != NULL || cap == 0) {
		return -EINVAL;
	}
	rb = calloc(1, sizeof(*rb));
	if (rb == NULL || (rb->buf = malloc(cap)) == NULL) {
		free(rb);
		return -ENOMEM;
	}
	rb->cap = cap;
	c->rb = rb;
	return 0;
}

size_t vnfha__ckpt_io_buffered(const struct vnfha__ckpt_conn *c)
{
	return c->rb != NULL ? c->rb->len : 0;
}

void vnfha__ckpt_conn_close(struct vnfha__ckpt_conn *c)
{
	if (c->ops != NULL) {
		c->ops->close(c);
	}
	if (c->fd >= 0) {
		close(c->fd);
	}
	if (c->recv_fd >= 0) {
		close(c->recv_fd);
	}
	if (c->rb != NULL) {
		free(c->rb->buf);
		free(c->rb);
	}
	c->fd = -1;
	c->recv_fd = -1;
	c->rb = NULL;
}

int vnfha__ckpt_io_write(struct vnfha__ckpt_conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = c->ops->send(c, p, len);

		if (n == -EINTR) {
			continue;
		}
		if (n < 0) {
			return (int)n;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One receive of up to len bytes, retried when interrupted: the bytes
 * (> 0) or -errno, -ECONNRESET at EOF. */
static ssize_t recv_some(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = c->ops->recv(c, buf, len);

		if (n != -EINTR) {
			return n == 0 ? -ECONNRESET : n;
		}
	}
}

/* len bytes for p out of c's buffer: what it holds first, then one recv
 * of up to its capacity at a time (or straight into p when len is at
 * least that). */
static int read_buffered(struct vnfha__ckpt_conn *c, uint8_t *p, size_t len)
{
	struct vnfha__ckpt_rbuf *rb = c->rb;

	while (len > 0) {
		size_t take = rb->len < len ? rb->len : len;
		ssize_t n;

		if (take > 0) {
			memcpy(p, rb->buf + rb->off, take);
			rb->off += take;
			rb->len -= take;
			p += take;
			len -= take;
			continue;
		}
		n = recv_some(c, len >= rb->cap ? p : rb->buf, len >= rb->cap ? len : rb->cap);
		if (n < 0) {
			return (int)n;
		}
		if (len >= rb->cap) {
			p += n;
			len -= (size_t)n;
		} else {
			rb->off = 0;
			rb->len = (size_t)n;
		}
	}
	return 0;
}

int vnfha__ckpt_io_read(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (c->rb != NULL) {
		return read_buffered(c, p, len);
	}
	while (len > 0) {
		ssize_t n = recv_some(c, p, len);

		if (n < 0) {
			return (int)n;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vnfha__ckpt_io_frame_hdr(uint8_t *out, uint16_t type, uint32_t len)
{
	struct vnfha__ckpt_hdr h = { .version = VNFHA_CKPT_FRAME_VERSION, .type = type,
				     .length = len };

	return vnfha__ckpt_hdr_encode(&h, out, VNFHA_CKPT_HDR_LEN);
}

int vnfha__ckpt_io_send(struct vnfha__ckpt_conn *c, uint16_t type, const void *payload,
			uint32_t len)
{
	return vnfha__ckpt_io_send2(c, type, payload, len, NULL, 0);
}

int vnfha__ckpt_io_send2(struct vnfha__ckpt_conn *c, uint16_t type, const void *head,
			 uint32_t head_len, const void *data, uint32_t data_len)
{
	uint8_t small[VNFHA_CKPT_HDR_LEN + 512];
	int rc;

	if ((uint64_t)head_len + data_len > VNFHA_CKPT_MAX_PAYLOAD) {
		return -EMSGSIZE;
	}
	vnfha__ckpt_io_frame_hdr(small, type, head_len + data_len);
	/* Small frames go out in one write (one TCP segment, one record). */
	if (head_len + data_len <= 512) {
		if (head_len > 0) {
			memcpy(small + VNFHA_CKPT_HDR_LEN, head, head_len);
		}
		if (data_len > 0) {
			memcpy(small + VNFHA_CKPT_HDR_LEN + head_len, data, data_len);
		}
		return vnfha__ckpt_io_write(c, small, VNFHA_CKPT_HDR_LEN + head_len + data_len);
	}
	if (head_len <= 512) {
		memcpy(small + VNFHA_CKPT_HDR_LEN, head, head_len);
		rc = vnfha__ckpt_io_write(c, small, VNFHA_CKPT_HDR_LEN + head_len);
	} else {
		rc = vnfha__ckpt_io_write(c, small, VNFHA_CKPT_HDR_LEN);
		if (rc == 0) {
			rc = vnfha__ckpt_io_write(c, head, head_len);
		}
	}
	if (rc == 0 && data_len > 0) {
		rc = vnfha__ckpt_io_write(c, data, data_len);
	}
	return rc;
}

int vnfha__ckpt_io_recv(struct vnfha__ckpt_conn *c, struct vnfha__ckpt_hdr *ret_hdr, uint8_t *buf,
			size_t buf_len, size_t *ret_got)
{
	uint8_t raw[VNFHA_CKPT_HDR_LEN];
	size_t want;
	int rc = vnfha__ckpt_io_read(c, raw, sizeof(raw));

	if (rc != 0) {
		return rc;
	}
	rc = vnfha__ckpt_hdr_decode(raw, sizeof(raw), ret_hdr);
	if (rc != 0) {
		return rc;
	}
	want = ret_hdr->length <= buf_len ? ret_hdr->length : buf_len;
	rc = vnfha__ckpt_io_read(c, buf, want);
	if (rc == 0) {
		*ret_got = want;
	}
	return rc;
}

int vnfha__ckpt_io_send_fd(struct vnfha__ckpt_conn *c, uint16_t type, const void *payload,
			   uint32_t len, int fd)
{
	uint8_t buf[VNFHA_CKPT_HDR_LEN + 1024];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = VNFHA_CKPT_HDR_LEN + len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	if (len > 1024) {
		return -EMSGSIZE;
	}
	vnfha__ckpt_io_frame_hdr(buf, type, len);
	memcpy(buf + VNFHA_CKPT_HDR_LEN, payload, len);
	memset(&ctl, 0, sizeof(ctl));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	if (n < 0) {
		return -errno;
	}
	/* The descriptor went with the first byte; send what remains. */
	if ((size_t)n < iov.iov_len) {
		return vnfha__ckpt_io_write(c, buf + n, iov.iov_len - (size_t)n);
	}
	return 0;
}

bool vnfha__ckpt_io_pending(struct vnfha__ckpt_conn *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	if (vnfha__ckpt_io_buffered(c) > 0 || (c->ops->pending != NULL && c->ops->pending(c))) {
		return true;
	}
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int vnfha__ckpt_io_timeout(int fd, unsigned int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		return -errno;
	}
	return 0;
}
