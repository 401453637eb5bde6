// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a store: each object's meta is loaded, a pending journal redone,
 * leftovers swept and every block verified; a damaged object is moved
 * aside (ckpt_store.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"

/* Reads the data file and checks every block against meta. */
static int verify_data(int objfd, const struct vnfha__ckpt_meta *m)
{
	char dname[32];
	uint8_t *buf = malloc(m->block_size);
	struct stat st;
	int fd;
	int rc = 0;

	if (buf == NULL) {
		return -ENOMEM;
	}
	vnfha__ckpt_data_name(dname, sizeof(dname), m->data_id);
	fd = openat(objfd, dname, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out_free;
	}
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != m->size) {
		rc = -EBADMSG;
		goto out_close;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (uint32_t i = 0; i < m->nblocks && rc == 0; i++) {
		uint64_t off = (uint64_t)i * m->block_size;
		uint32_t n = m->size - off < m->block_size ? (uint32_t)(m->size - off) : m->block_size;

		rc = vnfha__ckpt_pread_all(fd, buf, n, (off_t)off);
		if (rc == 0 && vnfha__ckpt_fp_block(buf, n) != m->fps[i]) {
			rc = -EBADMSG;
		}
	}
out_close:
	close(fd);
out_free:
	free(buf);
	return rc;
}

/* Removes leftovers: temp files and data files meta does not name. */
static void sweep(int objfd, const struct vnfha__ckpt_meta *m)
{
	int fd = dup(objfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	char keep[32];

	if (d == NULL) {
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	vnfha__ckpt_data_name(keep, sizeof(keep), m->data_id);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		bool tmp = n > 4 && strcmp(de->d_name + n - 4, ".tmp") == 0;
		bool stale = strncmp(de->d_name, "data.", 5) == 0 && strcmp(de->d_name, keep) != 0;

		if (tmp || stale) {
			unlinkat(objfd, de->d_name, 0);
		}
	}
	closedir(d);
}

static int truncate_at(int objfd, const char *name)
{
	int fd = openat(objfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0) {
		return -errno;
	}
	close(fd);
	return 0;
}

static int load_object(int objfd, const char *name, struct vnfha__ckpt_meta **ret_meta,
		       const char **ret_what)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vnfha__ckpt_meta *m = NULL;
	struct vnfha__ckpt_meta *redone = NULL;
	uint32_t n_redone = 0;
	int rc = vnfha__ckpt_read_file(objfd, "meta", VNFHA_CKPT_MAX_PAYLOAD + 64, &buf, &len);

	if (rc == -ENOENT && faccessat(objfd, "journal", F_OK, 0) != 0) {
		*ret_what = "never published";
		return -ENOENT;
	}
	if (rc != 0) {
		*ret_what = "meta file unreadable";
		return rc;
	}
	rc = vnfha__ckpt_meta_decode(buf, len, &m);
	free(buf);
	if (rc != 0 || strcmp(m->name, name) != 0) {
		*ret_what = "meta file damaged";
		vnfha__ckpt_meta_free(m);
		return rc != 0 ? rc : -EBADMSG;
	}
	/* Range versions first (a delta's journal is based on the version
	 * they reach), folded into meta at once. */
	rc = vnfha__ckpt_log_replay(objfd, m, &n_redone);
	if (rc == 0 && n_redone > 0) {
		rc = vnfha__ckpt_write_meta(objfd, m, true);
	}
	if (rc != 0) {
		*ret_what = "log could not be redone";
		vnfha__ckpt_meta_free(m);
		return rc;
	}
	if (faccessat(objfd, "log", F_OK, 0) == 0 && truncate_at(objfd, "log") != 0) {
		*ret_what = "log could not be emptied";
		vnfha__ckpt_meta_free(m);
		return -EIO;
	}
	if (faccessat(objfd, "journal", F_OK, 0) == 0) {
		rc = vnfha__ckpt_journal_apply(objfd, m, true, &redone);
		if (rc == 0 && redone != NULL) {
			rc = vnfha__ckpt_write_meta(objfd, redone, true);
			if (rc == 0) {
				vnfha__ckpt_meta_free(m);
				m = redone;
				redone = NULL;
			}
		}
		vnfha__ckpt_meta_free(redone);
		/* A damaged journal is dropped: the checks below decide. */
		unlinkat(objfd, "journal", 0);
	}
	sweep(objfd, m);
	rc = verify_data(objfd, m);
	if (rc != 0) {
		*ret_what = "data does not match its fingerprints";
		vnfha__ckpt_meta_free(m);
		return rc;
	}
	*ret_meta = m;
	return 0;
}

static void quarantine(int dirfd, const char *name)
{
	char bad[300];

	for (unsigned int i = 0; i < 1000; i++) {
		snprintf(bad, sizeof(bad), ".bad.%s.%u", name, i);
		if (renameat2(dirfd, name, dirfd, bad, RENAME_NOREPLACE) == 0 || errno != EEXIST) {
			return;
		}
	}
}

/* A directory whose first version never got published: only temp files. */
static void remove_unpublished(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

static void load_epoch(struct vnfha__ckpt_store *store)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	uint64_t v = 0;

	if (vnfha__ckpt_read_file(store->dirfd, "epoch", 32, &buf, &len) != 0) {
		return;
	}
	for (size_t i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10) {
			v = 0;
			break;
		}
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	free(buf);
	store->epoch = v;
}

struct vnfha__ckpt_store *vnfha__ckpt_store_open(const char *dir,
						 vnfha__ckpt_store_report_fn report, void *ctx)
{
	struct vnfha__ckpt_store *store = calloc(1, sizeof(*store));
	DIR *d = NULL;
	struct dirent *de;
	int err = 0;
	int fd;

	if (store == NULL) {
		return NULL;
	}
	store->dirfd = -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		err = errno;
		goto fail;
	}
	store->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (store->dirfd < 0) {
		err = errno;
		goto fail;
	}
	load_epoch(store);
	fd = dup(store->dirfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		err = errno;
		if (fd >= 0) {
			close(fd);
		}
		goto fail;
	}
	while ((de = readdir(d)) != NULL) {
		struct vnfha__ckpt_meta *m = NULL;
		const char *what = "";
		struct vnfha__ckpt_entry *e = NULL;
		int objfd;
		int rc;

		if (!vnfha__ckpt_name_is_valid(de->d_name)) {
			continue;
		}
		objfd = openat(store->dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (objfd < 0) {
			continue;
		}
		rc = load_object(objfd, de->d_name, &m, &what);
		close(objfd);
		if (rc == 0 && vnfha__ckpt_store_add_entry(store, de->d_name, &e) != 0) {
			/* Not the object's fault: never move a good one aside. */
			vnfha__ckpt_meta_free(m);
			closedir(d);
			err = ENOMEM;
			goto fail;
		}
		if (rc == 0) {
			e->meta = m;
			if (m->epoch > store->epoch) {
				store->epoch = m->epoch;
			}
			continue;
		}
		vnfha__ckpt_meta_free(m);
		if (rc == -ENOENT) {
			remove_unpublished(store->dirfd, de->d_name);
			continue;
		}
		if (report != NULL) {
			report(ctx, de->d_name, rc, what);
		}
		quarantine(store->dirfd, de->d_name);
	}
	closedir(d);
	return store;
fail:
	vnfha__ckpt_store_free(store);
	errno = err;
	return NULL;
}
