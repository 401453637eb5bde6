// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A small libvnfha application for the tests and the benchmark (SOCKET
 * "-" connects without a path: the library's default):
 *   ckpt-api SOCKET NAME write SIZE SEED     region filled with a pattern, commit (sync)
 *   ckpt-api SOCKET NAME dirty SEED BLOCKS   change BLOCKS 64 KiB blocks in place, commit
 *   ckpt-api SOCKET NAME check SEED          open (restores) and verify, restore again, verify
 *   ckpt-api SOCKET NAME bench SIZE COUNT    COUNT sync commits of a SIZE region: p50/p99 us
 *   ckpt-api SOCKET NAME shrink              try to truncate the region's memfd, then commit
 *   ckpt-api SOCKET NAME whole SIZE SEED     put a buffer, get it back, latest, bad input
 *   ckpt-api SOCKET NAME detach              a region outlives its client's disconnect
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
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

static void print_result(const struct vnfha_ckpt_result *r, uint64_t ns)
{
	struct vnfha_ckpt_version v = vnfha_ckpt_result_version(r);
	unsigned int n = vnfha_ckpt_result_n_replicas(r);
	const char *peer;
	enum vnfha_ckpt_state state;

	printf("commit_ms %.3f\n", ns / 1e6);
	printf("version %" PRIu64 " %" PRIu64 "\n", v.epoch, v.gen);
	for (unsigned int i = 0; i < n; i++) {
		if (vnfha_ckpt_result_replica(r, i, &peer, &state) == 0) {
			printf("replica %s %d\n", peer, (int)state);
		}
	}
	/* one past the last: refused, outputs untouched */
	peer = "untouched";
	printf("replica[%u] %d %s\n", n, vnfha_ckpt_result_replica(r, n, &peer, NULL), peer);
	if (vnfha_ckpt_result_message(r)[0] != '\0') {
		printf("message %s\n", vnfha_ckpt_result_message(r));
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

/* A whole buffer stored and read back, latest, and input the library
 * refuses before it talks to the daemon (the connection stays in step). */
static int whole(struct vnfha_ckpt_client *c, const char *name, size_t size, long seed,
		 struct vnfha_ckpt_result *res)
{
	uint8_t *buf = malloc(size > 0 ? size : 1);
	void *back = NULL;
	size_t len = 0;
	struct vnfha_ckpt_version v = { 0, 0 }, latest = { 0, 0 }, any = { 0, 0 };
	int rc;

	if (buf == NULL) {
		return fail("malloc", -ENOMEM);
	}
	for (size_t i = 0; i < size; i++) {
		buf[i] = pattern(i, seed);
	}
	rc = vnfha_ckpt_put(c, name, buf, size, VNFHA_CKPT_ASYNC, 0, res);
	if (rc != 0) {
		free(buf);
		return fail("put", rc);
	}
	print_result(res, 0);
	rc = vnfha_ckpt_get(c, name, &back, &len, &v);
	if (rc == 0 && (len != size || (size > 0 && memcmp(back, buf, size) != 0))) {
		fprintf(stderr, "ckpt-api: get returned other bytes (%zu of %zu)\n", len, size);
		rc = -EBADMSG;
	}
	free(back);
	free(buf);
	if (rc != 0) {
		return fail("get", rc);
	}
	printf("get %zu bytes version %" PRIu64 " %" PRIu64 "\n", len, v.epoch, v.gen);
	rc = vnfha_ckpt_latest(c, name, &latest);
	if (rc == 0) {
		rc = vnfha_ckpt_latest(c, NULL, &any);
	}
	if (rc != 0) {
		return fail("latest", rc);
	}
	printf("latest %" PRIu64 " %" PRIu64 " any %" PRIu64 " %" PRIu64 "\n", latest.epoch,
	       latest.gen, any.epoch, any.gen);
	/* refused here, before anything is sent: */
	printf("put bad name %d\n", vnfha_ckpt_put(c, ".hidden", "x", 1, VNFHA_CKPT_ASYNC, 0, NULL));
	printf("put bad mode %d\n", vnfha_ckpt_put(c, name, "x", 1, (enum vnfha_ckpt_mode)7, 0,
						    NULL));
	printf("put NULL buf %d\n", vnfha_ckpt_put(c, name, NULL, 1, VNFHA_CKPT_ASYNC, 0, NULL));
	printf("open empty name %d\n", vnfha_ckpt_open(c, "", 4096, NULL));
	printf("latest bad name %d\n", vnfha_ckpt_latest(c, "a/b", &v));
	/* answered by the daemon: */
	printf("get missing %d\n", vnfha_ckpt_get(c, "no-such-ckpt", &back, NULL, NULL));
	printf("latest missing %d\n", vnfha_ckpt_latest(c, "no-such-ckpt", &v));
	/* and the connection is still in step */
	rc = vnfha_ckpt_latest(c, name, &v);
	printf("latest again %d %" PRIu64 " %" PRIu64 "\n", rc, v.epoch, v.gen);
	return rc == 0 ? 0 : 1;
}

/* vnfha_ckpt_disconnect() leaves the region mapped; commit and restore
 * then say -ENOTCONN; vnfha_ckpt_close() frees it. */
static int detach(struct vnfha_ckpt_client *c, const char *name)
{
	struct vnfha_ckpt_region *r = NULL;
	uint8_t *p;
	int rc = vnfha_ckpt_open(c, name, 4096, &r);

	if (rc != 0) {
		return fail("open", rc);
	}
	p = vnfha_ckpt_region_data(r);
	p[0] = 0x5a;
	rc = vnfha_ckpt_commit(r, VNFHA_CKPT_ASYNC, 0, NULL);
	if (rc != 0) {
		return fail("commit", rc);
	}
	vnfha_ckpt_disconnect(c);
	p[1] = 0xa5; /* still mapped and writable */
	printf("after disconnect: data %s size %zu byte0 %#x commit %d restore %d\n",
	       vnfha_ckpt_region_data(r) == p ? "same" : "moved", vnfha_ckpt_region_size(r), p[0],
	       vnfha_ckpt_commit(r, VNFHA_CKPT_ASYNC, 0, NULL), vnfha_ckpt_restore(r));
	vnfha_ckpt_close(r);
	/* NULL handles: documented, not a crash */
	printf("NULL: commit %d restore %d data %p size %zu n_replicas %u message '%s'\n",
	       vnfha_ckpt_commit(NULL, VNFHA_CKPT_ASYNC, 0, NULL), vnfha_ckpt_restore(NULL),
	       vnfha_ckpt_region_data(NULL), vnfha_ckpt_region_size(NULL),
	       vnfha_ckpt_result_n_replicas(NULL), vnfha_ckpt_result_message(NULL));
	vnfha_ckpt_close(NULL);
	vnfha_ckpt_disconnect(NULL);
	vnfha_ckpt_result_free(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_region *r = NULL;
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
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
	if (res == NULL) {
		return fail("result", -ENOMEM);
	}
	/* "-": no path, so the library's default applies ($VNFHA_CKPT_SOCKET,
	 * else VNFHA_CKPT_SOCKET_DEFAULT) */
	rc = vnfha_ckpt_connect(strcmp(argv[1], "-") == 0 ? NULL : argv[1], &c);
	if (rc != 0) {
		return fail("connect", rc);
	}
	if (strcmp(cmd, "whole") == 0 && argc == 6) {
		rc = whole(c, argv[2], (size_t)num(argv[4]), num(argv[5]), res);
		vnfha_ckpt_result_free(res);
		vnfha_ckpt_disconnect(c);
		return rc;
	}
	if (strcmp(cmd, "detach") == 0 && argc == 4) {
		vnfha_ckpt_result_free(res);
		return detach(c, argv[2]); /* disconnects c */
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
		t0 = vnfha__now_ns();
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 60000, res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(res, vnfha__now_ns() - t0);
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
		t0 = vnfha__now_ns();
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 60000, res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(res, vnfha__now_ns() - t0);
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
		rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 10000, res);
		if (rc != 0) {
			return fail("commit", rc);
		}
		print_result(res, 0);
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
			t0 = vnfha__now_ns();
			rc = vnfha_ckpt_commit(r, VNFHA_CKPT_SYNC, 10000, res);
			lat[i] = vnfha__now_ns() - t0;
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
	vnfha_ckpt_result_free(res);
	return 0;
}
