// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Patch transactions: versions made of byte ranges over the current one
 * (ckpt_store.h, "Patch transactions"). The touched blocks are staged in
 * memory (read once from the data file), changed there, fingerprinted;
 * each version is one record appended to DIR/NAME/log (ckpt_patch.h), and
 * only then are its bytes written into the data file in place. A record
 * complete in the log is the version: ckpt_load.c redoes the records after
 * meta's version, the bytes being absolute.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_store_internal.h"
#include "ckpt/ckpt_version.h"

#define GAP_MERGE 32		 /* changed bytes closer than this share a range */

struct run {
	uint32_t lo;
	uint32_t hi;
};

struct ptx_block {
	uint32_t index;
	uint32_t len; /* the block's length (the last one may be short) */
	uint32_t lo;  /* bytes of cur this transaction wrote: [lo, hi) */
	uint32_t hi;
	bool changed; /* part of a sealed or applied version: fp is its new fingerprint */
	uint64_t fp;
	uint8_t *cur;
	/* put and scan: the runs of bytes that differ from the stored block
	 * (sorted, gaps under GAP_MERGE joined), found as they are written */
	struct run *runs;
	uint32_t n_runs;
	uint32_t cap_runs;
};

struct vnfha__ckpt_ptx {
	struct vnfha__ckpt_store *store;
	struct vnfha__ckpt_entry *entry;
	const struct vnfha__ckpt_meta *base; /* the entry's meta: read-only while busy */
	uint64_t epoch; /* the version the transaction stands at */
	uint64_t gen;
	uint64_t log_start; /* the log's length at begin: abort cuts back to it */
	uint64_t log_len;
	bool primary; /* put/scan (a version to seal) rather than apply */
	bool sealed;
	struct ptx_block **blocks; /* in staging order */
	size_t n;
	size_t cap;
	uint32_t *slots; /* open addressing: index -> position + 1 (0: empty) */
	size_t n_slots;	 /* a power of two, at least 2 n */
};

static uint32_t block_len(const struct vnfha__ckpt_meta *m, uint32_t i)
{
	uint64_t off = (uint64_t)i * m->block_size;

	return m->size - off < m->block_size ? (uint32_t)(m->size - off) : m->block_size;
}

void vnfha__ckpt_entry_close_data(struct vnfha__ckpt_entry *e)
{
	if (e->map != NULL) {
		munmap(e->map, e->map_len);
	}
	if (e->datafd >= 0) {
		close(e->datafd);
	}
	e->map = NULL;
	e->map_len = 0;
	e->map_writable = false;
	e->datafd = -1;
}

/*
 * Whether a store through a mapping of fd can never fault for want of
 * space: a fault there is SIGBUS, not a pwrite's ENOSPC. So only where an
 * overwrite allocates nothing: a file with no hole (every block written
 * when its version was), on a filesystem that overwrites in place
 * (ext2/3/4, XFS, tmpfs - not a copy-on-write one such as btrfs or ZFS).
 */
static bool overwrite_in_place(int fd, uint64_t size)
{
	struct statfs fs;
	off_t hole;

	if (fstatfs(fd, &fs) != 0 ||
	    (fs.f_type != EXT4_SUPER_MAGIC && fs.f_type != XFS_SUPER_MAGIC &&
	     fs.f_type != TMPFS_MAGIC)) {
		return false;
	}
	hole = lseek(fd, 0, SEEK_HOLE);
	return hole >= 0 && (uint64_t)hole >= size;
}

/* The data file mapped when it holds the whole object; left unmapped
 * (stage reads with pread, commit writes with pwrite) when it cannot be.
 * Writable only where overwrite_in_place() says so (else commit writes
 * with pwrite). Pages written through the mapping are the file's page
 * cache, as a pwrite's: fdatasync of datafd (compaction) writes them back,
 * and the log record before them redoes them after a crash. */
static void map_data(struct vnfha__ckpt_entry *e)
{
	struct stat st;
	bool writable;
	void *p;

	if (e->meta->size == 0 || e->meta->size > SIZE_MAX || fstat(e->datafd, &st) != 0 ||
	    st.st_size < 0 || (uint64_t)st.st_size < e->meta->size) {
		return;
	}
	writable = overwrite_in_place(e->datafd, e->meta->size);
	p = mmap(NULL, (size_t)e->meta->size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		 MAP_SHARED, e->datafd, 0);
	if (p == MAP_FAILED) {
		return;
	}
	e->map = p;
	e->map_len = (size_t)e->meta->size;
	e->map_writable = writable;
}

