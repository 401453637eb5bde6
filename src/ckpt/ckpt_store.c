// SPDX-License-Identifier: LGPL-2.1-or-later
/* The checkpoint store; the layout and the publish protocol are in ckpt_store.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store.h"
#include "ckpt/ckpt_store_internal.h"

#define META_MAGIC 0x3154454d4b434e56ull	/* "VNCKMET1" */
#define JOURNAL_MAGIC 0x314e524a4b434e56ull /* "VNCKJRN1" */
#define JOURNAL_END 0x444e454a4b434e56ull   /* "VNCKJEND" */
#define SMALL_BLOCKS 16

struct entry {
	struct vnfha__ckpt_meta *meta;
	bool busy;
	char name[VNFHA_CKPT_NAME_MAX + 1];
};

struct vnfha__ckpt_store {
	int dirfd;
	uint64_t epoch;
	size_t n;
	size_t cap;
	struct entry *v;
};

struct vnfha__ckpt_update {
	struct vnfha__ckpt_store *store;
	struct entry *entry;
	int objfd;
	int fd;
	bool full;
	bool computed;
	bool copy_base; /* a small delta written as a full copy */
	struct vnfha__ckpt_meta newm;
	uint8_t *got;
	uint32_t nrec;
	uint64_t bytes;
};

void vnfha__ckpt_meta_free(struct vnfha__ckpt_meta *m)
{
	if (m != NULL) {
		free(m->fps);
		free(m);
	}
}

int vnfha__ckpt_meta_check_data(const struct vnfha__ckpt_meta *m, const uint8_t *data)
{
	for (uint32_t i = 0; i < m->nblocks; i++) {
		uint64_t off = (uint64_t)i * m->block_size;
		uint64_t n = m->size - off < m->block_size ? m->size - off : m->block_size;

		if (vnfha__ckpt_fp_block(data + off, (size_t)n) != m->fps[i]) {
			return -EBADMSG;
		}
	}
	return 0;
}

int vnfha__ckpt_meta_dup(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_meta **ret_copy)
{
	struct vnfha__ckpt_meta *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		return -ENOMEM;
	}
	*c = *m;
	c->fps = calloc(m->nblocks > 0 ? m->nblocks : 1, sizeof(*c->fps));
	if (c->fps == NULL) {
		free(c);
		return -ENOMEM;
	}
	if (m->nblocks > 0) {
		memcpy(c->fps, m->fps, (size_t)m->nblocks * sizeof(*c->fps));
	}
	*ret_copy = c;
	return 0;
}

static struct entry *find_entry(const struct vnfha__ckpt_store *store, const char *name)
{
	for (size_t i = 0; i < store->n; i++) {
		if (strcmp(store->v[i].name, name) == 0) {
			return &store->v[i];
		}
	}
	return NULL;
}

/* Entries are never removed, so pointers to them stay valid... until the
 * array grows; callers only hold them between begin and commit, and the
 * array grows only in begin (of another name) - so it is reserved ahead. */
static int add_entry(struct vnfha__ckpt_store *store, const char *name, struct entry **ret)
{
	if (store->n == store->cap) {
		return -ENOSPC;
	}
	memset(&store->v[store->n], 0, sizeof(store->v[0]));
	snprintf(store->v[store->n].name, sizeof(store->v[0].name), "%s", name);
	*ret = &store->v[store->n++];
	return 0;
}

size_t vnfha__ckpt_store_count(const struct vnfha__ckpt_store *store)
{
	return store->n;
}

const struct vnfha__ckpt_meta *vnfha__ckpt_store_at(const struct vnfha__ckpt_store *store,
						    size_t i)
{
	return i < store->n ? store->v[i].meta : NULL;
}

