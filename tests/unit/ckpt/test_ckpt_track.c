// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write tracking: known pages written to a MAP_SHARED memfd (the region's
 * real kind) are found exactly, and no write is ever lost while a writer
 * thread races the collects - with uffd-wp where this kernel has it (the
 * probe must agree with what the tracker picked), with write-protect
 * faults (uffd-fault) and with the forced scan fallback; and what
 * uffd-fault asks of the process: another SIGBUS still reaches the handler
 * installed before, a kernel write into a tracked page fails with EFAULT.
 * Random parts print their seed; VNFHA_TEST_SEED replays.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ckpt/ckpt_fault.h"
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
	unsigned int id;
	size_t npages;
	unsigned int seed;
	atomic_bool stop;
	atomic_ulong writes;
};

/* More writers than this machine's CPUs: a writer is often preempted
 * between a fault's handling and the write's retry. */
#define WRITERS 4

static unsigned long writes(struct writer *w)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < WRITERS; i++) {
		n += atomic_load(&w[i].writes);
	}
	return n;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	unsigned int s = w->seed + w->id;

	while (!atomic_load(&w->stop)) {
		size_t p = (size_t)rand_r(&s) % w->npages;
		size_t off = (size_t)rand_r(&s) % page;

		w->map[p * page + off] = (uint8_t)rand_r(&s);
		atomic_fetch_add(&w->writes, 1);
	}
	return NULL;
}

/*
 * Four writer threads never stop while collects run; each collect copies
 * the reported pages to a shadow (what a commit would send). After the
 * writers stop and one last collect, the shadow must equal the region:
 * nothing written was ever missed (and, with faults, no write of ours was
 * taken for a foreign SIGBUS: that ends the test with a bus error).
 */
static void test_racing_writer(unsigned int flags, unsigned int seed, size_t npages, bool paced)
{
	struct region reg;
	struct vnfha__ckpt_track *t = NULL;
	struct writer w[WRITERS] = { { 0 } };
	pthread_t th[WRITERS];
	uint8_t *shadow;
	unsigned long collects = 0;

	CHECK_INT(region_new(npages, &reg), 0);
	memset(reg.map, 0, reg.size);
	shadow = calloc(1, reg.size);
	CHECK(shadow != NULL);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, flags, &t), 0);
	if (t == NULL || shadow == NULL) {
		return;
	}
	for (unsigned int i = 0; i < WRITERS; i++) {
		w[i].map = reg.map;
		w[i].npages = npages;
		w[i].seed = seed;
		w[i].id = i;
		CHECK_INT(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
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
		if (paced) {
			usleep(20); /* the generation stays put between collects */
		}
		if (after >= 0) {
			after++;
		} else if (collects >= 1000 && writes(w) >= 200000) {
			for (unsigned int i = 0; i < WRITERS; i++) {
				atomic_store(&w[i].stop, true);
				pthread_join(th[i], NULL);
			}
			after = 0;
		}
	}
	CHECK(memcmp(shadow, reg.map, reg.size) == 0);
	printf("racing writers (%s, %zu pages): %lu writes, %lu collects, shadow %s\n",
	       vnfha__ckpt_track_kind_name(t), npages, writes(w), collects,
	       memcmp(shadow, reg.map, reg.size) == 0 ? "identical" : "DIFFERS");
	vnfha__ckpt_track_free(t);
	free(shadow);
	region_free(&reg);
}

static sigjmp_buf app_jmp;
static volatile sig_atomic_t app_sigbus;

/* The application's own SIGBUS handler, installed before any tracker. */
static void app_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	app_sigbus++;
	if (si->si_code > 0) {
		siglongjmp(app_jmp, 1); /* a real fault: leave the access */
	}
}

/*
 * What uffd-fault asks of the process and gives back: a SIGBUS that is not
 * a write to a tracked page (kill(2)'s, a fault past a memfd's end) still
 * reaches the handler the application had installed; a write by the kernel
 * into a tracked page fails with EFAULT (documented); once the tracker is
 * freed, writes no longer fault. The first uffd-fault tracker of the
 * process: libvnfha's handler stays, passing on to the application's.
 */
