// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load of tests/bench/ckpt-vs-redis.sh: THREADS committers, each
 * changing 300 bytes and waiting until that change is on a replica, for
 * SECONDS; prints commits, commits/s, latency p50/p99 (us) and how long the
 * writer was blocked per commit (p50/p99 us, vnfha only; of the submits
 * blocked over 50 us, how many were preempted meanwhile - an involuntary
 * context switch of the thread - and how many slept: one getrusage per
 * commit, outside the timed spans), and the CPU time of this process per
 * commit (the client's share of a commit's cost).
 *
 *   ckpt-load vnfha SOCKET NAME SIZE HOW THREADS SECONDS
 *       HOW: ranges (vnfha_ckpt_write + wait; ranges-durable: the same in
 *       durable mode; ranges-each: the same, each thread on its own handle
 *       of the checkpoint, as each Redis client thread has its own
 *       connection), tracked (write in place,
 *       vnfha_ckpt_submit_tracked + wait; tracked-faults: the same, the
 *       region opened with VNFHA_CKPT_OPEN_TRACK_FAULTS), scan (write in place,
 *       vnfha_ckpt_commit: the whole-region commit, for reference)
 *   ckpt-load redis HOST PORT CAFILE|- THREADS SECONDS
 *       SET key <300 bytes> and WAIT 1 0 sent as a pair (one write, not
 *       MULTI), over TLS (GnuTLS, the server's CA in CAFILE) unless "-"
 */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vnfha/vnfha.h>

#include "common/clock.h"

#define CHANGE 300
#define MAX_SAMPLES (1u << 22)

struct thread {
	unsigned int id;
	pthread_t th;
	uint64_t *lat; /* ns per commit */
	uint64_t *blocked; /* ns inside submit */
	size_t n;
	/* Submits blocked over 50 us, and of those how many were preempted
	 * (an involuntary context switch inside) or slept (a voluntary one:
	 * a lock or a system call): where a writer's time went. */
	size_t slow;
	size_t slow_preempted;
	size_t slow_slept;
	int err;
	struct vnfha_ckpt_region *region; /* ranges-each: the thread's own handle */
};

static struct {
	const char *mode;
	/* vnfha */
	const char *name;
	struct vnfha_ckpt_region *region;
	const char *how;
	size_t size;
	pthread_mutex_t scan_lock;
	/* redis */
	const char *host;
	const char *port;
	const char *cafile;
	gnutls_certificate_credentials_t cred;
	unsigned int threads;
	uint64_t end_ns;
	atomic_int failed;
} g = { .scan_lock = PTHREAD_MUTEX_INITIALIZER };

static double tv_us(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e6 + (double)tv->tv_usec;
}

static void record(struct thread *t, uint64_t lat, uint64_t blocked)
{
	if (t->n < MAX_SAMPLES) {
		t->lat[t->n] = lat;
		t->blocked[t->n] = blocked;
		t->n++;
	}
}

/* The end of a submit; a slow one notes the thread's context switches. */
static uint64_t submitted(uint64_t t0, struct rusage *u1)
{
	uint64_t t1 = vnfha__now_ns();

	if (t1 - t0 > 50000) {
		getrusage(RUSAGE_THREAD, u1);
	}
	return t1;
}

static void *vnfha_main(void *arg)
{
	struct thread *t = arg;
	struct vnfha_ckpt_region *region = t->region != NULL ? t->region : g.region;
	uint8_t *data = vnfha_ckpt_region_data(region);
	uint8_t change[CHANGE];
	/* Each thread owns a slice of the region; the change moves in it. */
	uint64_t slice = g.size / g.threads;
	uint64_t base = slice * t->id;
	/* Each run its own offsets and bytes: a run repeating the one before
	 * would find its bytes stored already and commit nothing. */
	unsigned int seed = t->id + 1 + (unsigned int)getpid() * 7919u;

	while (vnfha__now_ns() < g.end_ns) {
		uint64_t off = base + (slice > CHANGE ? (uint64_t)rand_r(&seed) % (slice - CHANGE) : 0);
		struct rusage u0;
		struct rusage u1;
		uint64_t t0;
		uint64_t t1;
		uint64_t ticket = 0;
		int rc;

		getrusage(RUSAGE_THREAD, &u0);
		t0 = vnfha__now_ns();

		memset(change, (int)(t->n + t->id + (unsigned int)getpid()), sizeof(change));
		if (strncmp(g.how, "ranges", 6) == 0) {
			rc = vnfha_ckpt_write(region, off, change, CHANGE,
					      strcmp(g.how, "ranges-durable") == 0 ? VNFHA_CKPT_DURABLE
										  : VNFHA_CKPT_SYNC,
					      5000, &ticket);
			t1 = submitted(t0, &u1);
			if (rc == 0) {
				rc = vnfha_ckpt_wait(region, ticket, VNFHA_CKPT_WAIT_FOREVER, NULL);
			}
		} else if (strncmp(g.how, "tracked", 7) == 0) {
			memcpy(data + off, change, CHANGE);
			rc = vnfha_ckpt_submit_tracked(g.region, VNFHA_CKPT_SYNC, 5000, &ticket);
			t1 = submitted(t0, &u1);
			if (rc == 0) {
				rc = vnfha_ckpt_wait(g.region, ticket, VNFHA_CKPT_WAIT_FOREVER, NULL);
			}
		} else {
			/* The whole-region commit: the writer may not write during it. */
			pthread_mutex_lock(&g.scan_lock);
			memcpy(data + off, change, CHANGE);
			rc = vnfha_ckpt_commit(g.region, VNFHA_CKPT_SYNC, 5000, NULL);
			pthread_mutex_unlock(&g.scan_lock);
			t1 = submitted(t0, &u1);
		}
		if (rc != 0) {
			t->err = rc;
			atomic_store(&g.failed, 1);
			break;
		}
		record(t, vnfha__now_ns() - t0, t1 - t0);
		if (t1 - t0 > 50000) {
			t->slow++;
			t->slow_preempted += u1.ru_nivcsw != u0.ru_nivcsw;
			t->slow_slept += u1.ru_nvcsw != u0.ru_nvcsw;
		}
	}
	return NULL;
}

/* --------------------------------------------------------------- redis */

struct rconn {
	int fd;
	gnutls_session_t tls;
	char buf[4096];
	size_t have;
};

static ssize_t rsend(struct rconn *c, const void *p, size_t n)
{
	ssize_t r;

	if (c->tls == NULL) {
		return send(c->fd, p, n, MSG_NOSIGNAL);
	}
	do {
		r = gnutls_record_send(c->tls, p, n);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r < 0) {
		fprintf(stderr, "ckpt-load: TLS send: %s\n", gnutls_strerror((int)r));
	}
	return r;
}

static ssize_t rrecv(struct rconn *c, void *p, size_t n)
{
	ssize_t r;

	if (c->tls == NULL) {
		return recv(c->fd, p, n, 0);
	}
	do {
		r = gnutls_record_recv(c->tls, p, n);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r < 0) {
		fprintf(stderr, "ckpt-load: TLS receive: %s\n", gnutls_strerror((int)r));
	}
	return r;
}

/* Reads one RESP line ("+OK", ":1", "-ERR ..."); returns its first byte. */
static int read_line(struct rconn *c, char *out, size_t out_len)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->have);

		if (nl != NULL) {
			size_t len = (size_t)(nl - c->buf) + 1;

			snprintf(out, out_len, "%.*s", (int)(len > 2 ? len - 2 : 0), c->buf);
			memmove(c->buf, nl + 1, c->have - len);
			c->have -= len;
			return out[0];
		}
		if (c->have == sizeof(c->buf)) {
			return -1;
		}
		{
			ssize_t n = rrecv(c, c->buf + c->have, sizeof(c->buf) - c->have);

			if (n <= 0) {
				return -1;
			}
			c->have += (size_t)n;
		}
	}
}

