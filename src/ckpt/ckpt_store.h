/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checkpoint store on disk: one directory per object,
 *
 *   DIR/epoch            the highest epoch this node has promoted to
 *   DIR/NAME/meta        the published version: obj body (ckpt_wire.h) with
 *                        every block fingerprint, then XXH3 of the file
 *   DIR/NAME/data.ID     its bytes (ID = meta's data_id)
 *   DIR/NAME/journal     a published delta not yet applied (redo log)
 *   DIR/NAME/log         range versions after meta's (records: ckpt_patch.h)
 *
 * Publishing is one rename: a full copy is written to a new data.ID, then
 * meta.tmp (naming it) is renamed over meta; a delta is written to
 * journal.tmp, renamed to journal, then applied in place and meta
 * replaced. Until the rename the previous version is untouched; after it,
 * loading redoes what is missing. In durable mode every file and the
 * directory are fsync'ed before the rename and before it returns.
 *
 * A range version (a patch transaction, below) is one record appended to
 * the log, then written into the data file in place: the record is the
 * version, redone at load. Compaction folds the log into meta.
 *
 * Loading verifies each object (meta checksum, every block's XXH3 against
 * meta) and moves a damaged one aside to DIR/.bad.NAME.N; it is then
 * treated as absent, so a replica resyncs it with a full copy.
 *
 * Not thread-safe: callers serialise every call but update_block.
 */
#ifndef VNFHA_CKPT_STORE_H
#define VNFHA_CKPT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "ckpt/ckpt_wire.h"

struct vnfha__ckpt_meta {
	char name[VNFHA_CKPT_NAME_MAX + 1];
	uint64_t epoch;
	uint64_t gen;
	uint64_t size;
	uint64_t digest; /* XXH3 of the fingerprints; 0 in memory after a range version
			    (computed when meta is written: the cost follows the change) */
	uint64_t data_id;
	uint32_t block_size;
	uint32_t nblocks;
	uint64_t *fps; /* nblocks */
};

struct vnfha__ckpt_store;
struct vnfha__ckpt_update;

/* Called for each object the load could not use (moved aside). */
typedef void (*vnfha__ckpt_store_report_fn)(void *ctx, const char *name, int err,
					    const char *what);

/* Opens (creating it) and verifies a store. NULL and errno on failure. */
struct vnfha__ckpt_store *vnfha__ckpt_store_open(const char *dir,
						 vnfha__ckpt_store_report_fn report, void *ctx);
void vnfha__ckpt_store_free(struct vnfha__ckpt_store *store);

size_t vnfha__ckpt_store_count(const struct vnfha__ckpt_store *store);
/* Valid until the next update_commit of that object. */
const struct vnfha__ckpt_meta *vnfha__ckpt_store_at(const struct vnfha__ckpt_store *store,
						    size_t i);
const struct vnfha__ckpt_meta *vnfha__ckpt_store_find(const struct vnfha__ckpt_store *store,
						      const char *name);
/* 0 when data (m->size bytes, the whole version in memory) matches every
 * block fingerprint of m, else -EBADMSG. */
int vnfha__ckpt_meta_check_data(const struct vnfha__ckpt_meta *m, const uint8_t *data);

/* A deep copy the caller frees with vnfha__ckpt_meta_free(). */
int vnfha__ckpt_meta_dup(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_meta **ret_copy);
void vnfha__ckpt_meta_free(struct vnfha__ckpt_meta *m);

/* An O_RDONLY|O_CLOEXEC descriptor of the object's current data file. The
 * bytes may change under a later delta: check each block's fingerprint. */
int vnfha__ckpt_store_open_data(const struct vnfha__ckpt_store *store, const char *name,
				int *ret_fd);

/* Highest epoch seen (the epoch file and every object); save_epoch
 * records a new one atomically. */
uint64_t vnfha__ckpt_store_max_epoch(const struct vnfha__ckpt_store *store);
int vnfha__ckpt_store_save_epoch(struct vnfha__ckpt_store *store, uint64_t epoch);

/*
 * Starts writing version (epoch, gen) of name. expect_fps (nblocks, host
 * order) is the sender's fingerprint list: each block must match it. With
 * NULL the store computes fingerprints and every block must be given.
 * full: every block follows (a new or resized object must be full).
 * -EBUSY when another update of name is open, -EINVAL for a delta that
 * does not fit the current version.
 */
int vnfha__ckpt_update_begin(struct vnfha__ckpt_store *store, const char *name, uint64_t epoch,
			     uint64_t gen, uint64_t size, uint32_t block_size,
			     const uint64_t *expect_fps, bool full,
			     struct vnfha__ckpt_update **ret_upd);
/* One block, len = its exact size. -EILSEQ: fingerprint mismatch. */
int vnfha__ckpt_update_block(struct vnfha__ckpt_update *upd, uint32_t index, const void *data,
			     uint32_t len);
/* The same with the block's fingerprint already computed by the caller
 * (vnfha__ckpt_fp_block of exactly these bytes). */
int vnfha__ckpt_update_block_fp(struct vnfha__ckpt_update *upd, uint32_t index, const void *data,
				uint32_t len, uint64_t fp);
/* Number of bytes the update wrote so far (progress, lag). */
uint64_t vnfha__ckpt_update_bytes(const struct vnfha__ckpt_update *upd);
/* A delta over name's current version (same size): given blocks are
 * fingerprinted here, blocks not given keep their bytes. -ENOENT none. */
int vnfha__ckpt_update_begin_over(struct vnfha__ckpt_store *store, const char *name,
				  uint64_t epoch, uint64_t gen, struct vnfha__ckpt_update **ret_upd);
/* Publishes; -EPIPE when a needed block is missing. Frees upd always. */
int vnfha__ckpt_update_commit(struct vnfha__ckpt_update *upd, bool durable);
void vnfha__ckpt_update_abort(struct vnfha__ckpt_update *upd);

/*
 * Patch transactions: one or more versions of an object, each its version
 * before with some byte ranges replaced. The touched blocks are staged in
 * memory (two copies each on the primary, one on a replica); each version
 * is appended to the log as one record (PATCH body, ckpt_patch.h); commit
 * writes the bytes in place and publishes the last version. A crash at any
 * byte leaves the last complete record's version or an earlier one.
 *
 * begin, commit and abort with the store's lock held; the calls between
 * touch only the transaction and the object's files (lock not held).
 */
struct vnfha__ckpt_ptx;

/* -ENOENT nothing stored; -EBUSY an update or transaction of name is open. */
int vnfha__ckpt_ptx_begin(struct vnfha__ckpt_store *store, const char *name,
			  struct vnfha__ckpt_ptx **ret_tx);
/* Primary: len bytes of buf at off belong to the next version (later
 * calls win where they overlap). -ERANGE past the object's end (nothing
 * staged); -EINVAL after seal or apply. */
int vnfha__ckpt_ptx_put(struct vnfha__ckpt_ptx *tx, uint64_t off, const void *buf, uint64_t len);
/* Primary: every block of region (the object's size; region_fps its
 * fingerprints) that differs from the staged version becomes its bytes. */
int vnfha__ckpt_ptx_scan(struct vnfha__ckpt_ptx *tx, const uint8_t *region,
			 const uint64_t *region_fps);
/* Blocks staged so far. */
uint32_t vnfha__ckpt_ptx_staged(const struct vnfha__ckpt_ptx *tx);
/*
 * Primary: the staged bytes become version (epoch, gen), newer than the
 * transaction's: the bytes that differ from the version before (runs
 * closer than 32 bytes joined) and the new fingerprint of each block they
 * touch make its PATCH body, appended to the log. *ret_body (malloc'ed,
 * the caller frees it) is that body, to send as a PATCH frame. -ENODATA:
 * no byte differs (no version); -EMSGSIZE: the body would pass one frame
 * (make the version with an update instead); nothing appended on error.
 */
int vnfha__ckpt_ptx_seal(struct vnfha__ckpt_ptx *tx, uint64_t epoch, uint64_t gen,
			 uint32_t flags, uint8_t **ret_body, size_t *ret_len);
/*
 * Replica: a decoded PATCH (p, its body as received) onto the
 * transaction's version, each block it touches checked against its new
 * fingerprint, then appended to the log. -ESTALE its base is not the
 * transaction's version; -EINVAL another object, size or block size;
 * -EILSEQ a block does not match. Nothing changes on error.
 */
struct vnfha__ckpt_patch;
int vnfha__ckpt_ptx_apply(struct vnfha__ckpt_ptx *tx, const struct vnfha__ckpt_patch *p,
			  const uint8_t *body, size_t len);
/* The version the transaction has reached. */
void vnfha__ckpt_ptx_version(const struct vnfha__ckpt_ptx *tx, uint64_t *ret_epoch,
			     uint64_t *ret_gen);
/* fdatasync of the log: the records so far are on stable storage. */
int vnfha__ckpt_ptx_sync(struct vnfha__ckpt_ptx *tx);
/* Lock held: writes the staged bytes into the data file and publishes the
 * last version (meta in memory; the log folded into meta when long); frees
 * tx. On a write error tx is aborted. */
int vnfha__ckpt_ptx_commit(struct vnfha__ckpt_ptx *tx);
/* Lock held: drops what was staged (the log cut back); NULL is fine. */
void vnfha__ckpt_ptx_abort(struct vnfha__ckpt_ptx *tx);

#endif
