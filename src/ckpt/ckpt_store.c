// SPDX-License-Identifier: LGPL-2.1-or-later
/* The checkpoint store object: its entries, lookups and the epoch file; the
 * layout and the publish protocol are in ckpt_store.h, the jobs in
 * ckpt_store_internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt/ckpt_store_internal.h"

struct vnfha__ckpt_entry *vnfha__ckpt_store_entry(const struct vnfha__ckpt_store *store,
						  const char *name)
{
	for (size_t i = 0; i < store->n; i++) {
		if (strcmp(store->v[i]->name, name) == 0) {
			return store->v[i];
		}
	}
	return NULL;
}

/* Entries are never removed and each is allocated alone, so a pointer to
 * one stays valid while the array of them grows. */
int vnfha__ckpt_store_add_entry(struct vnfha__ckpt_store *store, const char *name,
				struct vnfha__ckpt_entry **ret)
{
	struct vnfha__ckpt_entry *e;

	if (store->n == store->cap) {
		size_t cap = store->cap > 0 ? store->cap * 2 : 64;
		struct vnfha__ckpt_entry **v = reallocarray(store->v, cap, sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		store->v = v;
		store->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		return -ENOMEM;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->objfd = -1;
	e->datafd = -1;
	e->logfd = -1;
	store->v[store->n++] = e;
	*ret = e;
	return 0;
}

size_t vnfha__ckpt_store_count(const struct vnfha__ckpt_store *store)
{
	return store->n;
}

const struct vnfha__ckpt_meta *vnfha__ckpt_store_at(const struct vnfha__ckpt_store *store,
						    size_t i)
{
	return i < store->n ? store->v[i]->meta : NULL;
}

const struct vnfha__ckpt_meta *vnfha__ckpt_store_find(const struct vnfha__ckpt_store *store,
						      const char *name)
{
	const struct vnfha__ckpt_entry *e = vnfha__ckpt_store_entry(store, name);

	return e != NULL ? e->meta : NULL;
}

void vnfha__ckpt_store_free(struct vnfha__ckpt_store *store)
{
	if (store == NULL) {
		return;
	}
	for (size_t i = 0; i < store->n; i++) {
		struct vnfha__ckpt_entry *e = store->v[i];
		int fds[] = { e->objfd, e->logfd };

		vnfha__ckpt_entry_close_data(e);
		vnfha__ckpt_meta_free(e->meta);
		for (size_t k = 0; k < sizeof(fds) / sizeof(fds[0]); k++) {
			if (fds[k] >= 0) {
				close(fds[k]);
			}
		}
		free(e);
	}
	free(store->v);
	if (store->dirfd >= 0) {
		close(store->dirfd);
	}
	free(store);
}

int vnfha__ckpt_store_open_data(const struct vnfha__ckpt_store *store, const char *name,
				int *ret_fd)
{
	const struct vnfha__ckpt_entry *e = vnfha__ckpt_store_entry(store, name);
	char path[VNFHA_CKPT_NAME_MAX + 40];
	int fd;

	if (e == NULL || e->meta == NULL) {
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/data.%" PRIu64, name, e->meta->data_id);
	fd = openat(store->dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	*ret_fd = fd;
	return 0;
}

uint64_t vnfha__ckpt_store_max_epoch(const struct vnfha__ckpt_store *store)
{
	return store->epoch;
}

int vnfha__ckpt_store_save_epoch(struct vnfha__ckpt_store *store, uint64_t epoch)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", epoch);
	int rc = vnfha__ckpt_write_atomic(store->dirfd, "epoch", buf, (size_t)n, true);

	if (rc == 0) {
		store->epoch = epoch;
	}
	return rc;
}
