// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: a checkpoint's log as loading reads it (vnfha__ckpt_log_replay,
 * ckpt_log.c): any bytes as DIR/obj/log over a stored 4-block object on
 * tmpfs. Whatever is redone stays inside the object (ASan) and never goes
 * back in version; the records are fixed up (length, hash) half of the
 * time so mutations reach the PATCH decoder and the redo. */
#include <assert.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "ckpt/ckpt_fp.h"
#include "ckpt/ckpt_store_internal.h"
#include "ckpt/ckpt_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BS 4096u
#define SIZE (4 * BS - 100)

static int objfd = -1;
static struct vnfha__ckpt_meta base;
static uint64_t fps[4];
static uint8_t zero[SIZE];

static char dir[] = "/dev/shm/vnfha-fuzz-log-XXXXXX";

/* The run ends (libFuzzer exits): its directory goes with it. */
static void remove_dir(void)
{
	unlinkat(objfd, "data.1", 0);
	unlinkat(objfd, "log", 0);
	rmdir(dir);
}

static void setup(void)
{
	int fd;

	assert(mkdtemp(dir) != NULL);
	atexit(remove_dir);
	objfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert(objfd >= 0);
	snprintf(base.name, sizeof(base.name), "obj");
	base.epoch = 1;
	base.gen = 1;
	base.size = SIZE;
	base.block_size = BS;
	base.nblocks = 4;
	base.data_id = 1;
	for (uint32_t i = 0; i < 4; i++) {
		fps[i] = vnfha__ckpt_fp_block(zero + i * BS, i == 3 ? SIZE - 3 * BS : BS);
	}
	fd = openat(objfd, "data.1", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert(fd >= 0 && vnfha__ckpt_write_all(fd, zero, SIZE) == 0);
	close(fd);
}

/* Each record's length and hash made right, as far as they go. */
static void fix_records(uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= 16) {
		uint32_t body = (uint32_t)buf[off + 4] | (uint32_t)buf[off + 5] << 8 |
				(uint32_t)buf[off + 6] << 16 | (uint32_t)buf[off + 7] << 24;
		uint64_t h;

		if (body > len - off - 16) {
			body = (uint32_t)(len - off - 16);
		}
		buf[off] = 'V';
		buf[off + 1] = 'N';
		buf[off + 2] = 'P';
		buf[off + 3] = 'R';
		for (int i = 0; i < 4; i++) {
			buf[off + 4 + i] = (uint8_t)(body >> (8 * i));
		}
		h = XXH3_64bits(buf + off, 8 + (size_t)body);
		for (int i = 0; i < 8; i++) {
			buf[off + 8 + body + i] = (uint8_t)(h >> (8 * i));
		}
		off += 16 + (size_t)body;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnfha__ckpt_meta m = base;
	uint64_t mfps[4];
	uint8_t *log;
	uint8_t got[SIZE];
	uint32_t n = 0;
	int fd;

	if (objfd < 0) {
		setup();
	}
	if (size < 1) {
		return 0;
	}
	log = malloc(size);
	memcpy(log, data + 1, size - 1);
	if (data[0] & 1) {
		fix_records(log, size - 1);
	}
	fd = openat(objfd, "log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert(fd >= 0 && vnfha__ckpt_write_all(fd, log, size - 1) == 0);
	close(fd);
	fd = openat(objfd, "data.1", O_RDWR | O_CLOEXEC);
	assert(fd >= 0 && vnfha__ckpt_pwrite_all(fd, zero, SIZE, 0) == 0);
	memcpy(mfps, fps, sizeof(fps));
	m.fps = mfps;
	if (vnfha__ckpt_log_replay(objfd, &m, &n) == 0) {
		/* Never back in version; what was redone is what meta now says. */
		assert(vnfha__ckpt_version_cmp(m.epoch, m.gen, base.epoch, base.gen) >= 0);
		assert(n > 0 || (m.epoch == base.epoch && m.gen == base.gen));
		assert(vnfha__ckpt_pread_all(fd, got, SIZE, 0) == 0); /* still whole */
	}
	close(fd);
	free(log);
	return 0;
}
