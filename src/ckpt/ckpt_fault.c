// SPDX-License-Identifier: LGPL-2.1-or-later
/* Write tracking by write-protect faults handled in the writing thread; see ckpt_fault.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt/ckpt_fault.h"
#include "ckpt/ckpt_uffd.h"

typedef _Atomic uint64_t word_t;

struct vnfha__ckpt_fault {
	uintptr_t start;
	size_t size;
	size_t page;
	int uffd;
	uint64_t id;		/* unique per tracker, for the handler's loop guard */
	pid_t pid;		/* the process whose memory the userfaultfd acts on */
	_Atomic uint64_t gen;	/* odd while a take runs: raised as it starts and ends */
	/* Handlers between lifting a page's protection and marking it, in
	 * two slots: a take flips the slot new handlers use and waits for the
	 * old one, twice (see wait_handlers). */
	_Atomic unsigned int slot;
	_Atomic long busy[2];
	word_t *bits;		/* one bit per page */
	word_t *summary;	/* one bit per word of bits */
	size_t n_words;
	_Atomic(struct vnfha__ckpt_fault *) next;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct vnfha__ckpt_fault *) trackers;
static _Atomic unsigned int in_handler; /* handlers walking the list now */
static struct sigaction before; /* SIGBUS's action before ours */
static uint64_t next_id = 1;

/* The last fault this thread handled: the same page of the same tracker
 * again in the same even generation (no take ran or was running since, so
 * nothing protected the page again) means the protection was not the cause. */
static __thread uintptr_t last_page __attribute__((tls_model("initial-exec")));
static __thread uint64_t last_id __attribute__((tls_model("initial-exec")));
static __thread uint64_t last_gen __attribute__((tls_model("initial-exec")));

/* A test's pause between lifting a page's protection and marking it. */
void (*vnfha__ckpt_fault_test_pause)(void);

void vnfha__ckpt_fault_mark(struct vnfha__ckpt_fault *f, uint64_t first, uint64_t n)
{
	for (uint64_t p = first; p < first + n && p < f->size / f->page; p++) {
		atomic_fetch_or(&f->bits[p / 64], UINT64_C(1) << (p % 64));
		atomic_fetch_or(&f->summary[p / 4096], UINT64_C(1) << (p / 64 % 64));
	}
}

/* An action that is no handler (sa_handler and sa_sigaction share storage). */
static bool is_dfl_or_ign(const struct sigaction *a)
{
	return a->sa_handler == SIG_DFL || a->sa_handler == SIG_IGN;
}

