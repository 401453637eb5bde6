// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write tracking: known pages written to a MAP_SHARED memfd (the region's
 * real kind) are found exactly, and no write is ever lost while a writer
 * thread races the collects - with uffd-wp where this kernel has it (the
 * probe must agree with what the tracker picked), and with the forced
 * scan fallback. Random parts print their seed; VNFHA_TEST_SEED replays.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ckpt/ckpt_track.h"
#include "unit.h"

static size_t page;

struct region {
	int fd;
	uint8_t *map;
	size_t size;
};

static int region_new(size_t npages, struct region *r)
{
	r->size = npages * page;
	r->fd = memfd_create("test-track", MFD_CLOEXEC);
	if (r->fd < 0 || ftruncate(r->fd, (off_t)r->size) != 0) {
		return -errno;
	}
	r->map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	return r->map == MAP_FAILED ? -errno : 0;
}

static void region_free(struct region *r)
{
	munmap(r->map, r->size);
	close(r->fd);
}

/* Collects and checks the result is exactly the page list want (sorted,
 * -1 terminated, already merged into runs by the caller's expectation). */
static void expect_pages(struct vnfha__ckpt_track *t, const long *want, const char *what)
{
	const struct vnfha_ckpt_range *r = NULL;
	size_t n = 0;
	size_t k = 0;
	int rc = vnfha__ckpt_track_collect(t, &r, &n);

	CHECK_INT(rc, 0);
	if (rc != 0) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].offset % page == 0 && r[i].length % page == 0 && r[i].length > 0);
		for (uint64_t p = r[i].offset / page; p < (r[i].offset + r[i].length) / page; p++) {
			if (want[k] != (long)p) {
				fprintf(stderr, "%s (%s): page %lu reported, expected %ld\n", what,
					vnfha__ckpt_track_kind_name(t), (unsigned long)p, want[k]);
				unit_failures++;
				return;
			}
			k++;
		}
		/* Adjacent runs are merged. */
		CHECK(i == 0 || r[i - 1].offset + r[i - 1].length < r[i].offset);
	}
	if (want[k] != -1) {
		fprintf(stderr, "%s (%s): page %ld not reported\n", what,
			vnfha__ckpt_track_kind_name(t), want[k]);
		unit_failures++;
	}
}

static void test_known_pages(unsigned int flags)
{
	struct region reg;
	struct vnfha__ckpt_track *t = NULL;
	static const long none[] = { -1 };
	static const long first[] = { 0, 5, 6, 63, -1 };
	static const long ten[] = { 10, -1 };
	static const long redirty[] = { 20, 30, 31, -1 };

	CHECK_INT(region_new(64, &reg), 0);
	memset(reg.map, 0x5a, reg.size); /* populated before tracking starts */
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, flags, &t), 0);
	if (t == NULL) {
		return;
	}
	expect_pages(t, none, "nothing written yet");
	reg.map[0] = 1;
	reg.map[5 * page + page - 150] = 2;
	memset(reg.map + 5 * page + page - 100, 3, 300); /* 300 bytes across pages 5 and 6 */
	reg.map[63 * page + page - 1] = 4;		 /* the last byte */
	expect_pages(t, first, "pages 0, 5-6, 63 written");
	expect_pages(t, none, "collected again");
	reg.map[10 * page + 17] ^= 0xff;
	expect_pages(t, ten, "page 10 written after a collect");
	{
		struct vnfha_ckpt_range rr[] = {
			{ .offset = 20 * page + page / 2, .length = 10 }, /* inside page 20 */
			{ .offset = 31 * page - 1, .length = 2 },	  /* straddles 30/31 */
			{ .offset = 64 * page, .length = 5 },		  /* past the end: ignored */
		};

		CHECK_INT(vnfha__ckpt_track_redirty(t, rr, 3), 0);
	}
	expect_pages(t, redirty, "redirtied ranges");
	expect_pages(t, none, "redirtied ranges collected");
	vnfha__ckpt_track_free(t);
	region_free(&reg);
}

/* Every other page of 4096: more runs than one PAGEMAP_SCAN vector holds. */
static void test_many_runs(unsigned int flags)
{
	struct region reg;
	struct vnfha__ckpt_track *t = NULL;
	const struct vnfha_ckpt_range *r = NULL;
	size_t n = 0;

	CHECK_INT(region_new(4096, &reg), 0);
	memset(reg.map, 0, reg.size);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, flags, &t), 0);
	if (t == NULL) {
		return;
	}
	for (size_t p = 0; p < 4096; p += 2) {
		reg.map[p * page + 9] = 1;
	}
	CHECK_INT(vnfha__ckpt_track_collect(t, &r, &n), 0);
	CHECK_INT(n, 2048);
	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].offset == 2 * i * page && r[i].length == page);
	}
	vnfha__ckpt_track_free(t);
	region_free(&reg);
}

struct writer {
	uint8_t *map;
	size_t npages;
	unsigned int seed;
	atomic_bool stop;
	atomic_ulong writes;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	unsigned int s = w->seed;

	while (!atomic_load(&w->stop)) {
		size_t p = (size_t)rand_r(&s) % w->npages;
		size_t off = (size_t)rand_r(&s) % page;

		w->map[p * page + off] = (uint8_t)rand_r(&s);
		atomic_fetch_add(&w->writes, 1);
	}
	return NULL;
}

