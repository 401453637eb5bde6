// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: a byte stream of checkpoint frames read the way the daemon
 * reads its clients and its primary (header, up to 512 bytes, the rest),
 * through a buffered connection (vnfha__ckpt_conn_buffer) and through a
 * plain one. Input: a byte choosing the buffer's size, one choosing how
 * the transport cuts the stream, then the stream. Both readings must
 * agree frame for frame, result for result. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ckpt/ckpt_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct stream {
	const uint8_t *data;
	size_t len;
	size_t pos;
	uint32_t cut; /* a small generator of piece sizes */
};

static ssize_t s_recv(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	struct stream *s = c->priv;
	size_t n;

	s->cut = s->cut * 1103515245u + 12345u;
	n = 1 + (s->cut >> 16) % 97;
	n = n < len ? n : len;
	n = n < s->len - s->pos ? n : s->len - s->pos;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static ssize_t s_send(struct vnfha__ckpt_conn *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

static void s_close(struct vnfha__ckpt_conn *c)
{
	(void)c;
}

static const struct vnfha__ckpt_conn_ops ops = { .send = s_send, .recv = s_recv,
						 .close = s_close };

struct frame {
	int rc;
	struct vnfha__ckpt_hdr h;
	size_t got;
};

static uint8_t pay[2][VNFHA_CKPT_MAX_PAYLOAD];

/* The next frame of c into pay[k]; rc != 0 ends the stream. */
static struct frame next(struct vnfha__ckpt_conn *c, int k)
{
	struct frame f = { 0 };

	f.rc = vnfha__ckpt_io_recv(c, &f.h, pay[k], 512, &f.got);
	if (f.rc == 0 && f.h.length > f.got) {
		f.rc = vnfha__ckpt_io_read(c, pay[k] + f.got, f.h.length - f.got);
	}
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream a;
	struct stream b;
	struct vnfha__ckpt_conn plain;
	struct vnfha__ckpt_conn buffered;

	if (size < 2) {
		return 0;
	}
	a = (struct stream){ .data = data + 2, .len = size - 2, .cut = data[1] };
	b = a;
	vnfha__ckpt_conn_init_fd(&plain, -1);
	plain.ops = &ops;
	plain.priv = &a;
	vnfha__ckpt_conn_init_fd(&buffered, -1);
	buffered.ops = &ops;
	buffered.priv = &b;
	if (vnfha__ckpt_conn_buffer(&buffered, 16 + (size_t)data[0] * 17) != 0) {
		return 0;
	}
	for (;;) {
		struct frame x = next(&plain, 0);
		struct frame y = next(&buffered, 1);

		assert(x.rc == y.rc);
		if (x.rc != 0) {
			break;
		}
		assert(x.h.type == y.h.type && x.h.length == y.h.length && x.got == y.got);
		assert(memcmp(pay[0], pay[1], x.h.length) == 0);
		assert(vnfha__ckpt_io_buffered(&buffered) <= buffered.rb->cap);
	}
	vnfha__ckpt_conn_close(&plain);
	vnfha__ckpt_conn_close(&buffered);
	return 0;
}
