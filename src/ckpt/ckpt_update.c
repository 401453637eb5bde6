// SPDX-License-Identifier: LGPL-2.1-or-later
/* Update transactions: a new version is staged (a new data file, or a
 * journal for a delta), then published by commit or removed by abort. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"

#define SMALL_BLOCKS 16

static int begin_files(struct vnfha__ckpt_update *u, const struct vnfha__ckpt_meta *base)
{
	char dname[32];

	if (u->full) {
		vnfha__ckpt_data_name(dname, sizeof(dname), u->newm.data_id);
		u->fd = openat(u->objfd, dname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (u->fd < 0) {
			return -errno;
		}
		if (ftruncate(u->fd, (off_t)u->newm.size) != 0) {
			return -errno;
		}
		return 0;
	}
	return vnfha__ckpt_journal_begin(u, base);
}

int vnfha__ckpt_update_begin_over(struct vnfha__ckpt_store *store, const char *name,
				  uint64_t epoch, uint64_t gen, struct vnfha__ckpt_update **ret_upd)
{
	const struct vnfha__ckpt_meta *base = vnfha__ckpt_store_find(store, name);
	int rc;

	if (base == NULL) {
		return -ENOENT;
	}
	rc = vnfha__ckpt_update_begin(store, name, epoch, gen, base->size, base->block_size, NULL,
				      false, ret_upd);
	if (rc == 0) {
		/* Blocks not given keep the base's bytes and fingerprints. */
		(*ret_upd)->base_rest = true;
		memcpy((*ret_upd)->newm.fps, base->fps, (size_t)base->nblocks * sizeof(uint64_t));
	}
	return rc;
}

int vnfha__ckpt_update_begin(struct vnfha__ckpt_store *store, const char *name, uint64_t epoch,
			     uint64_t gen, uint64_t size, uint32_t block_size,
			     const uint64_t *expect_fps, bool full,
			     struct vnfha__ckpt_update **ret_upd)
{
	struct vnfha__ckpt_update *u = NULL;
	struct vnfha__ckpt_entry *e = vnfha__ckpt_store_entry(store, name);
	const struct vnfha__ckpt_meta *base = e != NULL ? e->meta : NULL;
	uint32_t nblocks = 0;
	int rc;

