/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvnfha checkpoints: commit and restore application state through the
 * local vnfha-ckptd (part of the public API, see <vnfha/vnfha.h>).
 *
 * A checkpoint is a named, versioned byte object; a version is (epoch, gen):
 * the epoch grows at each promotion, gen at each commit. The daemon on the
 * promoted node replicates each commit to the others; on promotion the
 * application restores the latest version from its local daemon.
 *
 * Two ways to use it:
 *   - whole buffers: vnfha_ckpt_put() / vnfha_ckpt_get();
 *   - in place: vnfha_ckpt_open() maps a shared-memory region (a memfd the
 *     daemon passes over the Unix socket), the application keeps its state
 *     there and calls vnfha_ckpt_commit(); only changed 64 KiB blocks are
 *     stored and sent. Do not write the region during a commit call.
 *
 * Every function returns 0 or a negative errno (vnfha_lib_strerror()
 * explains it) and never aborts. Not thread-safe per handle.
 */
#ifndef VNFHA_CKPT_H
#define VNFHA_CKPT_H

#include <stddef.h>
#include <stdint.h>

/* The daemon's local socket unless VNFHA_CKPT_SOCKET or a path is given. */
#define VNFHA_CKPT_SOCKET_DEFAULT "/run/vnfha/ckpt.sock"
#define VNFHA_CKPT_MAX_REPLICAS 8

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

struct vnfha_ckpt_version {
	uint64_t epoch;
	uint64_t gen;
};

struct vnfha_ckpt_result {
	struct vnfha_ckpt_version version; /* the version the commit created */
	unsigned int n_replicas;
	struct {
		char peer[65];		     /* HOST:PORT as configured */
		enum vnfha_ckpt_state state; /* of this version when the call returned */
	} replicas[VNFHA_CKPT_MAX_REPLICAS];
	char message[256]; /* why a commit is not (fully) done; "" on success */
};

struct vnfha_ckpt_client;
struct vnfha_ckpt_region;

/*
 * Connects to the daemon.
 * [in] socket_path  NULL: $VNFHA_CKPT_SOCKET, else VNFHA_CKPT_SOCKET_DEFAULT
 * [out] ret_client  free with vnfha_ckpt_disconnect()
 * Errors: -ENOENT/-ECONNREFUSED no daemon, -ENAMETOOLONG, -ENOMEM.
 */
int vnfha_ckpt_connect(const char *socket_path, struct vnfha_ckpt_client **ret_client);
/* Closes the connection and every region still open on it. NULL is fine. */
void vnfha_ckpt_disconnect(struct vnfha_ckpt_client *client);

/*
 * Stores buf as the next version of name (1..64 of [A-Za-z0-9._-]).
 * [in] timeout_ms  how long SYNC/DURABLE wait for a replica (0: 5000)
 * [out] ret_result may be NULL; filled on 0 and on -ETIMEDOUT
 * Errors: -EINVAL bad name, -EROFS the daemon is a replica, -EBUSY another
 * commit of name is running, -ETIMEDOUT stored locally but no replica
 * confirmed in time (see ret_result), -EPIPE/-ECONNRESET daemon gone.
 */
int vnfha_ckpt_put(struct vnfha_ckpt_client *client, const char *name, const void *buf,
		   size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		   struct vnfha_ckpt_result *ret_result);

/*
 * Reads the latest complete, verified version of name.
 * [out] ret_buf      malloc'ed, the caller frees it (NULL for an empty object)
 * [out] ret_len, ret_version  may be NULL
 * Errors: -ENOENT no such checkpoint, -EAGAIN it changed during the read
 * (retried 3 times first), -ENOMEM, -EPIPE/-ECONNRESET.
 */
int vnfha_ckpt_get(struct vnfha_ckpt_client *client, const char *name, void **ret_buf,
		   size_t *ret_len, struct vnfha_ckpt_version *ret_version);

/* The newest complete version of name (NULL or "": of any checkpoint). -ENOENT: none. */
int vnfha_ckpt_latest(struct vnfha_ckpt_client *client, const char *name,
		      struct vnfha_ckpt_version *ret_version);

/*
 * Opens name as a shared-memory region of size bytes (0: the stored
 * size), filled with the latest stored version when there is one of that
 * size (a restore), zeroes otherwise.
 * [out] ret_region  close with vnfha_ckpt_close() before disconnecting
 * Errors: -EINVAL bad name or size 0 with nothing stored, -ENOMEM, -EMFILE.
 */
int vnfha_ckpt_open(struct vnfha_ckpt_client *client, const char *name, size_t size,
		    struct vnfha_ckpt_region **ret_region);
void *vnfha_ckpt_region_data(const struct vnfha_ckpt_region *region);
size_t vnfha_ckpt_region_size(const struct vnfha_ckpt_region *region);
/* The version the region held when opened or last committed/restored. */
struct vnfha_ckpt_version vnfha_ckpt_region_version(const struct vnfha_ckpt_region *region);

/* Commits the region's bytes as the next version; errors as vnfha_ckpt_put(). */
int vnfha_ckpt_commit(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
		      unsigned int timeout_ms, struct vnfha_ckpt_result *ret_result);

/* Reloads the region from the latest stored version (call on promotion).
 * -ENOENT nothing stored, -EMSGSIZE stored size differs from the region. */
int vnfha_ckpt_restore(struct vnfha_ckpt_region *region);

/* Unmaps the region; the stored versions stay. NULL is fine. */
void vnfha_ckpt_close(struct vnfha_ckpt_region *region);

#endif
