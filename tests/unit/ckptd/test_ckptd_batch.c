// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's batches of submits: adjacent tickets of one connection and
 * mode answered as one, and a batch cut where its submits pass a number of
 * blocks (the rest is the next version), bytes and ticket ends moved. */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "vnfha-ckptd.h"

#define BS 65536u

static struct ckptd_local lc_a, lc_b;

static struct ckptd_ticket ticket(struct ckptd_local *lc, uint64_t n, uint8_t mode,
				  uint8_t reply, size_t pieces_end)
{
	return (struct ckptd_ticket){ .lc = lc, .first = n, .last = n, .mode = mode,
				      .reply = reply, .timeout_ms = 500, .pieces_end = pieces_end };
}

static void test_merge(void)
{
	struct ckptd_batch b = { 0 };
	struct ckptd_ticket t;

	t = ticket(&lc_a, 1, 1, CKPTD_REPLY_DONE, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0);
	t = ticket(&lc_a, 2, 1, CKPTD_REPLY_DONE, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 1); /* one DONE for 1-2 */
	t = ticket(&lc_a, 4, 1, CKPTD_REPLY_DONE, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0); /* not the next ticket */
	t = ticket(&lc_a, 5, 2, CKPTD_REPLY_DONE, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0); /* another mode */
	t = ticket(&lc_b, 6, 2, CKPTD_REPLY_DONE, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0); /* another connection */
	t = ticket(&lc_b, 7, 2, CKPTD_REPLY_RESULT, 0);
	CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0); /* a COMMIT answers alone */
	CHECK_INT(b.n_tickets, 5);
	CHECK_INT(b.tickets[0].first, 1);
	CHECK_INT(b.tickets[0].last, 2);
	ckptd_batch_free(&b);
}

static void test_split(void)
{
	struct ckptd_batch b = { 0 };
	struct ckptd_batch rest = { 0 };
	uint8_t bytes[3 * BS];

	memset(bytes, 0x11, sizeof(bytes));
	/* ticket 1: one piece in one block; ticket 2: two blocks; ticket 3: three */
	CHECK_INT(ckptd_batch_add_piece(&b, 10, bytes, 100), 0);
	{
		struct ckptd_ticket t = ticket(&lc_a, 1, 1, CKPTD_REPLY_DONE, 1);

		CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0);
	}
	memset(bytes, 0x22, sizeof(bytes));
	CHECK_INT(ckptd_batch_add_piece(&b, BS - 10, bytes, 20), 0);
	{
		struct ckptd_ticket t = ticket(&lc_b, 9, 1, CKPTD_REPLY_DONE, 2);

		CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0);
	}
	memset(bytes, 0x33, sizeof(bytes));
	CHECK_INT(ckptd_batch_add_piece(&b, 5 * BS + 1, bytes, 2 * BS), 0);
	{
		struct ckptd_ticket t = ticket(&lc_a, 2, 1, CKPTD_REPLY_DONE, 3);

		CHECK_INT(ckptd_batch_add_ticket(&b, &t), 0);
	}
	CHECK_INT(ckptd_batch_blocks(&b, BS), 1 + 2 + 3);
	CHECK(!ckptd_batch_split(&b, 6, BS, &rest)); /* fits */
	CHECK(ckptd_batch_split(&b, 3, BS, &rest));  /* the third goes on */
	CHECK_INT(b.n_tickets, 2);
	CHECK_INT(b.n_pieces, 2);
	CHECK_INT(b.len, 120);
	CHECK_INT(rest.n_tickets, 1);
	CHECK_INT(rest.n_pieces, 1);
	CHECK_INT(rest.tickets[0].first, 2);
	CHECK_INT(rest.tickets[0].pieces_end, 1);
	CHECK_INT(rest.pieces[0].off, 5 * BS + 1);
	CHECK_INT(rest.len, 2 * BS);
	CHECK(rest.bytes[0] == 0x33 && rest.bytes[2 * BS - 1] == 0x33);
	ckptd_batch_free(&rest);
	/* The first ticket stays however large it is: one version then. */
	CHECK(ckptd_batch_split(&b, 0, BS, &rest));
	CHECK_INT(b.n_tickets, 1);
	CHECK_INT(rest.n_tickets, 1);
	CHECK_INT(rest.pieces[0].off, BS - 10);
	ckptd_batch_free(&rest);
	/* A whole-region scan is never cut. */
	b.scan = true;
	CHECK(!ckptd_batch_split(&b, 0, BS, &rest));
	ckptd_batch_free(&b);
}

int main(void)
{
	test_merge();
	test_split();
	return UNIT_DONE();
}
