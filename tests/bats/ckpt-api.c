// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A small libvnfha application for the tests and the benchmark:
 *   ckpt-api SOCKET NAME write SIZE SEED     region filled with a pattern, commit (sync)
 *   ckpt-api SOCKET NAME dirty SEED BLOCKS   change BLOCKS 64 KiB blocks in place, commit
 *   ckpt-api SOCKET NAME check SEED          open (restores) and verify, restore again, verify
 *   ckpt-api SOCKET NAME bench SIZE COUNT    COUNT sync commits of a SIZE region: p50/p99 us
 *   ckpt-api SOCKET NAME shrink              try to truncate the region's memfd, then commit
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/parse.h"
#include <vnfha/vnfha.h>

static uint8_t pattern(size_t i, long seed)
{
	return (uint8_t)(i * (size_t)seed + (i >> 8) + (size_t)seed);
}

static long num(const char *s)
{
	long v = 0;

	if (vnfha__parse_long(s, 0, 1L << 40, &v) != 0) {
		fprintf(stderr, "ckpt-api: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "ckpt-api: %s: %s\n", what, vnfha_lib_strerror(rc));
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void print_result(const struct vnfha_ckpt_result *r, uint64_t ns)
{
	printf("commit_ms %.3f\n", ns / 1e6);
	printf("version %" PRIu64 " %" PRIu64 "\n", r->version.epoch, r->version.gen);
	for (unsigned int i = 0; i < r->n_replicas; i++) {
		printf("replica %s %d\n", r->replicas[i].peer, (int)r->replicas[i].state);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}


/* What a careless application could do: truncate the region's memfd
 * (reopened through /proc/self/map_files, root only). Prints what
 * ftruncate said. */
static void shrink(const char *name)
{
	char want[128];
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(want, sizeof(want), "/memfd:%s (deleted)\n", name);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		size_t w = strlen(want);
		char path[300];
		int fd;

		if (n < w || strcmp(line + n - w, want) != 0) {
			continue;
		}
		*strchr(line, ' ') = '\0'; /* the address range */
		snprintf(path, sizeof(path), "/proc/self/map_files/%s", line);
		fd = open(path, O_RDWR);
		printf("ftruncate %s\n",
		       fd >= 0 && ftruncate(fd, 0) == 0 ? "succeeded" : strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		break;
	}
	if (f != NULL) {
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_region *r = NULL;
	struct vnfha_ckpt_result res;
	const char *cmd;
	uint8_t *p;
	size_t size;
	uint64_t t0;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: ckpt-api SOCKET NAME write|dirty|check|bench|shrink ARGS...\n");
		return 2;
	}
	cmd = argv[3];
	rc = vnfha_ckpt_connect(argv[1], &c);
	if (rc != 0) {
		return fail("connect", rc);
	}
	if (strcmp(cmd, "write") == 0 && argc == 6) {
		long seed = num(argv[5]);

		rc = vnfha_ckpt_open(c, argv[2], (size_t)num(argv[4]), &r);
		if (rc != 0) {
			return fail("open", rc);
		}
		p = vnfha_ckpt_region_data(r);
		size = vnfha_ckpt_region_size(r);
		for (size_t i = 0; i < size; i++) {
			p[i] = pattern(i, seed);
		}
		t0 = now_ns();
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 60000, &res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(&res, now_ns() - t0);
	} else if (strcmp(cmd, "dirty") == 0 && argc == 6) {
		long seed = num(argv[4]);
		long blocks = num(argv[5]);

		rc = vnfha_ckpt_open(c, argv[2], 0, &r);
		if (rc != 0) {
			return fail("open", rc);
		}
		p = vnfha_ckpt_region_data(r);
		size = vnfha_ckpt_region_size(r);
		for (long b = 0; b < blocks; b++) {
			size_t off = ((size_t)b * 7919 * 65536) % size;

			p[off] ^= (uint8_t)(seed | 1);
		}
		t0 = now_ns();
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 60000, &res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(&res, now_ns() - t0);
	} else if (strcmp(cmd, "check") == 0 && argc == 5) {
		long seed = num(argv[4]);
		struct vnfha_ckpt_version v;

		rc = vnfha_ckpt_open(c, argv[2], 0, &r);
		if (rc != 0) {
			return fail("open", rc);
		}
		p = vnfha_ckpt_region_data(r);
		size = vnfha_ckpt_region_size(r);
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < size; i++) {
				if (p[i] != pattern(i, seed)) {
					fprintf(stderr, "ckpt-api: byte %zu differs (pass %d)\n", i, pass);
					return 1;
				}
			}
			memset(p, 0, size);
			rc = vnfha_ckpt_restore(r);
			if (rc != 0) {
				return fail("restore", rc);
			}
		}
		v = vnfha_ckpt_region_version(r);
		printf("ok %zu bytes version %" PRIu64 " %" PRIu64 "\n", size, v.epoch, v.gen);
	} else if (strcmp(cmd, "shrink") == 0 && argc == 4) {
		rc = vnfha_ckpt_open(c, argv[2], 0, &r);
		if (rc != 0) {
			return fail("open", rc);
		}
		shrink(argv[2]);
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 10000, &res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(&res, 0);
	} else if (strcmp(cmd, "bench") == 0 && argc == 6) {
		long count = num(argv[5]);
		uint64_t *lat = calloc((size_t)count + 1, sizeof(*lat));

		rc = vnfha_ckpt_open(c, argv[2], (size_t)num(argv[4]), &r);
		if (rc != 0 || lat == NULL) {
			return fail("open", rc != 0 ? rc : -ENOMEM);
		}
		p = vnfha_ckpt_region_data(r);
		for (long i = 0; i < count; i++) {
			memcpy(p, &i, sizeof(i));
			t0 = now_ns();
			rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 10000, &res);
			lat[i] = now_ns() - t0;
			if (rc != 0) {
				return fail("commit", rc);
			}
		}
		qsort(lat, (size_t)count, sizeof(*lat), cmp_u64);
		printf("commits %ld p50_us %.1f p99_us %.1f max_us %.1f\n", count,
		       lat[count / 2] / 1000.0, lat[count * 99 / 100] / 1000.0,
		       lat[count - 1] / 1000.0);
		free(lat);
	} else {
		fprintf(stderr, "ckpt-api: bad command\n");
		return 2;
	}
	vnfha_ckpt_close(r);
	vnfha_ckpt_disconnect(c);
	return 0;
}
