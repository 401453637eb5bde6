/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha checkpoints: commit and restore application state through the
 * local vnfha-ckptd (part of the public API, see <vnfha/vnfha.h>; each
 * function has a man page, e.g. vnfha_ckpt_commit(3)).
 *
 * A checkpoint is a named, versioned byte object; a version is (epoch, gen):
 * the epoch grows at each promotion, gen at each commit. The daemon on the
 * promoted node replicates each commit to the others; on promotion the
 * application restores the latest version from its local daemon.
 *
 * Three ways to use it:
 *   - whole buffers: vnfha_ckpt_put() / vnfha_ckpt_get();
 *   - in place, whole region: vnfha_ckpt_open() maps a shared-memory region
 *     (a memfd the daemon passes over the Unix socket; every connection
 *     that opens the name shares it), the application keeps its state there
 *     and calls vnfha_ckpt_commit(): the daemon fingerprints the whole
 *     region (cost follows the region size) and stores and sends the bytes
 *     that changed. Do not write the region during that call;
 *   - in place, changes only: vnfha_ckpt_submit() names the byte ranges
 *     that changed (vnfha_ckpt_write() writes and names in one call;
 *     vnfha_ckpt_submit_tracked() lets the kernel find the written pages of
 *     a region opened with VNFHA_CKPT_OPEN_TRACK). Their bytes are copied
 *     before submit returns, so the application writes on at once; submit
 *     returns a ticket, and vnfha_ckpt_wait() (or polling
 *     vnfha_ckpt_region_fd()) tells when that change is held as the mode
 *     asks. Cost follows the bytes named, not the region (see
 *     vnfha_ckpt_submit(3)).
 *
 * A name is 1 to 64 characters of [A-Za-z0-9._-], not starting with '.'.
 *
 * Every function that returns int returns 0 or a negative errno
 * (vnfha_lib_strerror() explains it) and never aborts. A client and the
 * regions opened on it are one unit for threads: do not call into them from
 * two threads at once - except vnfha_ckpt_submit(), vnfha_ckpt_write(),
 * vnfha_ckpt_submit_tracked(), vnfha_ckpt_commitv(), vnfha_ckpt_wait() and
 * vnfha_ckpt_dispatch() on one region, which any number of threads may call
 * at once (a region has its own connection to the daemon for them).
 *
 * Connection errors: every call that talks to the daemon may also return
 *   -EPIPE, -ECONNRESET  the daemon closed the connection (it stopped);
 *   -EPROTO              the daemon answered something this library does
 *                        not understand (a daemon of another release?);
 *   -EINTR               a signal handler installed without SA_RESTART
 *                        interrupted the call.
 * After one of these the client is out of step: vnfha_ckpt_disconnect() it
 * and connect again.
 */
#ifndef VNFHA_CKPT_H
#define VNFHA_CKPT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The daemon's local socket unless VNFHA_CKPT_SOCKET or a path is given. */
#define VNFHA_CKPT_SOCKET_DEFAULT "/run/vnfha/ckpt.sock"

/* vnfha_ckpt_open_flags() flags */
#define VNFHA_CKPT_OPEN_TRACK 0x1u /* track writes for vnfha_ckpt_submit_tracked() */
/* ... by write-protect faults: cost follows the pages written (see below) */
#define VNFHA_CKPT_OPEN_TRACK_FAULTS 0x2u

/* vnfha_ckpt_wait(): block until the ticket's result, however long. */
#define VNFHA_CKPT_WAIT_FOREVER 0xffffffffu

enum vnfha_ckpt_mode {
	VNFHA_CKPT_ASYNC = 0,	/* return once stored locally */
	VNFHA_CKPT_SYNC = 1,	/* ...and a replica holds it (in memory / page cache) */
	VNFHA_CKPT_DURABLE = 2, /* ...and a replica has it on stable storage */
};

