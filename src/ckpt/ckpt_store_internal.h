/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the store's files share (and the unit tests and fuzz targets use).
 * The store is split by job:
 *   ckpt_store.c    the store object: its entries, lookups, the epoch file
 *   ckpt_meta.c     the meta file's codec, meta <-> wire obj, copies
 *   ckpt_file.c     file I/O: full reads/writes, atomic replace, meta write
 *   ckpt_journal.c  the delta journal: its format, sealing and replay
 *   ckpt_load.c     opening a store: load, replay, verify, quarantine
 *   ckpt_update.c   update transactions: begin, blocks, commit, abort
 *   ckpt_ptx.c      patch transactions: range versions staged, sealed or
 *                   applied, published
 *   ckpt_log.c      their log: append, replay at load, compaction, reset
 */
#ifndef VNFHA_CKPT_STORE_INTERNAL_H
#define VNFHA_CKPT_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_wire.h"

struct vnfha__ckpt_entry {
	struct vnfha__ckpt_meta *meta;
	bool busy; /* an update or a patch transaction is open */
	char name[VNFHA_CKPT_NAME_MAX + 1];
	/* Kept open for patch transactions (-1 until the first): the object's
	 * directory, its data file (of data_id datafd_id) and its log. */
	int objfd;
	int datafd;
	uint64_t datafd_id;
	int logfd;
	uint64_t log_len;
	/* The data file mapped shared (NULL: not mapped, read with pread
	 * and written with pwrite): a patch stages its blocks from here and
	 * writes its runs in place here, without a system call per block.
	 * Files of a data_id are never shortened (a full version is a new
	 * data_id), so map_len bytes stay valid. */
	uint8_t *map;
	size_t map_len;
	bool map_writable; /* commit writes in place (ckpt_ptx.c overwrite_in_place) */
};

/* Closes the entry's data file and unmaps it (entry_files reopens). */
void vnfha__ckpt_entry_close_data(struct vnfha__ckpt_entry *e);

struct vnfha__ckpt_store {
	int dirfd;
	uint64_t epoch;
	size_t n;
	size_t cap;
	/* Each entry allocated alone: an update holds a pointer to its entry
	 * while another update's begin may grow v. Never removed. */
	struct vnfha__ckpt_entry **v;
};

struct vnfha__ckpt_update {
	struct vnfha__ckpt_store *store;
	struct vnfha__ckpt_entry *entry;
	int objfd;
	int fd;
	bool full;
	bool computed;
	bool copy_base; /* a small delta written as a full copy */
	bool base_rest; /* computed, and blocks not given are the base's */
	struct vnfha__ckpt_meta newm;
	uint8_t *got;
	uint32_t nrec;
	uint64_t bytes;
};

/* ckpt_store.c: the entry of name, or NULL; add_entry -ENOMEM. */
struct vnfha__ckpt_entry *vnfha__ckpt_store_entry(const struct vnfha__ckpt_store *store,
						  const char *name);
int vnfha__ckpt_store_add_entry(struct vnfha__ckpt_store *store, const char *name,
				struct vnfha__ckpt_entry **ret);

/* ckpt_meta.c: the meta file's bytes (malloc'ed) and their decoder (-EBADMSG). */
int vnfha__ckpt_meta_encode(const struct vnfha__ckpt_meta *m, uint8_t **ret_buf, size_t *ret_len);
int vnfha__ckpt_meta_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_meta **ret_meta);
/* m as a wire obj; with fpbuf (nblocks * 8 bytes) the fingerprints too. */
void vnfha__ckpt_meta_to_obj(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_obj *o,
			     uint8_t *fpbuf);
/* A decoded obj (with fps) into a freshly allocated meta; -EBADMSG. */
int vnfha__ckpt_obj_to_meta(const struct vnfha__ckpt_obj *o, struct vnfha__ckpt_meta **ret);

/* ckpt_file.c. pread until len bytes; -ENODATA at end of file. */
int vnfha__ckpt_pread_all(int fd, void *buf, size_t len, off_t off);
int vnfha__ckpt_write_all(int fd, const void *buf, size_t len);
int vnfha__ckpt_pwrite_all(int fd, const void *buf, size_t len, off_t off);
int vnfha__ckpt_fsync(int fd);
/* "data.ID" */
void vnfha__ckpt_data_name(char *buf, size_t len, uint64_t id);
/* A whole file of at most max bytes (malloc'ed, one spare byte). */
int vnfha__ckpt_read_file(int dirfd, const char *name, size_t max, uint8_t **ret_buf,
			  size_t *ret_len);
/* Writes name atomically: name.tmp, (fsync), rename, (fsync dir). */
int vnfha__ckpt_write_atomic(int dirfd, const char *name, const void *buf, size_t len,
			     bool durable);
/* The object's meta file, atomically. */
int vnfha__ckpt_write_meta(int objfd, const struct vnfha__ckpt_meta *m, bool durable);

/* ckpt_log.c. The log is folded into meta past max(this, size / 8). */
#define VNFHA_CKPT_LOG_COMPACT_MIN (16u << 20)
struct vnfha__ckpt_patch;
/* One record around body (a PATCH body) in one write; *log_len grows by
 * its length; a failed write is cut back. */
int vnfha__ckpt_log_append(int logfd, uint64_t *log_len, const uint8_t *body, size_t len);
/* Writes the pieces of p's ranges inside block index onto block (its
 * bytes), the bytes they replace copied to save first (when not NULL: room
 * for p->data_len). Returns the bytes written (0: none), their span in
 * [*ret_lo, *ret_hi). undo puts save's bytes back. */
size_t vnfha__ckpt_patch_onto(const struct vnfha__ckpt_patch *p, uint32_t index, uint8_t *block,
			      uint8_t *save, uint32_t *ret_lo, uint32_t *ret_hi);
void vnfha__ckpt_patch_undo(const struct vnfha__ckpt_patch *p, uint32_t index, uint8_t *block,
			    const uint8_t *save);
/* e's data synced, its meta written with every fingerprint, the log
 * emptied (its files open: a patch transaction ran). */
int vnfha__ckpt_log_compact(struct vnfha__ckpt_entry *e);
/* Empties e's log once meta names a version past its records (a full
 * copy or a delta published over them); -errno (harmless: loading skips
 * records at or below meta's version). */
int vnfha__ckpt_log_reset(struct vnfha__ckpt_entry *e, int objfd);
/* At load: redoes onto m (and its data file) each complete record after
 * m's version whose base is the version reached so far; stops at the first
 * torn, damaged or foreign one. *ret_n: how many were redone (m's version,
 * fingerprints and digest follow them; the data file is synced). */
int vnfha__ckpt_log_replay(int objfd, struct vnfha__ckpt_meta *m, uint32_t *ret_n);

/* ckpt_journal.c: the delta journal (format in ckpt_journal.c). */
/* Writes journal.tmp's header (new meta, base version) to u->fd. */
int vnfha__ckpt_journal_begin(struct vnfha__ckpt_update *u, const struct vnfha__ckpt_meta *base);
/* Appends one changed block. */
int vnfha__ckpt_journal_add(struct vnfha__ckpt_update *u, uint32_t index, const void *data,
			    uint32_t len);
/* Rewrites the header with the final meta and appends the trailer. */
int vnfha__ckpt_journal_seal(struct vnfha__ckpt_update *u, bool durable);
/* Applies a valid journal to data.ID; -EBADMSG when it is not valid. */
int vnfha__ckpt_journal_apply(int objfd, const struct vnfha__ckpt_meta *cur, bool durable,
			      struct vnfha__ckpt_meta **ret_new);

#endif