/*
 * A writer thread never stops while collects run; each collect copies the
 * reported pages to a shadow (what a commit would send). After the writer
 * stops and one last collect, the shadow must equal the region: nothing
 * written was ever missed.
 */
static void test_racing_writer(unsigned int flags, unsigned int seed)
{
	struct region reg;
	struct vnfha__ckpt_track *t = NULL;
	struct writer w = { 0 };
	pthread_t th;
	uint8_t *shadow;
	unsigned long collects = 0;

	CHECK_INT(region_new(256, &reg), 0);
	memset(reg.map, 0, reg.size);
	shadow = calloc(1, reg.size);
	CHECK(shadow != NULL);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, flags, &t), 0);
	if (t == NULL || shadow == NULL) {
		return;
	}
	w.map = reg.map;
	w.npages = 256;
	w.seed = seed;
	CHECK_INT(pthread_create(&th, NULL, writer_main, &w), 0);
	/* Collect while the writer runs (at least 1000 collects and 200,000
	 * writes, however the two CPUs are shared), then 10 more after it stops. */
	for (int after = -1; after < 10;) {
		const struct vnfha_ckpt_range *r = NULL;
		size_t n = 0;

		CHECK_INT(vnfha__ckpt_track_collect(t, &r, &n), 0);
		for (size_t i = 0; i < n; i++) {
			memcpy(shadow + r[i].offset, reg.map + r[i].offset, r[i].length);
		}
		collects++;
		if (after >= 0) {
			after++;
		} else if (collects >= 1000 && atomic_load(&w.writes) >= 200000) {
			atomic_store(&w.stop, true);
			pthread_join(th, NULL);
			after = 0;
		}
	}
	CHECK(memcmp(shadow, reg.map, reg.size) == 0);
	printf("racing writer (%s): %lu writes, %lu collects, shadow %s\n",
	       vnfha__ckpt_track_kind_name(t), atomic_load(&w.writes), collects,
	       memcmp(shadow, reg.map, reg.size) == 0 ? "identical" : "DIFFERS");
	vnfha__ckpt_track_free(t);
	free(shadow);
	region_free(&reg);
}

static void test_bad_args(void)
{
	struct vnfha__ckpt_track *t = NULL;
	uint8_t *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			  0);

	CHECK_INT(vnfha__ckpt_track_new(p + 1, page, 0, &t), -EINVAL);
	CHECK_INT(vnfha__ckpt_track_new(p, page + 1, 0, &t), -EINVAL);
	CHECK_INT(vnfha__ckpt_track_new(p, 0, 0, &t), -EINVAL);
	CHECK(t == NULL);
	vnfha__ckpt_track_free(NULL);
	munmap(p, 2 * page);
}

static bool kernel_has_uffd_wp_async(void)
{
	struct utsname u;
	unsigned long major = 0;
	unsigned long minor = 0;
	char *end = NULL;
	const char *env = getenv("VNFHA_TEST_EXPECT_UFFD");

	if (env != NULL) {
		return strcmp(env, "0") != 0;
	}
	if (uname(&u) != 0) {
		return false;
	}
	major = strtoul(u.release, &end, 10);
	if (end != NULL && *end == '.') {
		minor = strtoul(end + 1, NULL, 10);
	}
	return major > 6 || (major == 6 && minor >= 7);
}

int main(void)
{
	char why[200];
	const char *env = getenv("VNFHA_TEST_SEED");
	unsigned int seed = env != NULL ? (unsigned int)strtoul(env, NULL, 10)
					: (unsigned int)getpid();
	int probe = vnfha__ckpt_track_probe(why, sizeof(why));
	struct vnfha__ckpt_track *t = NULL;
	uint8_t *m;

	page = (size_t)sysconf(_SC_PAGESIZE);
	printf("seed %u (replay with VNFHA_TEST_SEED=%u)\n", seed, seed);
	printf("uffd-wp probe: %s\n", probe == 0 ? "works" : why);
	/* The default picks uffd-wp exactly when the probe says it works, and
	 * says why not otherwise. */
	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK_INT(vnfha__ckpt_track_new(m, page, 0, &t), 0);
	if (t != NULL) {
		CHECK_INT(vnfha__ckpt_track_kind(t),
			  probe == 0 ? VNFHA_CKPT_TRACK_UFFD_WP : VNFHA_CKPT_TRACK_SCAN);
		CHECK((probe == 0) == (vnfha__ckpt_track_why(t)[0] == '\0'));
		vnfha__ckpt_track_free(t);
	}
	munmap(m, page);
	/* On Linux >= 6.7 (uffd-wp async and PAGEMAP_SCAN merged) a failing
	 * probe is a failure, not a fallback; VNFHA_TEST_EXPECT_UFFD=0 for a
	 * kernel built without userfaultfd. */
	if (kernel_has_uffd_wp_async() && probe != 0) {
		fprintf(stderr, "uffd-wp expected on this kernel: %s\n", why);
		unit_failures++;
	}
	for (int forced = 0; forced < 2; forced++) {
		unsigned int flags = forced ? VNFHA_CKPT_TRACK_F_FORCE_SCAN : 0;

		test_known_pages(flags);
		test_many_runs(flags);
		test_racing_writer(flags, seed);
	}
	test_bad_args();
	return UNIT_DONE();
}
