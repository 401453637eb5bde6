/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bounded little-endian cursor every checkpoint codec reads and writes
 * with (ckpt_wire.c, ckpt_patch.c): an overrun sets err and stops further
 * access; the first error stays. */
#ifndef VNFHA_CKPT_CURSOR_INTERNAL_H
#define VNFHA_CKPT_CURSOR_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	uint8_t *w;
	const uint8_t *r;
	size_t len;
	size_t off;
	int err;
};

static inline bool cur_room(struct cur *c, size_t n)
{
	if (c->err != 0) {
		return false;
	}
	if (n > c->len - c->off) {
		c->err = c->w != NULL ? -ENOBUFS : -EBADMSG;
		return false;
	}
	return true;
}

static inline void put_n(struct cur *c, uint64_t v, size_t n)
{
	if (!cur_room(c, n)) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		c->w[c->off + i] = (uint8_t)(v >> (8 * i));
	}
	c->off += n;
}

static inline uint64_t get_n(struct cur *c, size_t n)
{
	uint64_t v = 0;

	if (!cur_room(c, n)) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		v |= (uint64_t)c->r[c->off + i] << (8 * i);
	}
	c->off += n;
	return v;
}

static inline void put_bytes(struct cur *c, const void *p, size_t n)
{
	if (!cur_room(c, n)) {
		return;
	}
	if (n > 0) {
		memcpy(c->w + c->off, p, n);
	}
	c->off += n;
}

/* Strings: u16 length, then bytes without NUL. */
static inline void put_str(struct cur *c, const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n > max) {
		c->err = -EINVAL;
		return;
	}
	put_n(c, n, 2);
	put_bytes(c, s, n);
}

static inline void get_str(struct cur *c, char *out, size_t max)
{
	size_t n = (size_t)get_n(c, 2);

	if (c->err != 0) {
		return;
	}
	if (n > max || !cur_room(c, n) || memchr(c->r + c->off, '\0', n) != NULL) {
		c->err = -EBADMSG;
		return;
	}
	memcpy(out, c->r + c->off, n);
	out[n] = '\0';
	c->off += n;
}

static inline int cur_end_w(const struct cur *c)
{
	return c->err != 0 ? c->err : (int)c->off;
}

/* A decoder accepts only a payload it consumed exactly. */
static inline int cur_end_r(const struct cur *c)
{
	if (c->err != 0) {
		return c->err;
	}
	return c->off == c->len ? 0 : -EBADMSG;
}

#endif
