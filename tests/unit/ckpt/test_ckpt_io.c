// SPDX-License-Identifier: GPL-2.0-or-later
/* Buffered reads of a checkpoint connection (vnfha__ckpt_conn_buffer):
 * a stream of frames of random sizes, cut into random pieces by its
 * transport (and interrupted now and then), reads back frame for frame as
 * it does unbuffered, in far fewer receive calls; pending sees buffered
 * bytes; a stream cut short mid-frame is an error. Random: the seed is
 * printed, VNFHA_SEED replays it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "ckpt/ckpt_io.h"
#include "unit.h"

#define N_FRAMES 300
#define CAP 4096 /* the read buffer under test: large frames bypass it */

static unsigned int seed;

struct stream {
	const uint8_t *data;
	size_t len;
	size_t pos;
	size_t max_piece; /* the transport returns 1..max_piece bytes per call */
	unsigned int rnd;
	unsigned int calls;
};

static ssize_t stream_recv(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	struct stream *s = c->priv;
	size_t n = 1 + (size_t)rand_r(&s->rnd) % s->max_piece;

	s->calls++;
	if (rand_r(&s->rnd) % 17 == 0) {
		return -EINTR;
	}
	n = n < len ? n : len;
	n = n < s->len - s->pos ? n : s->len - s->pos;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static ssize_t stream_send(struct vnfha__ckpt_conn *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

static void stream_close(struct vnfha__ckpt_conn *c)
{
	(void)c;
}

static const struct vnfha__ckpt_conn_ops stream_ops = {
	.send = stream_send, .recv = stream_recv, .close = stream_close
};

/* N_FRAMES frames, mostly small, some larger than CAP; *ret_len bytes. */
static uint8_t *make_stream(size_t *ret_len, uint32_t *lens)
{
	size_t cap = (size_t)N_FRAMES * (VNFHA_CKPT_HDR_LEN + 3 * CAP);
	uint8_t *p = malloc(cap);
	size_t len = 0;

	for (int i = 0; p != NULL && i < N_FRAMES; i++) {
		uint32_t n = rand_r(&seed) % 8 == 0 ? (uint32_t)(rand_r(&seed) % (3 * CAP))
						    : (uint32_t)(rand_r(&seed) % 600);

		lens[i] = n;
		vnfha__ckpt_io_frame_hdr(p + len, VNFHA_CKPT_PUT, n);
		len += VNFHA_CKPT_HDR_LEN;
		for (uint32_t k = 0; k < n; k++) {
			p[len + k] = (uint8_t)rand_r(&seed);
		}
		len += n;
	}
	*ret_len = len;
	return p;
}

static void conn_over(struct vnfha__ckpt_conn *c, struct stream *s)
{
	vnfha__ckpt_conn_init_fd(c, -1);
	c->ops = &stream_ops;
	c->priv = s;
}

/* Reads every frame back as the daemon does (header and up to 512 bytes,
 * then the rest), checking each against the stream. */
static void read_back(struct vnfha__ckpt_conn *c, const uint8_t *data, const uint32_t *lens)
{
	uint8_t *buf = malloc(3 * CAP);
	size_t at = 0;

	CHECK(buf != NULL);
	for (int i = 0; buf != NULL && i < N_FRAMES; i++) {
		struct vnfha__ckpt_hdr h;
		size_t got = 0;

		CHECK_INT(vnfha__ckpt_io_recv(c, &h, buf, 512, &got), 0);
		CHECK_INT(h.length, lens[i]);
		CHECK_INT(got, lens[i] < 512 ? lens[i] : 512);
		CHECK_INT(vnfha__ckpt_io_read(c, buf + got, h.length - got), 0);
		at += VNFHA_CKPT_HDR_LEN;
		CHECK(memcmp(buf, data + at, lens[i]) == 0);
		at += lens[i];
	}
	free(buf);
}

static void test_same_frames(size_t max_piece, unsigned int *ret_plain, unsigned int *ret_buf)
{
	uint32_t lens[N_FRAMES];
	size_t len = 0;
	uint8_t *data = make_stream(&len, lens);
	struct stream plain = { .data = data, .len = len, .max_piece = max_piece, .rnd = seed };
	struct stream buffered = plain;
	struct vnfha__ckpt_conn c;

	CHECK(data != NULL);
	if (data == NULL) {
		return;
	}
	conn_over(&c, &plain);
	read_back(&c, data, lens);
	CHECK_INT(plain.pos, len);
	vnfha__ckpt_conn_close(&c);

	conn_over(&c, &buffered);
	CHECK_INT(vnfha__ckpt_conn_buffer(&c, CAP), 0);
	CHECK_INT(vnfha__ckpt_conn_buffer(&c, CAP), -EINVAL); /* once */
	read_back(&c, data, lens);
	CHECK_INT(buffered.pos, len);
	CHECK_INT(vnfha__ckpt_io_buffered(&c), 0);
	vnfha__ckpt_conn_close(&c);
	CHECK(c.rb == NULL);
	*ret_plain = plain.calls;
	*ret_buf = buffered.calls;
	free(data);
}

/* Two small frames in one piece: the first read takes both, the second
 * frame is pending (buffered) without another receive. */
static void test_pending(void)
{
	uint8_t two[2 * VNFHA_CKPT_HDR_LEN + 8] = { 0 };
	struct stream s = { .data = two, .len = sizeof(two), .max_piece = 1 << 20, .rnd = 1 };
	struct vnfha__ckpt_conn c;
	struct vnfha__ckpt_hdr h;
	uint8_t buf[8];
	size_t got = 0;
	unsigned int calls;

	vnfha__ckpt_io_frame_hdr(two, VNFHA_CKPT_PUT, 4);
	vnfha__ckpt_io_frame_hdr(two + VNFHA_CKPT_HDR_LEN + 4, VNFHA_CKPT_END, 4);
	conn_over(&c, &s);
	CHECK_INT(vnfha__ckpt_conn_buffer(&c, CAP), 0);
	CHECK(!vnfha__ckpt_io_pending(&c));
	do {
		s.pos = 0;
		c.rb->len = 0;
		CHECK_INT(vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got), 0);
	} while (vnfha__ckpt_io_buffered(&c) == 0); /* an EINTR'd first call */
	calls = s.calls;
	CHECK_INT(h.type, VNFHA_CKPT_PUT);
	CHECK_INT(vnfha__ckpt_io_buffered(&c), VNFHA_CKPT_HDR_LEN + 4);
	CHECK(vnfha__ckpt_io_pending(&c));
	CHECK_INT(vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got), 0);
	CHECK_INT(h.type, VNFHA_CKPT_END);
	CHECK_INT(s.calls, calls);
	CHECK(!vnfha__ckpt_io_pending(&c));
	/* The stream ends: EOF, mid-frame or not, is -ECONNRESET. */
	CHECK_INT(vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got), -ECONNRESET);
	vnfha__ckpt_conn_close(&c);

	s = (struct stream){ .data = two, .len = VNFHA_CKPT_HDR_LEN + 2, .max_piece = 1 << 20 };
	conn_over(&c, &s);
	CHECK_INT(vnfha__ckpt_conn_buffer(&c, CAP), 0);
	CHECK_INT(vnfha__ckpt_io_recv(&c, &h, buf, sizeof(buf), &got), -ECONNRESET);
	vnfha__ckpt_conn_close(&c);
}

int main(void)
{
	const char *env = getenv("VNFHA_SEED");
	unsigned int plain;
	unsigned int buffered;

	seed = env != NULL ? (unsigned int)strtoul(env, NULL, 10) : (unsigned int)getpid();
	printf("seed %u (VNFHA_SEED=%u replays it)\n", seed, seed);
	/* A transport that cuts the stream finely: the same frames. */
	test_same_frames(7, &plain, &buffered);
	/* One that hands over what is there (a Unix socket with submits
	 * queued): the same frames, in a fraction of the calls. */
	test_same_frames(1 << 20, &plain, &buffered);
	printf("receive calls for %d frames: %u unbuffered, %u buffered\n", N_FRAMES, plain,
	       buffered);
	CHECK(buffered * 3 < plain);
	test_pending();
	return UNIT_DONE();
}