static void test_fault_contract(void)
{
	struct sigaction sa = { .sa_sigaction = app_on_sigbus, .sa_flags = SA_SIGINFO };
	struct vnfha__ckpt_track *t = NULL;
	struct region reg;
	int pipefd[2];
	uint8_t *past;

	sigemptyset(&sa.sa_mask);
	CHECK_INT(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_INT(region_new(4, &reg), 0);
	memset(reg.map, 0, reg.size);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, VNFHA_CKPT_TRACK_F_FAULTS, &t), 0);
	if (t == NULL || vnfha__ckpt_track_kind(t) != VNFHA_CKPT_TRACK_UFFD_FAULT) {
		fprintf(stderr, "uffd-fault not in use: %s\n", t != NULL ? vnfha__ckpt_track_why(t) : "");
		unit_failures++;
		vnfha__ckpt_track_free(t);
		region_free(&reg);
		return;
	}
	/* kill(2)'s SIGBUS */
	raise(SIGBUS);
	CHECK_INT(app_sigbus, 1);
	/* A real fault outside the region: page 2 of a one-page memfd. */
	past = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, reg.fd, 0);
	CHECK(past != MAP_FAILED);
	CHECK_INT(ftruncate(reg.fd, (off_t)page), 0);
	if (sigsetjmp(app_jmp, 1) == 0) {
		past[page + 1] = 1;
	}
	CHECK_INT(app_sigbus, 2);
	munmap(past, 2 * page);
	/* A real fault inside the region (its memory cut short under it): the
	 * handler lifts the protection once, sees the same fault again and
	 * passes it on instead of looping. */
	if (sigsetjmp(app_jmp, 1) == 0) {
		reg.map[2 * page + 5] = 1;
	}
	CHECK_INT(app_sigbus, 3);
	CHECK_INT(ftruncate(reg.fd, (off_t)reg.size), 0);
	{
		const struct vnfha_ckpt_range *r = NULL;
		size_t n = 0;

		CHECK_INT(vnfha__ckpt_track_collect(t, &r, &n), 0); /* page 2, maybe */
	}
	/* The kernel writing into a protected page: EFAULT, not a SIGBUS. */
	CHECK_INT(pipe(pipefd), 0);
	CHECK_INT(write(pipefd[1], "abc", 3), 3);
	errno = 0;
	CHECK_INT(read(pipefd[0], reg.map + 2 * page, 3), -1);
	CHECK_INT(errno, EFAULT);
	close(pipefd[0]);
	close(pipefd[1]);
	/* A user write is tracked, and the application's handler never saw it. */
	reg.map[3 * page] = 7;
	{
		static const long three[] = { 3, -1 };

		expect_pages(t, three, "contract: one user write");
	}
	CHECK_INT(app_sigbus, 3);
	vnfha__ckpt_track_free(t);
	reg.map[1] = 1; /* not tracked any more: no fault */
	CHECK_INT(app_sigbus, 3);
	region_free(&reg);
}

/* The runs a take passed on, in pages; fail_at: the call that fails (0: none). */
struct runs {
	size_t n;
	uint64_t first[16];
	uint64_t pages[16];
	size_t fail_at;
};

static int add_run(void *ctx, uint64_t off, uint64_t len)
{
	struct runs *r = ctx;

	if (r->fail_at != 0 && r->n + 1 == r->fail_at) {
		return -ENOMEM;
	}
	if (r->n < 16) {
		r->first[r->n] = off / page;
		r->pages[r->n] = len / page;
	}
	r->n++;
	return 0;
}

struct during_take {
	struct region *reg;
	int calls;
	int passed_on;
};

/* Past the first 4096 pages (one summary word): the take reaches its
 * word after page 0's run. */
#define Q 5000