/* The object's files, kept open in its entry (the data file's for its
 * data_id; the log created empty when missing). Lock held. */
static int entry_files(struct vnfha__ckpt_store *store, struct vnfha__ckpt_entry *e)
{
	char dname[32];
	struct stat st;

	if (e->objfd < 0) {
		e->objfd = openat(store->dirfd, e->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (e->objfd < 0) {
			return -errno;
		}
	}
	if (e->datafd >= 0 && e->datafd_id != e->meta->data_id) {
		vnfha__ckpt_entry_close_data(e);
	}
	if (e->datafd < 0) {
		vnfha__ckpt_data_name(dname, sizeof(dname), e->meta->data_id);
		e->datafd = openat(e->objfd, dname, O_RDWR | O_CLOEXEC);
		if (e->datafd < 0) {
			return -errno;
		}
		e->datafd_id = e->meta->data_id;
		map_data(e);
	}
	if (e->logfd < 0) {
		e->logfd = openat(e->objfd, "log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (e->logfd < 0) {
			return -errno;
		}
		/* The log's name on stable storage too (once): a durable version
		 * is an fdatasync of the log, which does not sync its directory. */
		if (fstat(e->logfd, &st) != 0 || fsync(e->objfd) != 0) {
			return -errno;
		}
		e->log_len = (uint64_t)st.st_size;
	}
	return 0;
}

int vnfha__ckpt_ptx_begin(struct vnfha__ckpt_store *store, const char *name,
			  struct vnfha__ckpt_ptx **ret_tx)
{
	struct vnfha__ckpt_entry *e = vnfha__ckpt_store_entry(store, name);
	struct vnfha__ckpt_ptx *tx;
	int rc;

	if (e == NULL || e->meta == NULL) {
		return -ENOENT;
	}
	if (e->busy) {
		return -EBUSY;
	}
	rc = entry_files(store, e);
	if (rc != 0) {
		return rc;
	}
	tx = calloc(1, sizeof(*tx));
	if (tx == NULL) {
		return -ENOMEM;
	}
	tx->store = store;
	tx->entry = e;
	tx->base = e->meta;
	tx->epoch = e->meta->epoch;
	tx->gen = e->meta->gen;
	tx->log_start = e->log_len;
	tx->log_len = e->log_len;
	e->busy = true;
	*ret_tx = tx;
	return 0;
}

static struct ptx_block *find(const struct vnfha__ckpt_ptx *tx, uint32_t index)
{
	if (tx->n_slots == 0) {
		return NULL;
	}
	for (size_t h = (index * 2654435761u) & (tx->n_slots - 1);; h = (h + 1) & (tx->n_slots - 1)) {
		if (tx->slots[h] == 0) {
			return NULL;
		}
		if (tx->blocks[tx->slots[h] - 1]->index == index) {
			return tx->blocks[tx->slots[h] - 1];
		}
	}
}

static void slot_put(struct vnfha__ckpt_ptx *tx, uint32_t index, size_t pos)
{
	size_t h = (index * 2654435761u) & (tx->n_slots - 1);

	while (tx->slots[h] != 0) {
		h = (h + 1) & (tx->n_slots - 1);
	}
	tx->slots[h] = (uint32_t)(pos + 1);
}

/* Room for one more block: the list and the table grow together. */
static int grow(struct vnfha__ckpt_ptx *tx)
{
	if (tx->n == tx->cap) {
		size_t cap = tx->cap > 0 ? tx->cap * 2 : 16;
		struct ptx_block **b = reallocarray(tx->blocks, cap, sizeof(*b));

		if (b == NULL) {
			return -ENOMEM;
		}
		tx->blocks = b;
		tx->cap = cap;
	}
	if ((tx->n + 1) * 2 > tx->n_slots) {
		size_t n_slots = tx->n_slots > 0 ? tx->n_slots * 2 : 64;
		uint32_t *s = calloc(n_slots, sizeof(*s));

		if (s == NULL) {
			return -ENOMEM;
		}
		free(tx->slots);
		tx->slots = s;
		tx->n_slots = n_slots;
		for (size_t i = 0; i < tx->n; i++) {
			slot_put(tx, tx->blocks[i]->index, i);
		}
	}
	return 0;
}

/* Block index as the transaction has it, read from the data file the
 * first time. */
static int stage(struct vnfha__ckpt_ptx *tx, uint32_t index, struct ptx_block **ret)
{
	const struct vnfha__ckpt_meta *m = tx->base;
	struct ptx_block *b = find(tx, index);
	uint64_t off = (uint64_t)index * m->block_size;
	int rc;

	if (b != NULL) {
		*ret = b;
		return 0;
	}
	rc = grow(tx);
	if (rc != 0) {
		return rc;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		return -ENOMEM;
	}
	b->index = index;
	b->len = block_len(m, index);
	b->fp = m->fps[index];
	b->cur = malloc(b->len);
	rc = b->cur != NULL ? 0 : -ENOMEM;
	if (rc == 0 && tx->entry->map != NULL && off <= tx->entry->map_len &&
	    b->len <= tx->entry->map_len - off) {
		memcpy(b->cur, tx->entry->map + off, b->len); /* no system call per block */
	} else if (rc == 0) {
		rc = vnfha__ckpt_pread_all(tx->entry->datafd, b->cur, b->len, (off_t)off);
	}
	if (rc != 0) {
		free(b->cur);
		free(b);
		return rc;
	}
	tx->blocks[tx->n] = b;
	slot_put(tx, index, tx->n);
	tx->n++;
	*ret = b;
	return 0;
}

static void mark(struct ptx_block *b, uint32_t lo, uint32_t hi)
{
	if (b->lo == b->hi) {
		b->lo = lo;
		b->hi = hi;
		return;
	}
	b->lo = lo < b->lo ? lo : b->lo;
	b->hi = hi > b->hi ? hi : b->hi;
}

uint32_t vnfha__ckpt_ptx_staged(const struct vnfha__ckpt_ptx *tx)
{
	return (uint32_t)tx->n;
}

void vnfha__ckpt_ptx_version(const struct vnfha__ckpt_ptx *tx, uint64_t *ret_epoch,
			     uint64_t *ret_gen)
{
	*ret_epoch = tx->epoch;
	*ret_gen = tx->gen;
}

/* Adds [lo, hi) to b's runs, joining runs closer than GAP_MERGE. */
static int add_run(struct ptx_block *b, uint32_t lo, uint32_t hi)
{
	uint32_t i = 0;
	uint32_t k;

	while (i < b->n_runs && b->runs[i].hi + GAP_MERGE <= lo) {
		i++;
	}
	/* runs [i, k) touch [lo, hi) (or lie within GAP_MERGE of it) */
	for (k = i; k < b->n_runs && b->runs[k].lo < hi + GAP_MERGE; k++) {
		lo = b->runs[k].lo < lo ? b->runs[k].lo : lo;
		hi = b->runs[k].hi > hi ? b->runs[k].hi : hi;
	}
	if (k == i) {
		if (b->n_runs == b->cap_runs) {
			uint32_t cap = b->cap_runs > 0 ? b->cap_runs * 2 : 4;
			struct run *r = reallocarray(b->runs, cap, sizeof(*r));

			if (r == NULL) {
				return -ENOMEM;
			}
			b->runs = r;
			b->cap_runs = cap;
		}
		memmove(&b->runs[i + 1], &b->runs[i], (b->n_runs - i) * sizeof(*b->runs));
		b->n_runs++;
	} else if (k > i + 1) {
		memmove(&b->runs[i + 1], &b->runs[k], (b->n_runs - k) * sizeof(*b->runs));
		b->n_runs -= k - i - 1;
	}
	b->runs[i] = (struct run){ .lo = lo, .hi = hi };
	return 0;
}

/* Writes n bytes of src at in of b, noting the runs that differ from what
 * b held (bytes written back to what they were stay noted: harmless). */
static int write_block(struct ptx_block *b, uint32_t in, const uint8_t *src, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint32_t start;

		/* Equal bytes skipped eight at a time, then one by one. */
		while (i + 8 <= n && memcmp(b->cur + in + i, src + i, 8) == 0) {
			i += 8;
		}
		while (i < n && b->cur[in + i] == src[i]) {
			i++;
		}
		if (i == n) {
			break;
		}
		start = i;
		while (i < n && b->cur[in + i] != src[i]) {
			i++;
		}
		if (add_run(b, in + start, in + i) != 0) {
			return -ENOMEM;
		}
	}
	memcpy(b->cur + in, src, n);
	mark(b, in, in + n);
	return 0;
}