/* What one replica holds of a committed version. */
enum vnfha_ckpt_state {
	VNFHA_CKPT_STATE_NONE = 0,
	VNFHA_CKPT_STATE_MEMORY = 1,
	VNFHA_CKPT_STATE_DURABLE = 2,
};

/*
 * A checkpoint version. Its layout is part of the ABI and never changes
 * (two 64-bit counters are all a version will ever be).
 */
struct vnfha_ckpt_version {
	uint64_t epoch;
	uint64_t gen;
};

/*
 * Bytes [offset, offset + length) of a region. Its layout is part of the
 * ABI and never changes.
 */
struct vnfha_ckpt_range {
	uint64_t offset;
	uint64_t length;
};

/* Opaque handles: their layout is the library's own and may change. */
struct vnfha_ckpt_client;
struct vnfha_ckpt_region;
struct vnfha_ckpt_result;

/*
 * Connects to the local daemon.
 * [in]  socket_path  NULL: $VNFHA_CKPT_SOCKET if set and not empty, else
 *                    VNFHA_CKPT_SOCKET_DEFAULT
 * [out] ret_client   the connection; free it with vnfha_ckpt_disconnect()
 * Errors: -EINVAL ret_client is NULL; -ENAMETOOLONG the path does not fit a
 * Unix socket address (107 bytes); -ENOENT no socket at the path (no
 * daemon); -ECONNREFUSED a socket but no daemon listening; -EACCES not
 * allowed to connect; -EMFILE/-ENFILE out of file descriptors; -ENOMEM;
 * another errno connect(2) gives for the path (-ENOTDIR, -ELOOP).
 */
int vnfha_ckpt_connect(const char *socket_path, struct vnfha_ckpt_client **ret_client);

/*
 * Closes the connection and frees the client; NULL is fine. Regions opened
 * on it are NOT closed: they stay mapped, their bytes readable and
 * writable, until vnfha_ckpt_close(); vnfha_ckpt_commit() and
 * vnfha_ckpt_restore() on them return -ENOTCONN.
 */
void vnfha_ckpt_disconnect(struct vnfha_ckpt_client *client);

/*
 * Stores buf as the next version of name.
 * [in]  buf, len     the bytes (buf may be NULL when len is 0)
 * [in]  mode         when to return (enum vnfha_ckpt_mode)
 * [in]  timeout_ms   how long SYNC/DURABLE wait for a replica (0: 5000)
 * [out] ret_result   NULL, or a result from vnfha_ckpt_result_new(): filled
 *                    on 0 and on -ETIMEDOUT, untouched otherwise
 * Errors: -EINVAL client is NULL, name is not a valid name, buf is NULL
 * with len > 0, or mode is none of the three; -EROFS the daemon is a
 * replica (commit on the promoted node); -ESTALE the store holds a version
 * from a newer epoch (another node was promoted since); -ETIMEDOUT stored
 * locally but no replica confirmed in time (see ret_result); -ENOSPC, -EIO,
 * -ENOMEM or another errno of the daemon's store: not stored; the
 * connection errors. A put of a name whose commits are running waits its
 * turn (never -EBUSY).
 */
int vnfha_ckpt_put(struct vnfha_ckpt_client *client, const char *name, const void *buf,
		   size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		   struct vnfha_ckpt_result *ret_result);

/*
 * Reads the latest complete, verified version of name.
 * [out] ret_buf      malloc'ed, the caller frees it (NULL for an empty object)
 * [out] ret_len      may be NULL: the length
 * [out] ret_version  may be NULL: the version read
 * The outputs are written only on success.
 * Errors: -EINVAL client or ret_buf is NULL or name is not a valid name;
 * -ENOENT no such checkpoint; -EAGAIN it changed during the read four
 * times in a row; -ENOMEM no memory for the copy; -EIO or another errno of
 * the daemon's store; the connection errors.
 */
int vnfha_ckpt_get(struct vnfha_ckpt_client *client, const char *name, void **ret_buf,
		   size_t *ret_len, struct vnfha_ckpt_version *ret_version);

