// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The delta journal (DIR/NAME/journal, a redo log):
 *   magic u64, body length u32, obj body of the new version (ckpt_wire.h,
 *   with every fingerprint), base epoch u64, base gen u64;
 *   records (index u64, length u32, bytes);
 *   end magic u64, record count u32, XXH3-64 of everything before.
 * An update writes journal.tmp (begin, add, seal), commit renames it to
 * journal and applies it; a load redoes a journal a crash left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "ckpt/ckpt_store_internal.h"

#define JOURNAL_MAGIC 0x314e524a4b434e56ull /* "VNCKJRN1" */
#define JOURNAL_END 0x444e454a4b434e56ull   /* "VNCKJEND" */

/* Opens journal.tmp and writes its header. */
int vnfha__ckpt_journal_begin(struct vnfha__ckpt_update *u, const struct vnfha__ckpt_meta *base)
{
	uint8_t head[12 + 16];
	uint8_t *mbuf = NULL;
	uint8_t *fpbuf = NULL;
	struct vnfha__ckpt_obj o;
	size_t body;
	int n;
	int rc = 0;

	u->fd = openat(u->objfd, "journal.tmp", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (u->fd < 0) {
		return -errno;
	}
	/* The header holds the new meta; its fingerprints are known only at
	 * commit when computed, so it is rewritten then (pwrite at 0). The
	 * body size is fixed by nblocks, so the offsets do not move. */
	body = vnfha__ckpt_obj_len(u->newm.nblocks);
	mbuf = calloc(1, body);
	fpbuf = calloc(1, (size_t)u->newm.nblocks * 8 + 1);
	if (mbuf == NULL || fpbuf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	vnfha__ckpt_meta_to_obj(&u->newm, &o, fpbuf);
	n = vnfha__ckpt_obj_encode(&o, mbuf, body);
	if (n < 0) {
		rc = n;
		goto out;
	}
	vnfha__ckpt_put_u64(head, JOURNAL_MAGIC);
	for (int i = 0; i < 4; i++) {
		head[8 + i] = (uint8_t)((uint32_t)n >> (8 * i));
	}
	rc = vnfha__ckpt_write_all(u->fd, head, 12);
	if (rc == 0) {
		rc = vnfha__ckpt_write_all(u->fd, mbuf, (size_t)n);
	}
	vnfha__ckpt_put_u64(head, base->epoch);
	vnfha__ckpt_put_u64(head + 8, base->gen);
	if (rc == 0) {
		rc = vnfha__ckpt_write_all(u->fd, head, 16);
	}
out:
	free(mbuf);
	free(fpbuf);
	return rc;
}

int vnfha__ckpt_journal_add(struct vnfha__ckpt_update *u, uint32_t index, const void *data,
			    uint32_t len)
{
	uint8_t rec[12];
	int rc;

	vnfha__ckpt_put_u64(rec, index);
	for (int i = 0; i < 4; i++) {
		rec[8 + i] = (uint8_t)(len >> (8 * i));
	}
	rc = vnfha__ckpt_write_all(u->fd, rec, sizeof(rec));
	if (rc == 0) {
		rc = vnfha__ckpt_write_all(u->fd, data, len);
	}
	if (rc != 0) {
		return rc;
	}
	u->nrec++;
	u->bytes += len;
	return 0;
}

/* Applies a valid journal to data.ID; -EBADMSG when it is not valid. */
int vnfha__ckpt_journal_apply(int objfd, const struct vnfha__ckpt_meta *cur, bool durable,
			      struct vnfha__ckpt_meta **ret_new)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vnfha__ckpt_obj o;
	struct vnfha__ckpt_meta *m = NULL;
	char dname[32];
	int dfd = -1;
	uint32_t body;
	size_t off;
	uint32_t nrec;
	int rc = vnfha__ckpt_read_file(objfd, "journal", UINT64_MAX, &buf, &len);

	if (rc != 0) {
		return rc;
	}
	rc = -EBADMSG;
	if (len < 12 + 16 + 20 || vnfha__ckpt_fp_at(buf, 0) != JOURNAL_MAGIC ||
	    vnfha__ckpt_fp_at(buf + len - 20, 0) != JOURNAL_END ||
	    vnfha__ckpt_fp_at(buf + len - 8, 0) != XXH3_64bits(buf, len - 8)) {
		goto out_free;
	}
	body = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
	       (uint32_t)buf[11] << 24;
	if (body > len - 12 - 16 - 20 || vnfha__ckpt_obj_decode(buf + 12, body, &o) != 0 ||
	    vnfha__ckpt_obj_to_meta(&o, &m) != 0) {
		goto out_free;
	}
	off = 12 + (size_t)body;
	/* Redo only onto the base it was written for; if meta already names
	 * the new version the journal was applied before a crash. */
	if (cur->epoch == m->epoch && cur->gen == m->gen && cur->digest == m->digest) {
		rc = 0;
		goto out_free;
	}
	if (vnfha__ckpt_fp_at(buf + off, 0) != cur->epoch ||
	    vnfha__ckpt_fp_at(buf + off + 8, 0) != cur->gen || m->size != cur->size ||
	    m->block_size != cur->block_size || m->data_id != cur->data_id) {
		goto out_free;
	}
	off += 16;
	nrec = (uint32_t)buf[len - 12] | (uint32_t)buf[len - 11] << 8 |
	       (uint32_t)buf[len - 10] << 16 | (uint32_t)buf[len - 9] << 24;
	vnfha__ckpt_data_name(dname, sizeof(dname), m->data_id);
	dfd = openat(objfd, dname, O_WRONLY | O_CLOEXEC);
	if (dfd < 0) {
		rc = -errno;
		goto out_free;
	}
	for (uint32_t i = 0; i < nrec; i++) {
		uint64_t idx;
		uint32_t blen;

		if (len - 20 - off < 12) {
			rc = -EBADMSG;
			goto out_close;
		}
		idx = vnfha__ckpt_fp_at(buf + off, 0);
		blen = (uint32_t)buf[off + 8] | (uint32_t)buf[off + 9] << 8 |
		       (uint32_t)buf[off + 10] << 16 | (uint32_t)buf[off + 11] << 24;
		off += 12;
		if (idx >= m->nblocks || blen > len - 20 - off ||
		    idx * m->block_size + blen > m->size) {
			rc = -EBADMSG;
			goto out_close;
		}
		rc = vnfha__ckpt_pwrite_all(dfd, buf + off, blen, (off_t)(idx * m->block_size));
		if (rc != 0) {
			goto out_close;
		}
		off += blen;
	}
	rc = off == len - 20 ? 0 : -EBADMSG;
	if (rc == 0 && durable) {
		rc = vnfha__ckpt_fsync(dfd);
	}
out_close:
	close(dfd);
out_free:
	free(buf);
	if (rc == 0 && m != NULL && ret_new != NULL) {
		*ret_new = m;
		m = NULL;
	}
	vnfha__ckpt_meta_free(m);
	return rc;
}

/* Seals journal.tmp: rewrites the header with the final meta (computed
 * fingerprints are known only now; the header length is fixed by nblocks),
 * appends the trailer with XXH3 of the whole file before it. */
int vnfha__ckpt_journal_seal(struct vnfha__ckpt_update *u, bool durable)
{
	size_t body = vnfha__ckpt_obj_len(u->newm.nblocks);
	size_t head_len = 12 + body + 16;
	uint8_t *head = malloc(head_len);
	uint8_t *fpbuf = malloc((size_t)u->newm.nblocks * 8 + 1);
	uint8_t *chunk = malloc(1u << 20);
	uint8_t tail[20];
	struct vnfha__ckpt_obj o;
	XXH3_state_t st;
	off_t end;
	int rc;

	if (head == NULL || fpbuf == NULL || chunk == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	vnfha__ckpt_meta_to_obj(&u->newm, &o, fpbuf);
	vnfha__ckpt_put_u64(head, JOURNAL_MAGIC);
	/* Same name and block count as at begin: the same length. */
	rc = vnfha__ckpt_obj_encode(&o, head + 12, body);
	if (rc < 0) {
		goto out;
	}
	body = (size_t)rc;
	head_len = 12 + body + 16;
	for (int i = 0; i < 4; i++) {
		head[8 + i] = (uint8_t)((uint32_t)body >> (8 * i));
	}
	vnfha__ckpt_put_u64(head + 12 + body, u->entry->meta->epoch);
	vnfha__ckpt_put_u64(head + 12 + body + 8, u->entry->meta->gen);
	rc = vnfha__ckpt_pwrite_all(u->fd, head, head_len, 0);
	if (rc != 0) {
		goto out;
	}
	end = lseek(u->fd, 0, SEEK_END);
	if (end < 0) {
		rc = -errno;
		goto out;
	}
	XXH3_64bits_reset(&st);
	for (off_t off = 0; off < end && rc == 0;) {
		size_t n = end - off < (off_t)(1u << 20) ? (size_t)(end - off) : (1u << 20);

		rc = vnfha__ckpt_pread_all(u->fd, chunk, n, off);
		XXH3_64bits_update(&st, chunk, n);
		off += (off_t)n;
	}
	if (rc != 0) {
		goto out;
	}
	vnfha__ckpt_put_u64(tail, JOURNAL_END);
	for (int i = 0; i < 4; i++) {
		tail[8 + i] = (uint8_t)(u->nrec >> (8 * i));
	}
	XXH3_64bits_update(&st, tail, 12);
	vnfha__ckpt_put_u64(tail + 12, XXH3_64bits_digest(&st));
	rc = vnfha__ckpt_pwrite_all(u->fd, tail, sizeof(tail), end);
	if (rc == 0 && durable) {
		rc = vnfha__ckpt_fsync(u->fd);
	}
out:
	free(head);
	free(fpbuf);
	free(chunk);
	return rc;
}