/* The action the process had before us, as the kernel would have taken it. */
static void pass_on(int sig, siginfo_t *si, void *uc)
{
	/* Faults that repeat when the handler returns. */
	bool repeats = si->si_code == BUS_ADRERR || si->si_code == BUS_ADRALN ||
		       si->si_code == BUS_OBJERR || si->si_code == BUS_MCEERR_AR;

	if (!is_dfl_or_ign(&before)) {
		if (before.sa_flags & SA_SIGINFO) {
			before.sa_sigaction(sig, si, uc);
		} else {
			before.sa_handler(sig);
		}
		return;
	}
	if (before.sa_handler == SIG_IGN && !repeats) {
		return; /* ignored, as it was */
	}
	/* The default (a fault ignored is forced to it too): the process ends
	 * with a core dump, when the fault repeats or raised again. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	sigaction(SIGBUS, &dfl, NULL);
	if (!repeats) {
		raise(sig);
	}
}

/* A write to a page of f: lift its protection, then mark it. */
static bool handle(struct vnfha__ckpt_fault *f, uintptr_t addr)
{
	uintptr_t page = addr - (addr - f->start) % f->page;
	uint64_t gen = atomic_load(&f->gen);

	if (last_page == page && last_id == f->id && last_gen == gen && gen % 2 == 0) {
		return false;
	}
	last_page = page;
	last_id = f->id;
	last_gen = gen;
	/* Counted from before the page can be written until it is marked: a
	 * take waits for that, so a write another thread makes to the page
	 * meanwhile cannot miss that thread's next submit. */
	unsigned int slot = atomic_load(&f->slot) & 1;

	atomic_fetch_add(&f->busy[slot], 1);
	/* A failure (the tracker being freed) retries the write: the range is
	 * no longer protected, or the loop guard above passes it on. */
	if (vnfha__ckpt_uffd_wp(f->uffd, page, f->page, false) == 0) {
		if (vnfha__ckpt_fault_test_pause != NULL) {
			vnfha__ckpt_fault_test_pause();
		}
		vnfha__ckpt_fault_mark(f, (page - f->start) / f->page, 1);
	}
	atomic_fetch_sub(&f->busy[slot], 1);
	return true;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	uintptr_t addr = (uintptr_t)si->si_addr;
	bool ours = false;

	if (si->si_code == BUS_ADRERR) {
		atomic_fetch_add(&in_handler, 1);
		for (struct vnfha__ckpt_fault *f = atomic_load(&trackers); f != NULL;
		     f = atomic_load(&f->next)) {
			if (addr - f->start < f->size) {
				ours = handle(f, addr);
				break;
			}
		}
		atomic_fetch_sub(&in_handler, 1);
	}
	if (!ours) {
		pass_on(sig, si, uc);
	}
	errno = saved;
}

/*
 * Ours from the first tracker on, passing on to the action found then.
 * Reset to the default since: ours again. Replaced by another handler
 * since: that one may pass on to ours, and ours to it would loop, so no
 * new tracker (-EBUSY; the caller falls back).
 */
static int install_locked(void)
{
	static bool installed;
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK };
	struct sigaction now;

	if (sigaction(SIGBUS, NULL, &now) != 0) {
		return -errno;
	}
	if ((now.sa_flags & SA_SIGINFO) && now.sa_sigaction == on_sigbus) {
		return 0;
	}
	if (installed && !is_dfl_or_ign(&now)) {
		return -EBUSY;
	}
	/* Nothing interrupts it: a handler that wrote the region or left by
	 * siglongjmp would find SIGBUS blocked or leave a count raised. */
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &before) != 0) {
		return -errno;
	}
	installed = true;
	return 0;
}

int vnfha__ckpt_fault_new(void *map, size_t size, size_t page, struct vnfha__ckpt_fault **ret_fault,
			  char *why, size_t why_len)
{
	struct vnfha__ckpt_fault *f = calloc(1, sizeof(*f));
	size_t n_pages = size / page;
	int rc;

	if (f == NULL) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	f->uffd = -1;
	f->pid = getpid();
	f->start = (uintptr_t)map;
	f->size = size;
	f->page = page;
	f->n_words = (n_pages + 63) / 64;
	f->bits = calloc(f->n_words, sizeof(*f->bits));
	f->summary = calloc((f->n_words + 63) / 64, sizeof(*f->summary));
	if (f->bits == NULL || f->summary == NULL) {
		rc = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto fail;
	}
	/* Kernel writes into the range then fail (EFAULT): ckpt_fault.h. */
	f->uffd = vnfha__ckpt_uffd_open(f->start, size,
					UFFD_FEATURE_SIGBUS | UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
					"userfaultfd SIGBUS and shmem write-protect (Linux >= 5.19)",
					why, why_len);
	if (f->uffd < 0) {
		rc = f->uffd;
		goto fail;
	}
	pthread_mutex_lock(&reg_lock);
	rc = install_locked();
	if (rc == -EBUSY) {
		snprintf(why, why_len, "the process replaced libvnfha's SIGBUS handler");
	} else if (rc != 0) {
		snprintf(why, why_len, "sigaction(SIGBUS): %s", strerror(-rc));
	} else {
		f->id = next_id++;
		atomic_store(&f->next, atomic_load(&trackers));
		atomic_store(&trackers, f);
	}
	pthread_mutex_unlock(&reg_lock);
	/* Listed before protected: the first fault finds the tracker. */
	if (rc == 0) {
		rc = vnfha__ckpt_uffd_wp(f->uffd, f->start, size, true);
		if (rc != 0) {
			snprintf(why, why_len, "UFFDIO_WRITEPROTECT of the region: %s", strerror(-rc));
		}
	}
	if (rc == 0) {
		*ret_fault = f;
		return 0;
	}
fail:
	vnfha__ckpt_fault_free(f);
	return rc;
}