/*
 * The newest complete version of name, or, for name NULL or "", the newest
 * of any checkpoint.
 * [out] ret_version  written only on success
 * Errors: -EINVAL client or ret_version is NULL or name is not a valid
 * name; -ENOENT no such checkpoint (none at all); the connection errors.
 */
int vnfha_ckpt_latest(struct vnfha_ckpt_client *client, const char *name,
		      struct vnfha_ckpt_version *ret_version);

/*
 * Opens name as a shared-memory region of size bytes (0: the stored
 * size), filled with the latest stored version when there is one of that
 * size (a restore), zeroes otherwise. A name already open on the daemon
 * (by this or another connection or process) is the same memory, as it
 * is now: every opener shares one region per name.
 * [out] ret_region  close it with vnfha_ckpt_close() (also after
 *                   vnfha_ckpt_disconnect(), see there)
 * Errors: -EINVAL client or ret_region is NULL, name is not a valid name,
 * size is 0 with nothing stored, size is over SIZE_MAX / 2, the name is
 * open elsewhere with another size, or VNFHA_CKPT_SPIN_US is set to other
 * than a number from 0 to 10000 (vnfha_ckpt_wait()); -EAGAIN the
 * stored version failed its fingerprint check while being read (try
 * again); -EMFILE too many regions open on this connection, or out of
 * file descriptors; -ENOMEM, -ENFILE or another errno of memfd_create(2)
 * or mmap(2) in the daemon or here; -EIO reading the store; the
 * connection errors.
 */
int vnfha_ckpt_open(struct vnfha_ckpt_client *client, const char *name, size_t size,
		    struct vnfha_ckpt_region **ret_region);

/*
 * vnfha_ckpt_open() with flags. VNFHA_CKPT_OPEN_TRACK: the pages this
 * process writes are tracked for vnfha_ckpt_submit_tracked() - by the
 * kernel (userfaultfd write-protect in async mode and PAGEMAP_SCAN, Linux
 * >= 6.7; the writer is never stopped), else by a hash of each page
 * compared at each tracked submit; vnfha_ckpt_region_tracking() says which
 * (VNFHA_CKPT_TRACK=scan in the environment forces the hash). A tracked
 * submit's scan visits every page-table entry of the region (~0.35-0.7 ms
 * per GiB, the writer waiting).
 * VNFHA_CKPT_OPEN_TRACK_FAULTS: tracked by write-protect faults instead
 * (userfaultfd SIGBUS mode, Linux >= 5.19): the first write of a thread to
 * each page after a submit raises SIGBUS in that thread, which libvnfha
 * handles (~6 us: the page is marked and unprotected), and a tracked
 * submit costs what was written whatever the region's size. It asks of
 * the process: no kernel write into the region (read(2) into it fails
 * with EFAULT), SIGBUS not blocked in threads that write, and no SIGBUS
 * handler installed after the open (libvnfha's, installed at the first
 * such open and kept, passes any other SIGBUS to the action before it).
 * Where the kernel lacks it, the above is used (the tracking says which).
 * The region opens its own connection to the daemon (same socket as the
 * client's).
 * Errors: those of vnfha_ckpt_open(); -EINVAL also for an unknown flag.
 */
int vnfha_ckpt_open_flags(struct vnfha_ckpt_client *client, const char *name, size_t size,
			  unsigned int flags, struct vnfha_ckpt_region **ret_region);
/* "uffd-fault", "uffd-wp", "scan" (tracked by page hashes) or "off" (not
 * tracked, or region NULL). */
const char *vnfha_ckpt_region_tracking(const struct vnfha_ckpt_region *region);

/* The region's bytes (NULL for region NULL); valid until vnfha_ckpt_close(). */
void *vnfha_ckpt_region_data(const struct vnfha_ckpt_region *region);
/* The region's size in bytes (0 for region NULL). */
size_t vnfha_ckpt_region_size(const struct vnfha_ckpt_region *region);
/* The version the region held when opened or last committed or restored
 * ({0, 0}: none yet, or region NULL). */