	if (!vnfha__ckpt_name_is_valid(name)) {
		return -EINVAL;
	}
	rc = vnfha__ckpt_nblocks(size, block_size, &nblocks);
	if (rc != 0) {
		return rc;
	}
	if (e != NULL && e->busy) {
		return -EBUSY;
	}
	if (!full && (base == NULL || base->size != size || base->block_size != block_size)) {
		return -EINVAL;
	}
	u = calloc(1, sizeof(*u));
	if (u == NULL) {
		return -ENOMEM;
	}
	u->fd = -1;
	u->objfd = -1;
	u->store = store;
	/* A small object's delta is cheaper as a new file (fewer files and
	 * renames than a journal); unchanged blocks are copied at commit. */
	u->full = full || nblocks <= SMALL_BLOCKS;
	u->copy_base = !full && u->full;
	u->computed = expect_fps == NULL;
	snprintf(u->newm.name, sizeof(u->newm.name), "%s", name);
	u->newm.epoch = epoch;
	u->newm.gen = gen;
	u->newm.size = size;
	u->newm.block_size = block_size;
	u->newm.nblocks = nblocks;
	u->newm.data_id = base == NULL ? 1 : (u->full ? base->data_id + 1 : base->data_id);
	u->newm.fps = calloc(nblocks > 0 ? nblocks : 1, sizeof(uint64_t));
	u->got = calloc(nblocks > 0 ? nblocks : 1, 1);
	if (u->newm.fps == NULL || u->got == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (expect_fps != NULL && nblocks > 0) {
		memcpy(u->newm.fps, expect_fps, (size_t)nblocks * sizeof(uint64_t));
	}
	if (mkdirat(store->dirfd, name, 0700) != 0 && errno != EEXIST) {
		rc = -errno;
		goto fail;
	}
	u->objfd = openat(store->dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->objfd < 0) {
		rc = -errno;
		goto fail;
	}
	if (e == NULL) {
		rc = vnfha__ckpt_store_add_entry(store, name, &e);
		if (rc != 0) {
			goto fail;
		}
	}
	u->entry = e;
	rc = begin_files(u, base);
	if (rc != 0) {
		goto fail;
	}
	e->busy = true;
	*ret_upd = u;
	return 0;
fail:
	u->entry = NULL;
	vnfha__ckpt_update_abort(u);
	return rc;
}

int vnfha__ckpt_update_block(struct vnfha__ckpt_update *u, uint32_t index, const void *data,
			     uint32_t len)
{
	return vnfha__ckpt_update_block_fp(u, index, data, len, vnfha__ckpt_fp_block(data, len));
}

int vnfha__ckpt_update_block_fp(struct vnfha__ckpt_update *u, uint32_t index, const void *data,
				uint32_t len, uint64_t fp)
{
	const struct vnfha__ckpt_meta *base = u->entry->meta;
	uint64_t off = (uint64_t)index * u->newm.block_size;
	int rc;

	if (index >= u->newm.nblocks ||
	    len != (u->newm.size - off < u->newm.block_size ? u->newm.size - off
							     : u->newm.block_size)) {
		return -EINVAL;
	}
	if (u->computed) {
		u->newm.fps[index] = fp;
	} else if (fp != u->newm.fps[index]) {
		return -EILSEQ;
	}
	u->got[index] = 1;
	if (u->full) {
		rc = vnfha__ckpt_pwrite_all(u->fd, data, len, (off_t)off);
		u->bytes += rc == 0 ? len : 0;
		return rc;
	}
	if (base->fps[index] == fp) {
		return 0; /* unchanged: nothing to journal */
	}
	return vnfha__ckpt_journal_add(u, index, data, len);
}

uint64_t vnfha__ckpt_update_bytes(const struct vnfha__ckpt_update *u)
{
	return u->bytes;
}

static bool update_is_complete(const struct vnfha__ckpt_update *u)
{
	const struct vnfha__ckpt_meta *base = u->entry->meta;

	for (uint32_t i = 0; i < u->newm.nblocks; i++) {
		bool needed = (u->full && !u->copy_base) || (u->computed && !u->base_rest) ||
			      base->fps[i] != u->newm.fps[i];

		if (needed && !u->got[i]) {
			return false;
		}
	}
	return true;
}

/* copy_base: the blocks the sender did not send are the base's. */
static int copy_unsent(struct vnfha__ckpt_update *u)
{
	const struct vnfha__ckpt_meta *base = u->entry->meta;
	uint8_t *buf = malloc(base->block_size);
	char dname[32];
	int fd;
	int rc = 0;

	if (buf == NULL) {
		return -ENOMEM;
	}
	vnfha__ckpt_data_name(dname, sizeof(dname), base->data_id);
	fd = openat(u->objfd, dname, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (uint32_t i = 0; i < u->newm.nblocks && rc == 0; i++) {
		uint64_t off = (uint64_t)i * base->block_size;
		uint32_t n = base->size - off < base->block_size ? (uint32_t)(base->size - off)
								 : base->block_size;

		if (u->got[i]) {
			continue;
		}
		rc = vnfha__ckpt_pread_all(fd, buf, n, (off_t)off);
		if (rc == 0 && vnfha__ckpt_fp_block(buf, n) != u->newm.fps[i]) {
			rc = -EILSEQ; /* the base is not what the sender assumed */
		}
		if (rc == 0) {
			rc = vnfha__ckpt_pwrite_all(u->fd, buf, n, (off_t)off);
		}
	}
	close(fd);
	free(buf);
	return rc;
}

int vnfha__ckpt_update_commit(struct vnfha__ckpt_update *u, bool durable)
{
	struct vnfha__ckpt_entry *e = u->entry;
	struct vnfha__ckpt_meta *newm = NULL;
	struct vnfha__ckpt_meta *applied = NULL;
	char old[32];
	int rc;

	if (!update_is_complete(u)) {
		rc = -EPIPE;
		goto fail;
	}
	u->newm.digest = vnfha__ckpt_fp_digest(u->newm.fps, u->newm.nblocks);
	rc = vnfha__ckpt_meta_dup(&u->newm, &newm);
	if (rc != 0) {
		goto fail;
	}
	if (u->copy_base) {
		rc = copy_unsent(u);
		if (rc != 0) {
			goto fail;
		}
	}
	if (u->full) {
		if (durable) {
			rc = vnfha__ckpt_fsync(u->fd);
			if (rc != 0) {
				goto fail;
			}
		}
		if (durable && e->meta == NULL) {
			/* A new object: its directory's name on stable storage first. */
			rc = vnfha__ckpt_fsync(u->store->dirfd);
			if (rc != 0) {
				goto fail;
			}
		}
		rc = vnfha__ckpt_write_meta(u->objfd, newm, durable);
		if (rc != 0) {
			goto fail;
		}
		if (e->meta != NULL) {
			vnfha__ckpt_data_name(old, sizeof(old), e->meta->data_id);
			unlinkat(u->objfd, old, 0);
		}
	} else {
		rc = vnfha__ckpt_journal_seal(u, durable);
		if (rc == 0 && renameat(u->objfd, "journal.tmp", u->objfd, "journal") != 0) {
			rc = -errno;
		}
		if (rc == 0 && durable) {
			rc = vnfha__ckpt_fsync(u->objfd);
		}
		if (rc != 0) {
			goto fail;
		}
		/* Published: from here a failure is redone at the next load. */
		rc = vnfha__ckpt_journal_apply(u->objfd, e->meta, durable, &applied);
		if (rc == 0) {
			rc = vnfha__ckpt_write_meta(u->objfd, newm, durable);
		}
		if (rc == 0) {
			unlinkat(u->objfd, "journal", 0);
		}
		vnfha__ckpt_meta_free(applied);
		if (rc != 0) {
			goto fail_published;
		}
	}
	vnfha__ckpt_meta_free(e->meta);
	e->meta = newm;
	newm = NULL;
	/* Meta names a version past every record of the log now. */
	(void)vnfha__ckpt_log_reset(e, u->objfd);
	if (e->meta->epoch > u->store->epoch) {
		u->store->epoch = e->meta->epoch;
	}
	e->busy = false;
	u->entry = NULL;
	vnfha__ckpt_update_abort(u);
	return 0;
fail_published:
	vnfha__ckpt_meta_free(newm);
	e->busy = false;
	u->entry = NULL;
	vnfha__ckpt_update_abort(u);
	return rc;
fail:
	vnfha__ckpt_meta_free(newm);
	vnfha__ckpt_update_abort(u);
	return rc;
}

void vnfha__ckpt_update_abort(struct vnfha__ckpt_update *u)
{
	char dname[32];

	if (u == NULL) {
		return;
	}
	if (u->fd >= 0) {
		close(u->fd);
	}
	if (u->entry != NULL) {
		/* Not published: remove what was staged. */
		if (u->full) {
			vnfha__ckpt_data_name(dname, sizeof(dname), u->newm.data_id);
			unlinkat(u->objfd, dname, 0);
		} else {
			unlinkat(u->objfd, "journal.tmp", 0);
		}
		u->entry->busy = false;
	}
	if (u->objfd >= 0) {
		close(u->objfd);
	}
	free(u->newm.fps);
	free(u->got);
	free(u);
}