/* The take's callback (a run is passed on when the take finds the next
 * page written, or at its end): page 0's run, passed on when the take
 * reaches page 100, writes page Q (still protected: its fault is handled
 * while the take runs, before the take reaches Q's word); page Q's run,
 * which the take has just protected again, writes it once more from the
 * same thread in the same take. */
static int write_during_take(void *ctx, uint64_t off, uint64_t len)
{
	struct during_take *d = ctx;
	int before = app_sigbus;

	(void)len;
	d->calls++;
	if (off / page != 100 && sigsetjmp(app_jmp, 1) == 0) {
		d->reg->map[Q * page] = (uint8_t)(off / page == 0 ? 1 : 2);
	}
	d->passed_on += app_sigbus - before;
	return 0;
}

/*
 * A thread that writes a page twice while one take runs, the take
 * protecting it again in between, faults twice on it: both are tracked
 * writes, not a fault to pass on (the application's handler, the one
 * libvnfha's passes on to since test_fault_contract, must see none), and
 * the page is reported again by the next take.
 */
static void test_fault_during_take(void)
{
	struct vnfha__ckpt_fault *f = NULL;
	struct during_take d = { 0 };
	struct region reg;
	char why[200];
	static const long q[] = { Q, -1 };

	CHECK_INT(region_new(2 * Q, &reg), 0);
	memset(reg.map, 0, reg.size);
	CHECK_INT(vnfha__ckpt_fault_new(reg.map, reg.size, page, &f, why, sizeof(why)), 0);
	if (f == NULL) {
		region_free(&reg);
		return;
	}
	d.reg = &reg;
	reg.map[0] = 9;
	reg.map[100 * page] = 9;
	CHECK_INT(vnfha__ckpt_fault_take(f, write_during_take, &d), 0);
	CHECK_INT(d.calls, 3);
	CHECK_INT(d.passed_on, 0);
	CHECK_INT(reg.map[Q * page], 2);
	{
		struct runs got = { 0 };

		CHECK_INT(vnfha__ckpt_fault_take(f, add_run, &got), 0);
		CHECK(got.n == 1 && got.first[0] == Q && got.pages[0] == 1);
	}
	vnfha__ckpt_fault_free(f);
	/* The same through the tracker: page Q comes again. */
	{
		struct vnfha__ckpt_track *t = NULL;

		CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, VNFHA_CKPT_TRACK_F_FAULTS, &t), 0);
		if (t != NULL) {
			reg.map[Q * page] = 3;
			expect_pages(t, q, "during take: page Q written");
			vnfha__ckpt_track_free(t);
		}
	}
	region_free(&reg);
}

/*
 * VNFCs run unprivileged, and the kernel's default keeps userfaultfd from
 * them (vm.unprivileged_userfaultfd=0) unless it handles user-mode faults
 * only: as uid 65534, both uffd ways are picked where the kernel has them
 * and find the page written. Run as root, forked and dropped. A uid change
 * without exec leaves the process not dumpable and /proc/self/pagemap
 * root's: uffd-fault does not need it (checked so); uffd-wp is checked
 * dumpable again, as a process started as that user is.
 */