static int rconnect(struct rconn *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int one = 1;
	int rc;

	memset(c, 0, sizeof(*c));
	if (getaddrinfo(g.host, g.port, &hints, &res) != 0) {
		return -EINVAL;
	}
	c->fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = c->fd >= 0 && connect(c->fd, res->ai_addr, res->ai_addrlen) == 0 ? 0 : -errno;
	freeaddrinfo(res);
	if (rc != 0) {
		return rc;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (g.cafile == NULL) {
		return 0;
	}
	gnutls_init(&c->tls, GNUTLS_CLIENT);
	gnutls_set_default_priority(c->tls);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, g.cred);
	gnutls_session_set_verify_cert(c->tls, NULL, 0);
	gnutls_transport_set_int(c->tls, c->fd);
	do {
		rc = gnutls_handshake(c->tls);
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		fprintf(stderr, "ckpt-load: TLS handshake: %s\n", gnutls_strerror(rc));
		return -EPROTO;
	}
	return 0;
}

static void *redis_main(void *arg)
{
	struct thread *t = arg;
	struct rconn c;
	char value[CHANGE + 1];
	char cmd[512];
	char line[256] = "";
	unsigned int seed = t->id + 1;
	int rc = rconnect(&c);

	if (rc != 0) {
		t->err = rc;
		atomic_store(&g.failed, 1);
		return NULL;
	}
	while (vnfha__now_ns() < g.end_ns) {
		uint64_t t0 = vnfha__now_ns();
		int n;

		memset(value, 'a' + (int)(t->n % 26), CHANGE);
		value[CHANGE] = '\0';
		/* key "kTTTTT:NNNNNN": 13 bytes */
		n = snprintf(cmd, sizeof(cmd),
			     "*3\r\n$3\r\nSET\r\n$13\r\nk%05u:%06u\r\n$%d\r\n%s\r\n"
			     "*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$1\r\n0\r\n",
			     t->id % 100000, (unsigned int)rand_r(&seed) % 1000000, CHANGE, value);
		if (rsend(&c, cmd, (size_t)n) != n || read_line(&c, line, sizeof(line)) != '+' ||
		    read_line(&c, line, sizeof(line)) != ':' || strcmp(line, ":1") != 0) {
			t->err = -EPROTO;
			atomic_store(&g.failed, 1);
			fprintf(stderr, "ckpt-load: redis answered '%s'\n", line);
			break;
		}
		record(t, vnfha__now_ns() - t0, 0);
	}
	if (c.tls != NULL) {
		gnutls_bye(c.tls, GNUTLS_SHUT_RDWR);
		gnutls_deinit(c.tls);
	}
	close(c.fd);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	return n == 0 ? 0 : v[(size_t)((double)(n - 1) * p)] / 1000.0;
}

