// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Batches of submits (vnfha-ckptd.h): the bytes of each submit, copied off
 * the connection, and the tickets to answer. A batch has one owner at a
 * time (a connection gathering a submit, the object's pending batch under
 * d->lock, the committer making it a version), so it needs no lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnfha-ckptd.h"

int ckptd_batch_add_piece(struct ckptd_batch *b, uint64_t off, const uint8_t *bytes,
			  uint64_t len)
{
	if (len > SIZE_MAX - b->len) {
		return -ENOMEM;
	}
	if (b->len + len > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 4096;
		uint8_t *n;

		while (cap < b->len + len) {
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		}
		n = realloc(b->bytes, cap);
		if (n == NULL) {
			return -ENOMEM;
		}
		b->bytes = n;
		b->cap = cap;
	}
	if (ckptd_grow((void **)&b->pieces, &b->cap_pieces, b->n_pieces, sizeof(*b->pieces)) != 0) {
		return -ENOMEM;
	}
	if (len > 0) {
		memcpy(b->bytes + b->len, bytes, (size_t)len);
	}
	b->pieces[b->n_pieces++] = (struct ckptd_piece){ .off = off, .len = len, .at = b->len };
	b->len += (size_t)len;
	return 0;
}

/* 1 when t joined the last ticket (the same connection's next tickets,
 * answered alike), 0 when appended, -ENOMEM. */
int ckptd_batch_add_ticket(struct ckptd_batch *b, const struct ckptd_ticket *t)
{
	struct ckptd_ticket *last = b->n_tickets > 0 ? &b->tickets[b->n_tickets - 1] : NULL;

	if (last != NULL && last->lc == t->lc && last->reply == CKPTD_REPLY_DONE &&
	    t->reply == CKPTD_REPLY_DONE && last->mode == t->mode &&
	    last->timeout_ms == t->timeout_ms && last->last + 1 == t->first) {
		last->last = t->last;
		last->pieces_end = t->pieces_end;
		return 1;
	}
	if (ckptd_grow((void **)&b->tickets, &b->cap_tickets, b->n_tickets, sizeof(*b->tickets)) !=
	    0) {
		return -ENOMEM;
	}
	b->tickets[b->n_tickets++] = *t;
	return 0;
}

int ckptd_batch_move(struct ckptd_batch *dst, struct ckptd_batch *src)
{
	for (size_t i = 0; i < src->n_pieces; i++) {
		const struct ckptd_piece *p = &src->pieces[i];
		int rc = ckptd_batch_add_piece(dst, p->off, src->bytes + p->at, p->len);

		if (rc != 0) {
			return rc;
		}
	}
	dst->scan = dst->scan || src->scan;
	src->len = 0;
	src->n_pieces = 0;
	src->scan = false;
	return 0;
}

void ckptd_batch_clear(struct ckptd_batch *b)
{
	b->len = 0;
	b->n_pieces = 0;
	b->n_tickets = 0;
	b->scan = false;
}

void ckptd_batch_free(struct ckptd_batch *b)
{
	free(b->bytes);
	free(b->pieces);
	free(b->tickets);
	memset(b, 0, sizeof(*b));
}

static uint64_t piece_blocks(const struct ckptd_piece *p, uint32_t bs)
{
	return p->len == 0 ? 0 : (p->off + p->len - 1) / bs - p->off / bs + 1;
}

uint64_t ckptd_batch_blocks(const struct ckptd_batch *b, uint32_t bs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < b->n_pieces; i++) {
		n += piece_blocks(&b->pieces[i], bs);
	}
	return n;
}

bool ckptd_batch_split(struct ckptd_batch *b, uint64_t max_blocks, uint32_t bs,
		       struct ckptd_batch *rest)
{
	uint64_t used = 0;
	size_t k = 0;   /* tickets kept */
	size_t end = 0; /* pieces kept */

	if (b->scan || ckptd_batch_blocks(b, bs) <= max_blocks) {
		return false;
	}
	for (; k < b->n_tickets; k++) {
		uint64_t t = 0;

		for (size_t i = end; i < b->tickets[k].pieces_end; i++) {
			t += piece_blocks(&b->pieces[i], bs);
		}
		if (k > 0 && used + t > max_blocks) {
			break;
		}
		used += t;
		end = b->tickets[k].pieces_end;
	}
	if (k == b->n_tickets) {
		return false;
	}
	for (size_t i = end; i < b->n_pieces; i++) {
		const struct ckptd_piece *p = &b->pieces[i];

		if (ckptd_batch_add_piece(rest, p->off, b->bytes + p->at, p->len) != 0) {
			ckptd_batch_free(rest);
			return false; /* no memory: one large version then */
		}
	}
	for (size_t i = k; i < b->n_tickets; i++) {
		struct ckptd_ticket t = b->tickets[i];

		t.pieces_end -= end;
		if (ckptd_batch_add_ticket(rest, &t) < 0) {
			ckptd_batch_free(rest);
			return false;
		}
	}
	b->n_pieces = end;
	b->len = end > 0 ? b->pieces[end - 1].at + b->pieces[end - 1].len : 0;
	b->n_tickets = k;
	return true;
}