int vnfha__ckpt_ptx_put(struct vnfha__ckpt_ptx *tx, uint64_t off, const void *buf, uint64_t len)
{
	const struct vnfha__ckpt_meta *m = tx->base;
	const uint8_t *p = buf;

	if (tx->sealed || (tx->n > 0 && !tx->primary)) {
		return -EINVAL; /* one sealed version per put transaction; not after apply */
	}
	if (off > m->size || len > m->size - off) {
		return -ERANGE;
	}
	tx->primary = true;
	while (len > 0) {
		uint32_t index = (uint32_t)(off / m->block_size);
		uint32_t in = (uint32_t)(off % m->block_size);
		struct ptx_block *b = NULL;
		uint32_t n;
		int rc = stage(tx, index, &b);

		if (rc != 0) {
			return rc;
		}
		n = b->len - in < len ? b->len - in : (uint32_t)len;
		rc = write_block(b, in, p, n);
		if (rc != 0) {
			return rc;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int vnfha__ckpt_ptx_scan(struct vnfha__ckpt_ptx *tx, const uint8_t *region,
			 const uint64_t *region_fps)
{
	const struct vnfha__ckpt_meta *m = tx->base;

	if (tx->sealed || (tx->n > 0 && !tx->primary)) {
		return -EINVAL;
	}
	tx->primary = true;
	for (uint32_t i = 0; i < m->nblocks; i++) {
		const uint8_t *src = region + (uint64_t)i * m->block_size;
		struct ptx_block *b = find(tx, i);
		int rc;

		if (b == NULL && region_fps[i] == m->fps[i]) {
			continue;
		}
		if (b == NULL) {
			rc = stage(tx, i, &b);
			if (rc != 0) {
				return rc;
			}
		}
		rc = write_block(b, 0, src, b->len);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	uint32_t x = (*(struct ptx_block *const *)a)->index;
	uint32_t y = (*(struct ptx_block *const *)b)->index;

	return x < y ? -1 : x > y;
}

/* b's runs appended to out as absolute ranges, one touching the range
 * before (across a block edge) joined to it. */
static int add_ranges(const struct vnfha__ckpt_meta *m, const struct ptx_block *b,
		      struct vnfha_ckpt_range **out, size_t *n, size_t *cap)
{
	uint64_t base = (uint64_t)b->index * m->block_size;

	for (uint32_t k = 0; k < b->n_runs; k++) {
		uint64_t start = base + b->runs[k].lo;
		uint64_t len = b->runs[k].hi - b->runs[k].lo;

		if (*n > 0 && (*out)[*n - 1].offset + (*out)[*n - 1].length == start) {
			(*out)[*n - 1].length += len;
			continue;
		}
		if (*n == *cap) {
			size_t c = *cap > 0 ? *cap * 2 : 16;
			struct vnfha_ckpt_range *r = reallocarray(*out, c, sizeof(*r));

			if (r == NULL) {
				return -ENOMEM;
			}
			*out = r;
			*cap = c;
		}
		(*out)[(*n)++] = (struct vnfha_ckpt_range){ .offset = start, .length = len };
	}
	return 0;
}

/* Copies the bytes of ranges (absolute) out of the staged blocks. */
static void gather(const struct vnfha__ckpt_ptx *tx, const struct vnfha_ckpt_range *r, size_t n,
		   uint8_t *out)
{
	const struct vnfha__ckpt_meta *m = tx->base;

	for (size_t k = 0; k < n; k++) {
		uint64_t off = r[k].offset;
		uint64_t left = r[k].length;

		while (left > 0) {
			const struct ptx_block *b = find(tx, (uint32_t)(off / m->block_size));
			uint32_t in = (uint32_t)(off % m->block_size);
			uint32_t c = b->len - in < left ? b->len - in : (uint32_t)left;

			memcpy(out, b->cur + in, c);
			out += c;
			off += c;
			left -= c;
		}
	}
}

int vnfha__ckpt_ptx_seal(struct vnfha__ckpt_ptx *tx, uint64_t epoch, uint64_t gen,
			 uint32_t flags, uint8_t **ret_body, size_t *ret_len)
{
	const struct vnfha__ckpt_meta *m = tx->base;
	struct vnfha_ckpt_range *ranges = NULL;
	struct vnfha__ckpt_pblock *pb = NULL;
	struct ptx_block **sorted = NULL;
	struct vnfha__ckpt_patch p = { .epoch = epoch, .gen = gen, .base_epoch = tx->epoch,
				       .base_gen = tx->gen, .size = m->size,
				       .block_size = m->block_size, .flags = flags };
	size_t n_ranges = 0;
	size_t cap = 0;
	size_t n_pb = 0;
	uint64_t bytes = 0;
	uint8_t *body = NULL;
	size_t head;
	int rc = 0;

	if (tx->sealed || (tx->n > 0 && !tx->primary) ||
	    vnfha__ckpt_version_cmp(epoch, gen, tx->epoch, tx->gen) <= 0) {
		return -EINVAL;
	}
	sorted = malloc((tx->n + 1) * sizeof(*sorted));
	pb = malloc((tx->n + 1) * sizeof(*pb));
	if (sorted == NULL || pb == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (tx->n > 0) {
		memcpy(sorted, tx->blocks, tx->n * sizeof(*sorted));
		qsort(sorted, tx->n, sizeof(*sorted), cmp_block);
	}
	for (size_t i = 0; i < tx->n; i++) {
		struct ptx_block *b = sorted[i];

		if (b->n_runs == 0) {
			b->lo = b->hi = 0; /* written back as it was: nothing to write */
			continue;
		}
		rc = add_ranges(m, b, &ranges, &n_ranges, &cap);
		if (rc != 0) {
			goto out;
		}
		b->fp = vnfha__ckpt_fp_block(b->cur, b->len);
		b->changed = true;
		b->lo = b->runs[0].lo; /* only the runs that differ are written in place */
		b->hi = b->runs[b->n_runs - 1].hi;
		pb[n_pb++] = (struct vnfha__ckpt_pblock){ .index = b->index, .fp = b->fp };
	}
	if (n_ranges == 0) {
		rc = -ENODATA;
		goto out;
	}
	for (size_t k = 0; k < n_ranges; k++) {
		bytes += ranges[k].length;
	}
	snprintf(p.name, sizeof(p.name), "%s", m->name);
	p.n_ranges = (uint32_t)n_ranges;
	p.n_blocks = (uint32_t)n_pb;
	head = vnfha__ckpt_patch_head_len((uint32_t)strlen(p.name), p.n_ranges, p.n_blocks);
	if (n_ranges > UINT32_MAX || head + bytes > VNFHA_CKPT_MAX_PAYLOAD) {
		rc = -EMSGSIZE;
		goto out;
	}
	body = malloc(head + bytes);
	if (body == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	rc = vnfha__ckpt_patch_head_encode(&p, ranges, pb, body, head);
	if (rc < 0) {
		goto out;
	}
	gather(tx, ranges, n_ranges, body + head);
	rc = vnfha__ckpt_log_append(tx->entry->logfd, &tx->log_len, body, head + bytes);
	if (rc != 0) {
		goto out;
	}
	tx->sealed = true;
	tx->epoch = epoch;
	tx->gen = gen;
	*ret_body = body;
	*ret_len = head + bytes;
	body = NULL;
out:
	if (rc != 0) {
		/* Not sealed: the staged blocks stay unchanged for the caller's abort. */
		for (size_t i = 0; i < tx->n; i++) {
			tx->blocks[i]->changed = false;
		}
	}
	free(body);
	free(ranges);
	free(pb);
	free(sorted);
	return rc;
}

int vnfha__ckpt_ptx_apply(struct vnfha__ckpt_ptx *tx, const struct vnfha__ckpt_patch *p,
			  const uint8_t *body, size_t len)
{
	const struct vnfha__ckpt_meta *m = tx->base;
	struct { uint32_t lo, hi; size_t at; } *span = NULL;
	uint8_t *save = NULL; /* the bytes each block had where the patch writes */
	size_t used = 0;
	uint32_t done = 0;
	int rc = 0;

	if (tx->primary || strcmp(p->name, m->name) != 0 || p->size != m->size ||
	    p->block_size != m->block_size) {
		return -EINVAL;
	}
	if (p->base_epoch != tx->epoch || p->base_gen != tx->gen) {
		return -ESTALE;
	}
	save = malloc(p->data_len > 0 ? (size_t)p->data_len : 1);
	span = malloc(((size_t)p->n_blocks + 1) * sizeof(*span));
	if (save == NULL || span == NULL) {
		free(save);
		free(span);
		return -ENOMEM;
	}
	/* Each block patched and checked against its new fingerprint; on a
	 * mismatch every block patched is put back as it was. */
	for (uint32_t i = 0; i < p->n_blocks && rc == 0; i++) {
		struct vnfha__ckpt_pblock pbk = vnfha__ckpt_pblock_at(p->blocks, i);
		struct ptx_block *b = NULL;

		rc = pbk.index < m->nblocks ? stage(tx, pbk.index, &b) : -EINVAL;
		if (rc != 0) {
			break;
		}
		span[i].at = used;
		span[i].lo = span[i].hi = 0;
		used += vnfha__ckpt_patch_onto(p, pbk.index, b->cur, save + used, &span[i].lo,
					       &span[i].hi);
		done = i + 1;
		if (vnfha__ckpt_fp_block(b->cur, b->len) != pbk.fp) {
			rc = -EILSEQ;
		}
	}
	if (rc == 0) {
		rc = vnfha__ckpt_log_append(tx->entry->logfd, &tx->log_len, body, len);
	}
	if (rc != 0) {
		while (done-- > 0) {
			uint32_t index = vnfha__ckpt_pblock_at(p->blocks, done).index;

			vnfha__ckpt_patch_undo(p, index, find(tx, index)->cur, save + span[done].at);
		}
		free(save);
		free(span);
		return rc;
	}
	for (uint32_t i = 0; i < p->n_blocks; i++) {
		struct vnfha__ckpt_pblock pbk = vnfha__ckpt_pblock_at(p->blocks, i);
		struct ptx_block *b = find(tx, pbk.index);

		if (span[i].hi > span[i].lo) {
			mark(b, span[i].lo, span[i].hi);
		}
		b->fp = pbk.fp;
		b->changed = true;
	}
	free(save);
	free(span);
	tx->epoch = p->epoch;
	tx->gen = p->gen;
	return 0;
}

int vnfha__ckpt_ptx_sync(struct vnfha__ckpt_ptx *tx)
{
	return fdatasync(tx->entry->logfd) == 0 ? 0 : -errno;
}

static void ptx_free(struct vnfha__ckpt_ptx *tx)
{
	for (size_t i = 0; i < tx->n; i++) {
		free(tx->blocks[i]->cur);
		free(tx->blocks[i]->runs);
		free(tx->blocks[i]);
	}
	free(tx->blocks);
	free(tx->slots);
	free(tx);
}

int vnfha__ckpt_ptx_commit(struct vnfha__ckpt_ptx *tx)
{
	struct vnfha__ckpt_entry *e = tx->entry;
	struct vnfha__ckpt_meta *m = e->meta;
	bool any = false;
	int rc = 0;

	for (size_t i = 0; i < tx->n && rc == 0; i++) {
		const struct ptx_block *b = tx->blocks[i];

		uint64_t off = (uint64_t)b->index * m->block_size + b->lo;

		if (!b->changed || b->hi <= b->lo) {
			continue;
		}
		if (e->map_writable && off <= e->map_len && b->hi - b->lo <= e->map_len - off) {
			memcpy(e->map + off, b->cur + b->lo, b->hi - b->lo); /* no system call */
		} else {
			rc = vnfha__ckpt_pwrite_all(e->datafd, b->cur + b->lo, b->hi - b->lo,
						    (off_t)off);
		}
	}
	if (rc != 0) {
		vnfha__ckpt_ptx_abort(tx);
		return rc;
	}
	for (size_t i = 0; i < tx->n; i++) {
		if (tx->blocks[i]->changed) {
			m->fps[tx->blocks[i]->index] = tx->blocks[i]->fp;
			any = true;
		}
	}
	if (any) {
		m->epoch = tx->epoch;
		m->gen = tx->gen;
		/* Not kept per range version (XXH3 of every fingerprint: 128 KiB
		 * for 1 GiB); computed when meta is written (compaction). */
		m->digest = 0;
		if (m->epoch > tx->store->epoch) {
			tx->store->epoch = m->epoch;
		}
	}
	e->log_len = tx->log_len;
	e->busy = false;
	if (e->log_len > VNFHA_CKPT_LOG_COMPACT_MIN && e->log_len > m->size / 8) {
		rc = vnfha__ckpt_log_compact(e); /* published already: a failure only leaves the log long */
	}
	ptx_free(tx);
	return rc;
}

void vnfha__ckpt_ptx_abort(struct vnfha__ckpt_ptx *tx)
{
	if (tx == NULL) {
		return;
	}
	if (tx->log_len != tx->log_start) {
		(void)!ftruncate(tx->entry->logfd, (off_t)tx->log_start);
	}
	tx->entry->log_len = tx->log_start;
	tx->entry->busy = false;
	ptx_free(tx);
}