static long arg_num(const char *s, long max)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "ckpt-load: '%s' is not a number in 1..%ld\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct vnfha_ckpt_client *client = NULL;
	struct thread *t;
	uint64_t *lat;
	uint64_t *blocked;
	size_t total = 0;
	uint64_t t0;
	struct rusage ru0;
	struct rusage ru1;
	double secs;
	long seconds;
	int rc;

	if (argc == 8 && strcmp(argv[1], "vnfha") == 0) {
		g.mode = "vnfha";
		g.size = (size_t)arg_num(argv[4], 1L << 40);
		g.how = argv[5];
		g.threads = (unsigned int)arg_num(argv[6], 1024);
		seconds = arg_num(argv[7], 3600);
		g.name = argv[3];
		rc = vnfha_ckpt_connect(argv[2], &client);
		if (rc == 0) {
			unsigned int flags = strcmp(g.how, "tracked") == 0 ? VNFHA_CKPT_OPEN_TRACK
					     : strcmp(g.how, "tracked-faults") == 0
						     ? VNFHA_CKPT_OPEN_TRACK_FAULTS
						     : 0;

			rc = vnfha_ckpt_open_flags(client, argv[3], g.size, flags, &g.region);
		}
		if (rc != 0) {
			fprintf(stderr, "ckpt-load: %s: %s\n", argv[3], vnfha_lib_strerror(rc));
			return 1;
		}
		if (strncmp(g.how, "tracked", 7) == 0) {
			printf("tracking %s\n", vnfha_ckpt_region_tracking(g.region));
		}
	} else if (argc == 7 && strcmp(argv[1], "redis") == 0) {
		g.mode = "redis";
		g.host = argv[2];
		g.port = argv[3];
		g.cafile = strcmp(argv[4], "-") != 0 ? argv[4] : NULL;
		g.threads = (unsigned int)arg_num(argv[5], 1024);
		seconds = arg_num(argv[6], 3600);
		if (g.cafile != NULL) {
			gnutls_certificate_allocate_credentials(&g.cred);
			if (gnutls_certificate_set_x509_trust_file(g.cred, g.cafile,
								   GNUTLS_X509_FMT_PEM) <= 0) {
				fprintf(stderr, "ckpt-load: no CA in '%s'\n", g.cafile);
				return 1;
			}
		}
	} else {
		fprintf(stderr, "usage: ckpt-load vnfha SOCKET NAME SIZE ranges|ranges-durable|ranges-each|tracked|tracked-faults|scan THREADS "
				"SECONDS\n       ckpt-load redis HOST PORT CAFILE|- THREADS SECONDS\n");
		return 2;
	}
	t = calloc(g.threads, sizeof(*t));
	for (unsigned int i = 0; i < g.threads; i++) {
		t[i].id = i;
		t[i].lat = malloc(MAX_SAMPLES / g.threads * sizeof(uint64_t) + 8);
		t[i].blocked = malloc(MAX_SAMPLES / g.threads * sizeof(uint64_t) + 8);
		if (strcmp(g.mode, "vnfha") == 0 && strcmp(g.how, "ranges-each") == 0) {
			rc = vnfha_ckpt_open(client, g.name, g.size, &t[i].region);
			if (rc != 0) {
				fprintf(stderr, "ckpt-load: %s: %s\n", g.name, vnfha_lib_strerror(rc));
				return 1;
			}
		}
	}
	getrusage(RUSAGE_SELF, &ru0);
	t0 = vnfha__now_ns();
	g.end_ns = t0 + (uint64_t)seconds * 1000000000u;
	for (unsigned int i = 0; i < g.threads; i++) {
		pthread_create(&t[i].th, NULL, strcmp(g.mode, "vnfha") == 0 ? vnfha_main : redis_main,
			       &t[i]);
	}
	for (unsigned int i = 0; i < g.threads; i++) {
		pthread_join(t[i].th, NULL);
		total += t[i].n;
	}
	secs = (double)(vnfha__now_ns() - t0) / 1e9;
	getrusage(RUSAGE_SELF, &ru1);
	lat = malloc((total + 1) * sizeof(*lat));
	blocked = malloc((total + 1) * sizeof(*blocked));
	total = 0;
	for (unsigned int i = 0; i < g.threads; i++) {
		if (t[i].err != 0) {
			fprintf(stderr, "ckpt-load: thread %u: %s\n", i, vnfha_lib_strerror(t[i].err));
		}
		memcpy(lat + total, t[i].lat, t[i].n * sizeof(*lat));
		memcpy(blocked + total, t[i].blocked, t[i].n * sizeof(*blocked));
		total += t[i].n;
	}
	{
		size_t slow = 0;
		size_t pre = 0;
		size_t slept = 0;

		for (unsigned int i = 0; i < g.threads; i++) {
			slow += t[i].slow;
			pre += t[i].slow_preempted;
			slept += t[i].slow_slept;
		}
		if (strcmp(g.mode, "vnfha") == 0) {
			printf("blocked_over_50us %zu\nof_which_preempted %zu\nof_which_slept %zu\n",
			       slow, pre, slept);
		}
	}
	qsort(lat, total, sizeof(*lat), cmp_u64);
	qsort(blocked, total, sizeof(*blocked), cmp_u64);
	printf("commits %zu\ncommits_per_s %.0f\np50_us %.1f\np99_us %.1f\n", total, total / secs,
	       pct(lat, total, 0.5), pct(lat, total, 0.99));
	if (total > 0) {
		printf("cpu_us_per_commit %.1f\n",
		       (tv_us(&ru1.ru_utime) + tv_us(&ru1.ru_stime) - tv_us(&ru0.ru_utime) -
			tv_us(&ru0.ru_stime)) / (double)total);
	}
	if (strcmp(g.mode, "vnfha") == 0) {
		printf("blocked_p50_us %.1f\nblocked_p99_us %.1f\n", pct(blocked, total, 0.5),
		       pct(blocked, total, 0.99));
	}
	return atomic_load(&g.failed) ? 1 : 0;
}
