// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers every part of vnfha-ckptd uses (vnfha-ckptd.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vnfha-ckptd.h"

uint64_t ckptd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void ckptd_text_add(struct ckptd_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->cap) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		t->len = t->len + (size_t)n < t->cap ? t->len + (size_t)n : t->cap - 1;
	}
}

int ckptd_version_cmp(uint64_t e1, uint64_t g1, uint64_t e2, uint64_t g2)
{
	if (e1 != e2) {
		return e1 < e2 ? -1 : 1;
	}
	if (g1 != g2) {
		return g1 < g2 ? -1 : 1;
	}
	return 0;
}

void ckptd_set_wants(struct ckptd *d, const char *name, bool durable)
{
	for (size_t i = 0; i < d->n_wants; i++) {
		if (strcmp(d->wants[i].name, name) == 0) {
			d->wants[i].durable = durable;
			return;
		}
	}
	if (d->n_wants < sizeof(d->wants) / sizeof(d->wants[0])) {
		snprintf(d->wants[d->n_wants].name, sizeof(d->wants[0].name), "%s", name);
		d->wants[d->n_wants++].durable = durable;
	}
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

void ckptd_wait_ms(struct ckptd *d, unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
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