const struct vnfha__ckpt_meta *vnfha__ckpt_store_find(const struct vnfha__ckpt_store *store,
						      const char *name)
{
	const struct entry *e = find_entry(store, name);

	return e != NULL ? e->meta : NULL;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int vnfha__ckpt_pread_all(int fd, void *buf, size_t len, off_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			return -ENODATA;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_fd(int fd)
{
	return fsync(fd) == 0 ? 0 : -errno;
}

static void data_name(char *buf, size_t len, uint64_t id)
{
	snprintf(buf, len, "data.%" PRIu64, id);
}

static void meta_to_obj(const struct vnfha__ckpt_meta *m, struct vnfha__ckpt_obj *o,
			uint8_t *fpbuf)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", m->name);
	o->epoch = m->epoch;
	o->gen = m->gen;
	o->size = m->size;
	o->block_size = m->block_size;
	o->digest = m->digest;
	o->data_id = m->data_id;
	o->n_fps = fpbuf != NULL ? m->nblocks : 0;
	if (fpbuf != NULL) {
		vnfha__ckpt_fp_to_wire(m->fps, m->nblocks, fpbuf);
		o->fps = fpbuf;
	}
}

/* A decoded obj (with fps) into a freshly allocated meta. */
static int obj_to_meta(const struct vnfha__ckpt_obj *o, struct vnfha__ckpt_meta **ret)
{
	struct vnfha__ckpt_meta *m = calloc(1, sizeof(*m));
	uint32_t nblocks = 0;

	if (m == NULL) {
		return -ENOMEM;
	}
	if (vnfha__ckpt_nblocks(o->size, o->block_size, &nblocks) != 0 || o->n_fps != nblocks) {
		free(m);
		return -EBADMSG;
	}
	snprintf(m->name, sizeof(m->name), "%s", o->name);
	m->epoch = o->epoch;
	m->gen = o->gen;
	m->size = o->size;
	m->block_size = o->block_size;
	m->digest = o->digest;
	m->data_id = o->data_id;
	m->nblocks = nblocks;
	m->fps = calloc(nblocks > 0 ? nblocks : 1, sizeof(*m->fps));
	if (m->fps == NULL) {
		free(m);
		return -ENOMEM;
	}
	vnfha__ckpt_fp_from_wire(o->fps, nblocks, m->fps);
	if (vnfha__ckpt_fp_digest(m->fps, nblocks) != m->digest) {
		vnfha__ckpt_meta_free(m);
		return -EBADMSG;
	}
	*ret = m;
	return 0;
}

/* meta file: magic u64, length u32, obj body, XXH3-64 of all before. */
int vnfha__ckpt_meta_encode(const struct vnfha__ckpt_meta *m, uint8_t **ret_buf, size_t *ret_len)
{
	size_t body = vnfha__ckpt_obj_len(m->nblocks);
	size_t len = 8 + 4 + body + 8;
	uint8_t *buf = malloc(len);
	uint8_t *fpbuf = malloc((size_t)m->nblocks * 8 + 1);
	struct vnfha__ckpt_obj o;
	int n;

	if (buf == NULL || fpbuf == NULL) {
		free(buf);
		free(fpbuf);
		return -ENOMEM;
	}
	meta_to_obj(m, &o, fpbuf);
	vnfha__ckpt_put_u64(buf, META_MAGIC);
	n = vnfha__ckpt_obj_encode(&o, buf + 12, body);
	free(fpbuf);
	if (n < 0) {
		free(buf);
		return n;
	}
	for (int i = 0; i < 4; i++) {
		buf[8 + i] = (uint8_t)((uint32_t)n >> (8 * i));
	}
	vnfha__ckpt_put_u64(buf + 12 + n, XXH3_64bits(buf, 12 + (size_t)n));
	*ret_buf = buf;
	*ret_len = 12 + (size_t)n + 8;
	return 0;
}

int vnfha__ckpt_meta_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_meta **ret_meta)
{
	struct vnfha__ckpt_obj o;
	uint32_t body;

	if (len < 20 || vnfha__ckpt_fp_at(buf, 0) != META_MAGIC) {
		return -EBADMSG;
	}
	body = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
	       (uint32_t)buf[11] << 24;
	if (body != len - 20 || vnfha__ckpt_fp_at(buf + 12 + body, 0) !=
					XXH3_64bits(buf, 12 + (size_t)body)) {
		return -EBADMSG;
	}
	/* Strict: a meta carries no frame flags or status (the fuzzer's find). */
	if (vnfha__ckpt_obj_decode(buf + 12, body, &o) != 0 || o.flags != 0 || o.status != 0) {
		return -EBADMSG;
	}
	return obj_to_meta(&o, ret_meta);
}

static int read_file(int dirfd, const char *name, size_t max, uint8_t **ret_buf, size_t *ret_len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	int rc;

	if (fd < 0) {
		return -errno;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out_close;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out_close;
	}
	rc = vnfha__ckpt_pread_all(fd, buf, (size_t)st.st_size, 0);
	if (rc != 0) {
		free(buf);
		goto out_close;
	}
	*ret_buf = buf;
	*ret_len = (size_t)st.st_size;
out_close:
	close(fd);
	return rc;
}