struct vnfha_ckpt_version vnfha_ckpt_region_version(const struct vnfha_ckpt_region *region);

/*
 * Commits the region's bytes as the next version of its checkpoint: the
 * daemon fingerprints the whole region and stores and sends only the bytes
 * that differ (nothing differs: no new version, the result names the one
 * that holds them). Queued with other commits of the checkpoint, never
 * refused.
 * [in]  mode, timeout_ms  as vnfha_ckpt_put()
 * [out] ret_result        as vnfha_ckpt_put()
 * Errors: -EINVAL region is NULL or mode is none of the three; -ENOTCONN
 * its client was disconnected; otherwise as vnfha_ckpt_put(): -EROFS,
 * -ESTALE, -ETIMEDOUT, the store's errors, the connection errors.
 */
int vnfha_ckpt_commit(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
		      unsigned int timeout_ms, struct vnfha_ckpt_result *ret_result);

/*
 * Submits ranges of the region as part of the next version and returns at
 * once: their bytes are copied before it returns (the application may write
 * them again right away); nothing waits for the daemon or the network.
 * Ranges may overlap, repeat and lie anywhere (the later bytes win); zero
 * lengths are skipped; n = 0 changes nothing and its ticket completes when
 * everything submitted before it on this region is held as mode asks.
 * Submits from many threads and connections are grouped by the daemon into
 * one version, one transfer and one acknowledgement; none is refused.
 * [in]  ranges      n ranges (may be NULL when n is 0)
 * [in]  timeout_ms  how long the daemon waits for a replica in SYNC/DURABLE
 *                   before the ticket completes with -ETIMEDOUT (0: 5000)
 * [out] ret_ticket  NULL (no result is kept), or the ticket to pass to
 *                   vnfha_ckpt_wait(); tickets increase per region
 * Errors (nothing submitted): -EINVAL region is NULL, ranges is NULL with
 * n > 0, or mode is none of the three; -ERANGE a range past the region's
 * end or wrapping; -ENOTCONN its client was disconnected; -ENOMEM; the
 * connection errors.
 */
int vnfha_ckpt_submit(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		      size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		      uint64_t *ret_ticket);

/* Copies len bytes of buf into the region at offset and submits that range.
 * Errors as vnfha_ckpt_submit(); -EINVAL also for buf NULL with len > 0;
 * -ERANGE: nothing written. */
int vnfha_ckpt_write(struct vnfha_ckpt_region *region, uint64_t offset, const void *buf,
		     size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		     uint64_t *ret_ticket);

/*
 * Submits the pages this process wrote in the region since its last
 * tracked submit (opened with VNFHA_CKPT_OPEN_TRACK or
 * VNFHA_CKPT_OPEN_TRACK_FAULTS; pages written during the call are in this
 * version or the next, never lost). Its cost: the region's page tables
 * (uffd-wp), what was written (uffd-fault) or the region (scan). Without tracking:
 * a whole-region commit, as vnfha_ckpt_commit() but with a ticket.
 * Errors as vnfha_ckpt_submit().
 */
int vnfha_ckpt_submit_tracked(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
			      unsigned int timeout_ms, uint64_t *ret_ticket);

/*
 * A ticket's result: 0 once its version is stored here (ASYNC), held by a
 * replica in memory (SYNC) or on its stable storage (DURABLE).
 * [in]  wait_ms     how long this call blocks: 0 only looks,
 *                   VNFHA_CKPT_WAIT_FOREVER until the result (it always
 *                   comes, at the latest at the submit's timeout)
 * [out] ret_result  NULL, or a result from vnfha_ckpt_result_new(): filled
 *                   on 0 and on -ETIMEDOUT (the version the change landed in,
 *                   what each replica held of it), untouched otherwise
 * A result is returned once; the ticket is then forgotten. The waiting
 * thread that reads the region's results polls its connection (yielding
 * the CPU at each look) for up to VNFHA_CKPT_SPIN_US microseconds of the
 * environment (default 200, 0: never) before it sleeps, unless the
 * region's results recently took longer than twice that; the others sleep.
 * Errors: -EINVAL region is NULL; -EINPROGRESS no result yet (the ticket
 * stays pending); -ENOENT unknown ticket or its result already taken;
 * -ETIMEDOUT stored locally, no replica confirmed in time; -EROFS the
 * daemon is a replica; -ESTALE a newer epoch's version is stored; the
 * store's errors; -ENOTCONN its client was disconnected; the connection
 * errors (every pending ticket of the region fails so).
 */
