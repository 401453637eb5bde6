// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers every part of vnfha-ckptd uses (vnfha-ckptd.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "vnfha-ckptd.h"

void ckptd_text_add(struct ckptd_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->grow && !t->cut) {
		/* Grown to fit: measure, make room, then write below. */
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n > 0 && t->len + (size_t)n + 1 > t->cap) {
			size_t want = t->cap > 0 ? t->cap : 4096;
			char *b;

			while (want < t->len + (size_t)n + 1) {
				want *= 2;
			}
			b = realloc(t->buf, want);
			if (b != NULL) {
				t->buf = b;
				t->cap = want;
			}
		}
	}
	if (t->len + 1 >= t->cap) {
		t->cut = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0 && t->len + (size_t)n >= t->cap) {
		t->cut = true;
		t->len = t->cap - 1;
	} else if (n > 0) {
		t->len += (size_t)n;
	}
}

void ckptd_status_received(struct ckptd *d, struct ckptd_text *out)
{
	if (d->role == VNFHA_CKPT_ROLE_PRIMARY) {
		return;
	}
	ckptd_text_add(out, "primary %s %s\n", d->rx_primary[0] != '\0' ? d->rx_primary : "none",
		       d->rx_connected ? "connected" : "disconnected");
	if (d->rx_at_ms != 0) {
		ckptd_text_add(out, "received %s %" PRIu64 " %" PRIu64 " age_ms %" PRIu64 "\n",
			       d->rx_name, d->rx_epoch, d->rx_gen,
			       (uint64_t)(vnfha__now_ms() - d->rx_at_ms));
	} else {
		ckptd_text_add(out, "received none\n");
	}
}

/* A cut text keeps its whole lines that fit before this last one. */
void ckptd_text_finish(struct ckptd_text *t)
{
	static const char mark[] = "truncated: the rest does not fit one reply\n";
	size_t keep;

	if (!t->cut || t->cap < sizeof(mark)) {
		return;
	}
	keep = t->len < t->cap - sizeof(mark) ? t->len : t->cap - sizeof(mark);
	while (keep > 0 && t->buf[keep - 1] != '\n') {
		keep--;
	}
	memcpy(t->buf + keep, mark, sizeof(mark));
	t->len = keep + sizeof(mark) - 1;
}

int ckptd_grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap > 0 ? *cap * 2 : 16;
	void *p;

	if (n < *cap) {
		return 0;
	}
	p = reallocarray(*arr, want, size);
	if (p == NULL) {
		return -ENOMEM;
	}
	*arr = p;
	*cap = want;
	return 0;
}

int ckptd_set_wants(struct ckptd *d, const char *name, bool durable)
{
	for (size_t i = 0; i < d->n_wants; i++) {
		if (strcmp(d->wants[i].name, name) == 0) {
			d->wants[i].durable = durable;
			return 0;
		}
	}
	if (ckptd_grow((void **)&d->wants, &d->cap_wants, d->n_wants, sizeof(*d->wants)) != 0) {
		return -ENOMEM;
	}
	snprintf(d->wants[d->n_wants].name, sizeof(d->wants[0].name), "%s", name);
	d->wants[d->n_wants++].durable = durable;
	return 0;
}

bool ckptd_wants_durable(struct ckptd *d, const char *name)
{
	for (size_t i = 0; i < d->n_wants; i++) {
		if (strcmp(d->wants[i].name, name) == 0) {
			return d->wants[i].durable;
		}
	}
	return false;
}

void ckptd_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* as vnfha__deadline_ms() */
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

void ckptd_wait_ms(struct ckptd *d, unsigned int ms)
{
	struct timespec ts;

	vnfha__deadline_ms(&ts, ms);
	pthread_cond_timedwait(&d->cond, &d->lock, &ts);
}

int ckptd_split_addr(const char *addr, char *host, size_t host_len, const char **ret_port)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (colon == NULL || colon[1] == '\0') {
		return -EINVAL;
	}
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n >= host_len) {
		return -ENAMETOOLONG;
	}
	memcpy(host, addr, n);
	host[n] = '\0';
	*ret_port = colon + 1;
	return 0;
}

/* Lock held (d->role). */
int ckptd_send_hello(struct ckptd *d, struct vnfha__ckpt_conn *c)
{
	struct vnfha__ckpt_hello h = { .proto_min = VNFHA_CKPT_PROTO_MIN,
				       .proto_max = VNFHA_CKPT_PROTO_MAX,
				       .role = (uint8_t)d->role };
	uint8_t buf[128];
	int n;

	snprintf(h.node, sizeof(h.node), "%s", d->opts.node);
	n = vnfha__ckpt_hello_encode(&h, buf, sizeof(buf));
	return n < 0 ? n : vnfha__ckpt_io_send(c, VNFHA_CKPT_HELLO, buf, (uint32_t)n);
}