/* Writes name atomically: name.tmp, (fsync), rename, (fsync dir). */
static int write_atomic(int dirfd, const char *name, const void *buf, size_t len, bool durable)
{
	char tmp[VNFHA_CKPT_NAME_MAX + 16];
	int fd;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -errno;
	}
	rc = write_all(fd, buf, len);
	if (rc == 0 && durable) {
		rc = fsync_fd(fd);
	}
	close(fd);
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0) {
		rc = -errno;
	}
	if (rc == 0 && durable) {
		rc = fsync_fd(dirfd);
	}
	if (rc != 0) {
		unlinkat(dirfd, tmp, 0);
	}
	return rc;
}

static int write_meta(int objfd, const struct vnfha__ckpt_meta *m, bool durable)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = vnfha__ckpt_meta_encode(m, &buf, &len);

	if (rc == 0) {
		rc = write_atomic(objfd, "meta", buf, len, durable);
		free(buf);
	}
	return rc;
}

/*
 * Journal: magic u64, body length u32, obj body of the new version, base
 * epoch u64, base gen u64; records (index u64, length u32, bytes); end
 * magic u64, record count u32, XXH3-64 of everything before.
 * Applies a valid journal to data.ID; -EBADMSG when it is not valid.
 */
static int journal_apply(int objfd, const struct vnfha__ckpt_meta *cur, bool durable,
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
	int rc = read_file(objfd, "journal", UINT64_MAX, &buf, &len);

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
	    obj_to_meta(&o, &m) != 0) {
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
	data_name(dname, sizeof(dname), m->data_id);
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
		rc = pwrite_all(dfd, buf + off, blen, (off_t)(idx * m->block_size));
		if (rc != 0) {
			goto out_close;
		}
		off += blen;
	}
	rc = off == len - 20 ? 0 : -EBADMSG;
	if (rc == 0 && durable) {
		rc = fsync_fd(dfd);
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
	data_name(dname, sizeof(dname), m->data_id);
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
	data_name(keep, sizeof(keep), m->data_id);
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

static int load_object(int objfd, const char *name, struct vnfha__ckpt_meta **ret_meta,
		       const char **ret_what)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct vnfha__ckpt_meta *m = NULL;
	struct vnfha__ckpt_meta *redone = NULL;
	int rc = read_file(objfd, "meta", VNFHA_CKPT_MAX_PAYLOAD + 64, &buf, &len);

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
	if (faccessat(objfd, "journal", F_OK, 0) == 0) {
		rc = journal_apply(objfd, m, true, &redone);
		if (rc == 0 && redone != NULL) {
			rc = write_meta(objfd, redone, true);
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

	if (read_file(store->dirfd, "epoch", 32, &buf, &len) != 0) {
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
	store->cap = 4096;
	store->v = calloc(store->cap, sizeof(*store->v));
	if (store->v == NULL) {
		err = ENOMEM;
		goto fail;
	}
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
		goto fail_dir;
	}
	while ((de = readdir(d)) != NULL) {
		struct vnfha__ckpt_meta *m = NULL;
		const char *what = "";
		struct entry *e = NULL;
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
		if (rc == 0) {
			rc = add_entry(store, de->d_name, &e);
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
fail_dir:
	close(store->dirfd);
fail:
	free(store->v);
	free(store);
	errno = err;
	return NULL;
}

void vnfha__ckpt_store_free(struct vnfha__ckpt_store *store)
{
	if (store == NULL) {
		return;
	}
	for (size_t i = 0; i < store->n; i++) {
		vnfha__ckpt_meta_free(store->v[i].meta);
	}
	free(store->v);
	close(store->dirfd);
	free(store);
}

int vnfha__ckpt_store_open_data(const struct vnfha__ckpt_store *store, const char *name,
				int *ret_fd)
{
	const struct entry *e = find_entry(store, name);
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
	int rc = write_atomic(store->dirfd, "epoch", buf, (size_t)n, true);

	if (rc == 0) {
		store->epoch = epoch;
	}
	return rc;
}

static int begin_files(struct vnfha__ckpt_update *u, const struct vnfha__ckpt_meta *base)
{
	char dname[32];
	uint8_t head[12 + 16];
	uint8_t *mbuf = NULL;
	uint8_t *fpbuf = NULL;
	struct vnfha__ckpt_obj o;
	size_t body;
	int n;
	int rc = 0;

	if (u->full) {
		data_name(dname, sizeof(dname), u->newm.data_id);
		u->fd = openat(u->objfd, dname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (u->fd < 0) {
			return -errno;
		}
		if (ftruncate(u->fd, (off_t)u->newm.size) != 0) {
			return -errno;
		}
		return 0;
	}
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
	meta_to_obj(&u->newm, &o, fpbuf);
	n = vnfha__ckpt_obj_encode(&o, mbuf, body);
	if (n < 0) {
		rc = n;
		goto out;
	}
	vnfha__ckpt_put_u64(head, JOURNAL_MAGIC);
	for (int i = 0; i < 4; i++) {
		head[8 + i] = (uint8_t)((uint32_t)n >> (8 * i));
	}
	rc = write_all(u->fd, head, 12);
	if (rc == 0) {
		rc = write_all(u->fd, mbuf, (size_t)n);
	}
	vnfha__ckpt_put_u64(head, base->epoch);
	vnfha__ckpt_put_u64(head + 8, base->gen);
	if (rc == 0) {
		rc = write_all(u->fd, head, 16);
	}
out:
	free(mbuf);
	free(fpbuf);
	return rc;
}

int vnfha__ckpt_update_begin(struct vnfha__ckpt_store *store, const char *name, uint64_t epoch,
			     uint64_t gen, uint64_t size, uint32_t block_size,
			     const uint64_t *expect_fps, bool full,
			     struct vnfha__ckpt_update **ret_upd)
{
	struct vnfha__ckpt_update *u = NULL;
	struct entry *e = find_entry(store, name);
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
		rc = add_entry(store, name, &e);
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
	uint8_t rec[12];
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
		rc = pwrite_all(u->fd, data, len, (off_t)off);
		u->bytes += rc == 0 ? len : 0;
		return rc;
	}
	if (base->fps[index] == fp) {
		return 0; /* unchanged: nothing to journal */
	}
	vnfha__ckpt_put_u64(rec, index);
	for (int i = 0; i < 4; i++) {
		rec[8 + i] = (uint8_t)(len >> (8 * i));
	}
	rc = write_all(u->fd, rec, sizeof(rec));
	if (rc == 0) {
		rc = write_all(u->fd, data, len);
	}
	if (rc != 0) {
		return rc;
	}
	u->nrec++;
	u->bytes += len;
	return 0;
}

uint64_t vnfha__ckpt_update_bytes(const struct vnfha__ckpt_update *u)
{
	return u->bytes;
}

static bool update_is_complete(const struct vnfha__ckpt_update *u)
{
	const struct vnfha__ckpt_meta *base = u->entry->meta;

	for (uint32_t i = 0; i < u->newm.nblocks; i++) {
		bool needed = (u->full && !u->copy_base) || u->computed ||
			      base->fps[i] != u->newm.fps[i];

		if (needed && !u->got[i]) {
			return false;
		}
	}
	return true;
}

/* Seals journal.tmp: rewrites the header with the final meta (computed
 * fingerprints are known only now; the header length is fixed by nblocks),
 * appends the trailer with XXH3 of the whole file before it. */
static int journal_seal(struct vnfha__ckpt_update *u, bool durable)
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
	meta_to_obj(&u->newm, &o, fpbuf);
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
	rc = pwrite_all(u->fd, head, head_len, 0);
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
	rc = pwrite_all(u->fd, tail, sizeof(tail), end);
	if (rc == 0 && durable) {
		rc = fsync_fd(u->fd);
	}
out:
	free(head);
	free(fpbuf);
	free(chunk);
	return rc;
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
	data_name(dname, sizeof(dname), base->data_id);
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
			rc = pwrite_all(u->fd, buf, n, (off_t)off);
		}
	}
	close(fd);
	free(buf);
	return rc;
}

int vnfha__ckpt_update_commit(struct vnfha__ckpt_update *u, bool durable)
{
	struct entry *e = u->entry;
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
			rc = fsync_fd(u->fd);
			if (rc != 0) {
				goto fail;
			}
		}
		rc = write_meta(u->objfd, newm, durable);
		if (rc != 0) {
			goto fail;
		}
		if (e->meta != NULL) {
			data_name(old, sizeof(old), e->meta->data_id);
			unlinkat(u->objfd, old, 0);
		}
	} else {
		rc = journal_seal(u, durable);
		if (rc == 0 && renameat(u->objfd, "journal.tmp", u->objfd, "journal") != 0) {
			rc = -errno;
		}
		if (rc == 0 && durable) {
			rc = fsync_fd(u->objfd);
		}
		if (rc != 0) {
			goto fail;
		}
		/* Published: from here a failure is redone at the next load. */
		rc = journal_apply(u->objfd, e->meta, durable, &applied);
		if (rc == 0) {
			rc = write_meta(u->objfd, newm, durable);
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
			data_name(dname, sizeof(dname), u->newm.data_id);
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