int vnfha_ckpt_wait(struct vnfha_ckpt_region *region, uint64_t ticket, unsigned int wait_ms,
		    struct vnfha_ckpt_result *ret_result);

/* vnfha_ckpt_submit() then vnfha_ckpt_wait() until the result. */
int vnfha_ckpt_commitv(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		       size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		       struct vnfha_ckpt_result *ret_result);

/*
 * For an event loop: a descriptor that polls readable when results arrived
 * (-EINVAL for region NULL); vnfha_ckpt_dispatch() then reads them without
 * blocking, and vnfha_ckpt_wait(region, ticket, 0, ...) answers each held
 * ticket.
 */
int vnfha_ckpt_region_fd(const struct vnfha_ckpt_region *region);
/* Reads the results that arrived; never blocks. Errors: -EINVAL region is
 * NULL; the error that ended the region's connection. */
int vnfha_ckpt_dispatch(struct vnfha_ckpt_region *region);

/*
 * Reloads the region from the latest stored version (call it on promotion).
 * Errors: -EINVAL region is NULL; -ENOTCONN its client was disconnected;
 * -ENOENT nothing stored; -EMSGSIZE the stored version's size differs from
 * the region's (the region is unchanged); -EAGAIN it changed during the
 * read four times in a row; -EIO or another errno of the daemon's store;
 * the connection errors.
 */
int vnfha_ckpt_restore(struct vnfha_ckpt_region *region);

/* Unmaps the region and frees it; the stored versions stay. NULL is fine. */
void vnfha_ckpt_close(struct vnfha_ckpt_region *region);

/*
 * A commit's outcome: the version made and what each replica held of it
 * when the call returned. One result can be passed to many commits (each
 * fills it anew); the library owns its layout, so it can grow.
 * Returns NULL with errno ENOMEM when out of memory.
 */
struct vnfha_ckpt_result *vnfha_ckpt_result_new(void);
/* Frees a result; NULL is fine. */
void vnfha_ckpt_result_free(struct vnfha_ckpt_result *result);

/* The version the commit created ({0, 0}: not filled yet, or result NULL). */
struct vnfha_ckpt_version vnfha_ckpt_result_version(const struct vnfha_ckpt_result *result);
/* How many replicas the daemon reported (0 for result NULL). */
unsigned int vnfha_ckpt_result_n_replicas(const struct vnfha_ckpt_result *result);
/*
 * Replica i (0 .. vnfha_ckpt_result_n_replicas() - 1).
 * [out] ret_peer   may be NULL: HOST:PORT as configured in the daemon; the
 *                  string lives until the result is filled again or freed
 * [out] ret_state  may be NULL: what it held of the version
 * The outputs are written only on success.
 * Errors: -EINVAL result is NULL; -ERANGE no replica i.
 */
int vnfha_ckpt_result_replica(const struct vnfha_ckpt_result *result, unsigned int i,
			      const char **ret_peer, enum vnfha_ckpt_state *ret_state);
/* Why a commit is not (fully) done, e.g. after -ETIMEDOUT; "" when it is
 * (and for result NULL). Never NULL; lives as ret_peer does. */
const char *vnfha_ckpt_result_message(const struct vnfha_ckpt_result *result);

#ifdef __cplusplus
}
#endif

#endif