void vnfha__ckpt_fault_free(struct vnfha__ckpt_fault *f)
{
	if (f == NULL) {
		return;
	}
	if (f->uffd >= 0 && f->id != 0) {
		/* Unprotected first: no write faults once it is off the list. */
		vnfha__ckpt_uffd_unregister(f->uffd, f->start, f->size, f->pid);
	}
	if (f->id != 0) {
		pthread_mutex_lock(&reg_lock);
		for (_Atomic(struct vnfha__ckpt_fault *) *pp = &trackers; atomic_load(pp) != NULL;
		     pp = &atomic_load(pp)->next) {
			if (atomic_load(pp) == f) {
				atomic_store(pp, atomic_load(&f->next));
				break;
			}
		}
		pthread_mutex_unlock(&reg_lock);
		/* A handler that found f before it left the list may still read it. */
		while (atomic_load(&in_handler) != 0) {
			sched_yield();
		}
	}
	if (f->uffd >= 0) {
		close(f->uffd);
	}
	free(f->bits);
	free(f->summary);
	free(f);
}

int vnfha__ckpt_fault_open_all(struct vnfha__ckpt_fault *f)
{
	int rc = vnfha__ckpt_uffd_wp(f->uffd, f->start, f->size, false);

	/* Marked even if that failed part way: the next take protects all. */
	vnfha__ckpt_fault_mark(f, 0, f->size / f->page);
	return rc;
}

/* A run of taken pages: protected again, then reported; marked again if
 * either fails. */
static int flush_run(struct vnfha__ckpt_fault *f, uint64_t first, uint64_t n,
		     vnfha__ckpt_fault_add_fn add, void *ctx)
{
	int rc = vnfha__ckpt_uffd_wp(f->uffd, f->start + first * f->page, n * f->page, true);

	if (rc == 0) {
		rc = add(ctx, first * f->page, n * f->page);
	}
	if (rc != 0) {
		vnfha__ckpt_fault_mark(f, first, n);
	}
	return rc;
}

/*
 * Waits until every handler that may have lifted a page's protection
 * before now has marked it. New handlers go to the other slot after a
 * flip; one that read the slot just before it is waited for by the second
 * flip (it may have lifted a protection a later take must see). Never
 * waits for handlers that start after the flips: the take does not stall
 * behind a stream of faults.
 */
static void wait_handlers(struct vnfha__ckpt_fault *f)
{
	for (int round = 0; round < 2; round++) {
		unsigned int old = atomic_fetch_add(&f->slot, 1) & 1;

		while (atomic_load(&f->busy[old]) != 0) {
			sched_yield();
		}
	}
}

int vnfha__ckpt_fault_take(struct vnfha__ckpt_fault *f, vnfha__ckpt_fault_add_fn add, void *ctx)
{
	size_t n_summary = (f->n_words + 63) / 64;
	uint64_t run_first = 0;
	uint64_t run_n = 0;
	int rc = 0;

	/* Odd from before any page is protected again until after the last
	 * (see the handler's loop guard). */
	atomic_fetch_add(&f->gen, 1);
	wait_handlers(f);
	for (size_t s = 0; s < n_summary; s++) {
		uint64_t sw = atomic_load(&f->summary[s]) != 0 ? atomic_exchange(&f->summary[s], 0) : 0;

		while (sw != 0) {
			size_t w = s * 64 + (size_t)__builtin_ctzll(sw);
			uint64_t bw = atomic_exchange(&f->bits[w], 0);

			sw &= sw - 1;
			while (bw != 0) {
				uint64_t p = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(bw);

				bw &= bw - 1;
				if (rc != 0) {
					vnfha__ckpt_fault_mark(f, p, 1);
					continue;
				}
				if (run_n > 0 && run_first + run_n == p) {
					run_n++;
					continue;
				}
				if (run_n > 0) {
					rc = flush_run(f, run_first, run_n, add, ctx);
				}
				run_first = p;
				run_n = 1;
				if (rc != 0) {
					vnfha__ckpt_fault_mark(f, p, 1);
					run_n = 0;
				}
			}
		}
	}
	if (rc == 0 && run_n > 0) {
		rc = flush_run(f, run_first, run_n, add, ctx);
	}
	atomic_fetch_add(&f->gen, 1);
	return rc;
}