static void test_unprivileged(bool want_wp)
{
	pid_t pid;
	int status = 0;

	if (geteuid() != 0) {
		return; /* already unprivileged: the other tests are this one */
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static const long two[] = { 2, -1 };
		unsigned int flags[] = { VNFHA_CKPT_TRACK_F_FAULTS, 0 };
		enum vnfha__ckpt_track_kind kinds[] = { VNFHA_CKPT_TRACK_UFFD_FAULT,
							VNFHA_CKPT_TRACK_UFFD_WP };

		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0) {
			_exit(2);
		}
		for (int i = 0; i < (want_wp ? 2 : 1); i++) {
			struct vnfha__ckpt_track *t = NULL;
			struct region reg;

			if (i == 1 && prctl(PR_SET_DUMPABLE, 1) != 0) {
				_exit(3);
			}
			CHECK_INT(region_new(4, &reg), 0);
			CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, flags[i], &t), 0);
			if (t == NULL) {
				_exit(1);
			}
			if (vnfha__ckpt_track_kind(t) != kinds[i]) {
				fprintf(stderr, "unprivileged: %s in use: %s\n",
					vnfha__ckpt_track_kind_name(t), vnfha__ckpt_track_why(t));
				unit_failures++;
			}
			reg.map[2 * page + 1] = 1;
			expect_pages(t, two, "unprivileged");
			printf("unprivileged (uid %u): %s\n", (unsigned int)getuid(),
			       vnfha__ckpt_track_kind_name(t));
			vnfha__ckpt_track_free(t);
			region_free(&reg);
		}
		fflush(stdout);
		_exit(unit_failures == 0 ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A zeroed region of npages tracked by faults; NULL (region freed) on failure. */
static struct vnfha__ckpt_fault *fault_region(size_t npages, struct region *reg)
{
	struct vnfha__ckpt_fault *f = NULL;
	char why[200];

	CHECK_INT(region_new(npages, reg), 0);
	memset(reg->map, 0, reg->size);
	CHECK_INT(vnfha__ckpt_fault_new(reg->map, reg->size, page, &f, why, sizeof(why)), 0);
	if (f == NULL) {
		fprintf(stderr, "uffd-fault: %s\n", why);
		region_free(reg);
	}
	return f;
}

static atomic_int pause_state; /* 1: a handler paused, 2: released */

static void pause_handler(void)
{
	atomic_store(&pause_state, 1);
	while (atomic_load(&pause_state) != 2) {
		/* spin: a signal handler may not sleep on a lock */
	}
}

static void *write_page_3(void *arg)
{
	((volatile uint8_t *)arg)[3 * page] = 1;
	return NULL;
}

static void *release_later(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	atomic_store(&pause_state, 2);
	return NULL;
}

/*
 * A handler paused after lifting page 3's protection, before marking it;
 * meanwhile this thread writes page 3 (no fault: not protected) and takes.
 * Its write came before its take, so the take must report page 3: it waits
 * for the paused handler (released 100 ms later) instead of missing it.
 */
static void test_take_waits_for_handlers(void)
{
	struct runs got = { 0 };
	struct region reg;
	struct vnfha__ckpt_fault *f = fault_region(16, &reg);
	pthread_t writer;
	pthread_t releaser;

	if (f == NULL) {
		return;
	}
	atomic_store(&pause_state, 0);
	vnfha__ckpt_fault_test_pause = pause_handler;
	CHECK_INT(pthread_create(&writer, NULL, write_page_3, reg.map), 0);
	while (atomic_load(&pause_state) != 1) {
		usleep(100);
	}
	reg.map[3 * page + 9] = 2; /* this thread's write, before its take */
	CHECK_INT(pthread_create(&releaser, NULL, release_later, NULL), 0);
	CHECK_INT(vnfha__ckpt_fault_take(f, add_run, &got), 0);
	pthread_join(releaser, NULL);
	pthread_join(writer, NULL);
	vnfha__ckpt_fault_test_pause = NULL;
	CHECK(got.n == 1 && got.first[0] == 3 && got.pages[0] == 1);
	printf("take during a paused handler: %zu run(s), page %lu\n", got.n,
	       got.n > 0 ? (unsigned long)got.first[0] : 0UL);
	vnfha__ckpt_fault_free(f);
	region_free(&reg);
}

/* A take whose callback fails on its second run: that run and the rest
 * stay marked and the next take reports them (the first was passed on). */
static void test_take_add_fails(void)
{
	struct runs got = { .fail_at = 2 };
	struct runs again = { 0 };
	struct region reg;
	struct vnfha__ckpt_fault *f = fault_region(16, &reg);

	if (f == NULL) {
		return;
	}
	reg.map[1 * page] = 1;
	reg.map[5 * page] = 1;
	reg.map[9 * page] = 1;
	CHECK_INT(vnfha__ckpt_fault_take(f, add_run, &got), -ENOMEM);
	CHECK(got.n == 1 && got.first[0] == 1);
	CHECK_INT(vnfha__ckpt_fault_take(f, add_run, &again), 0);
	CHECK(again.n == 2 && again.first[0] == 5 && again.first[1] == 9);
	vnfha__ckpt_fault_free(f);
	region_free(&reg);
}

static void other_on_sigbus(int sig)
{
	(void)sig;
	_exit(97);
}

/*
 * SIGBUS reset to the default after libvnfha installed its handler: the
 * next uffd-fault tracker installs it again. Replaced by another handler
 * (which may pass on to libvnfha's: passing on to it would loop): the
 * next tracker falls back to the other ways and says why. Ends with the
 * default action, so later trackers install libvnfha's handler again.
 */
static void test_fault_handler_replaced(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	struct vnfha__ckpt_track *t = NULL;
	struct region reg;

	sigemptyset(&sa.sa_mask);
	CHECK_INT(region_new(4, &reg), 0);
	CHECK_INT(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, VNFHA_CKPT_TRACK_F_FAULTS, &t), 0);
	if (t != NULL) {
		CHECK_INT(vnfha__ckpt_track_kind(t), VNFHA_CKPT_TRACK_UFFD_FAULT);
		reg.map[page] = 1; /* handled, not the default action */
		vnfha__ckpt_track_free(t);
		t = NULL;
	}
	sa.sa_handler = other_on_sigbus;
	CHECK_INT(sigaction(SIGBUS, &sa, NULL), 0);
	CHECK_INT(vnfha__ckpt_track_new(reg.map, reg.size, VNFHA_CKPT_TRACK_F_FAULTS, &t), 0);
	if (t != NULL) {
		CHECK(vnfha__ckpt_track_kind(t) != VNFHA_CKPT_TRACK_UFFD_FAULT);
		CHECK(strstr(vnfha__ckpt_track_why(t), "replaced libvnfha's SIGBUS handler") != NULL);
		printf("SIGBUS handler replaced: %s (%s)\n", vnfha__ckpt_track_kind_name(t),
		       vnfha__ckpt_track_why(t));
		vnfha__ckpt_track_free(t);
	}
	sa.sa_handler = SIG_DFL;
	sigaction(SIGBUS, &sa, NULL);
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

/* The running kernel is at least major.minor (VNFHA_TEST_EXPECT_UFFD=0:
 * a kernel built without userfaultfd, =1: assume it has it). */
static bool kernel_at_least(unsigned long want_major, unsigned long want_minor)
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
	return major > want_major || (major == want_major && minor >= want_minor);
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
	if (kernel_at_least(6, 7) && probe != 0) {
		fprintf(stderr, "uffd-wp expected on this kernel: %s\n", why);
		unit_failures++;
	}
	/* uffd-fault needs SIGBUS mode (4.14) and shmem write-protect (5.19). */
	if (kernel_at_least(5, 19)) {
		test_fault_contract();
		test_fault_during_take();
		test_take_waits_for_handlers();
		test_take_add_fails();
		test_unprivileged(kernel_at_least(6, 7));
		test_fault_handler_replaced();
	}
	for (int way = 0; way < 3; way++) {
		static const unsigned int ways[] = { 0, VNFHA_CKPT_TRACK_F_FAULTS,
						     VNFHA_CKPT_TRACK_F_FORCE_SCAN };
		unsigned int flags = ways[way];

		test_known_pages(flags);
		test_many_runs(flags);
		test_racing_writer(flags, seed, 256, false);
		/* Two hot pages: a collect protects a page again between a
		 * fault's handling and the write's retry, over and over; paced
		 * collects, as an application's commits come. */
		test_racing_writer(flags, seed, 2, true);
	}
	test_bad_args();
	return UNIT_DONE();
}
