// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-counterd: the demo VNFC. A small stateful TCP service (named
 * counters) run by ocf:vnfha:vnfc. The counters live in a checkpoint region;
 * each update submits only the counter it changed (vnfha_ckpt_submit: the
 * bytes are copied at once, nothing waits) and the client's answer is held
 * until that ticket is done in --mode (sync: a replica holds it), so a
 * promoted standby restores every acknowledged update. One event loop
 * serves every client meanwhile: the region's descriptor tells it when
 * tickets are done; no client waits for another's commit.
 *
 * Protocol, one line each way:  "INCR key" -> "OK key value"
 *                               "GET key"  -> "VALUE key value"
 * Only the active instance listens; a standby keeps no socket open.
 *
 * When the local vnfha-ckptd goes away (killed, restarted by statesync),
 * the answers held for it are errors, the region is dropped and opened
 * again on the next daemon (opening restores the latest version it holds);
 * meanwhile every request is answered "ERR checkpoint unavailable", never
 * acknowledged unreplicated.
 *
 * --active runs it without ocf:vnfha:vnfc (no control socket, no heartbeat):
 * active from the start, restoring the latest checkpoint the local daemon
 * holds, as a plain service started by any process agent would be (the
 * baseline of tests/bench/failover-vnf-vs-stateful.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vnfha/vnfha.h>

#define MAX_CLIENTS 64
#define MAX_ORPHANS 1024
#define N_COUNTERS 1024
#define KEY_MAX 31
#define HEARTBEAT_MS 200
/* Below heartbeat_timeout: a commit never blocks us into looking dead. */
#define COMMIT_TIMEOUT_MS 500

struct counter {
	char key[KEY_MAX + 1];
	uint64_t value;
};

struct client {
	int fd;
	char buf[128];
	size_t len;
	bool pending;	 /* an update submitted, its answer held until the ticket is done */
	uint64_t ticket;
	char reply[96]; /* the answer it will get */
};

struct counterd {
	struct vnfha_role_conn *role;
	struct vnfha_ckpt_client *ckpt;
	struct vnfha_ckpt_region *region; /* opened at the first promotion */
	bool ckpt_lost;			  /* the daemon went away: reopen while active */
	struct counter *counters;
	struct counter *local;	/* --state none: counters live here only */
	bool use_ckpt;
	const char *ckpt_socket;
	enum vnfha_ckpt_mode mode;
	uint16_t port;
	const char *name;
	int listen_fd;
	struct client clients[MAX_CLIENTS];
	uint64_t orphans[MAX_ORPHANS]; /* tickets of clients gone before their answer */
	size_t n_orphans;
};

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	stopping = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct counter *find_counter(struct counterd *d, const char *key, bool create)
{
	for (size_t i = 0; i < N_COUNTERS; i++) {
		struct counter *c = &d->counters[i];

		if (strcmp(c->key, key) == 0) {
			return c;
		}
		if (c->key[0] == '\0') {
			if (!create) {
				return NULL;
			}
			snprintf(c->key, sizeof(c->key), "%s", key);
			return c;
		}
	}
	return NULL;
}

static int start_listening(struct counterd *d)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(d->port) };
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		return -errno;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	d->listen_fd = fd;
	return 0;
}

static void drop_client(struct counterd *d, struct client *c);
static void process_lines(struct counterd *d, struct client *c);

static void close_clients(struct counterd *d)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (d->clients[i].fd >= 0) {
			drop_client(d, &d->clients[i]);
		}
	}
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		d->listen_fd = -1;
	}
}

static int open_region(struct counterd *d)
{
	size_t size = N_COUNTERS * sizeof(struct counter);
	int rc = d->ckpt ? 0 : vnfha_ckpt_connect(d->ckpt_socket, &d->ckpt);

	if (rc == 0) {
		rc = vnfha_ckpt_open(d->ckpt, d->name, size, &d->region);
	}
	if (rc < 0) {
		/* Retried every 100 ms after a lost daemon: said once. */
		if (!d->ckpt_lost) {
			fprintf(stderr, "counterd: checkpoint '%s' unavailable: %s\n", d->name,
				vnfha_lib_strerror(rc));
		}
		return rc;
	}
	d->counters = vnfha_ckpt_region_data(d->region);
	if (d->ckpt_lost) {
		struct vnfha_ckpt_version v = vnfha_ckpt_region_version(d->region);

		fprintf(stderr, "counterd: checkpoint reopened, version %llu.%llu\n",
			(unsigned long long)v.epoch, (unsigned long long)v.gen);
		d->ckpt_lost = false;
	}
	return 0;
}

static void answer_done(struct counterd *d);

/* The region's connection ended with error why (the daemon died or was
 * restarted): held answers become errors, the region and its client are
 * dropped; while active, the serve loop opens them again. */
static void drop_ckpt(struct counterd *d, int why)
{
	fprintf(stderr, "counterd: checkpoint daemon lost (%s); opening the checkpoint again\n",
		vnfha_lib_strerror(why));
	answer_done(d);
	d->n_orphans = 0; /* their tickets failed with the connection */
	vnfha_ckpt_close(d->region);
	vnfha_ckpt_disconnect(d->ckpt);
	d->region = NULL;
	d->ckpt = NULL;
	d->counters = d->local;
	d->ckpt_lost = true;
}

/* Carries out a role change; says ready only once it really holds. */
static int become(struct counterd *d, enum vnfha_role role)
{
	int rc;

	if (role == VNFHA_ROLE_ACTIVE) {
		rc = d->region != NULL ? vnfha_ckpt_dispatch(d->region) : 0;
		if (rc < 0) {
			drop_ckpt(d, rc); /* a daemon restarted since: open it anew */
		}
		if (d->use_ckpt && d->region == NULL) {
			/* Opening restores the latest version the local daemon holds. */
			rc = open_region(d);
			if (rc < 0) {
				return rc;
			}
		} else if (d->region != NULL) {
			rc = vnfha_ckpt_restore(d->region);
			if (rc < 0 && rc != -ENOENT) {
				fprintf(stderr, "counterd: restore failed: %s\n", vnfha_lib_strerror(rc));
				return rc;
			}
			struct vnfha_ckpt_version v = vnfha_ckpt_region_version(d->region);

			fprintf(stderr, "counterd: restored version %llu.%llu\n",
				(unsigned long long)v.epoch, (unsigned long long)v.gen);
		}
		if (d->listen_fd < 0) {
			rc = start_listening(d);
			if (rc < 0) {
				fprintf(stderr, "counterd: listen on port %u: %s\n", d->port,
					vnfha_lib_strerror(rc));
				return rc;
			}
		}
	} else {
		close_clients(d);
	}
	fprintf(stderr, "counterd: now %s\n", role == VNFHA_ROLE_ACTIVE ? "active" : "standby");
	return d->role ? vnfha_role_ready(d->role, role) : 0;
}

static void answer(struct client *c, const char *reply)
{
	(void)!send(c->fd, reply, strlen(reply), MSG_NOSIGNAL);
}

/*
 * Applies one request line. An INCR changes its counter in the region and
 * submits just that counter (key and value, one range); the answer waits
 * for the ticket (answer_done). An update that is not acknowledged (a
 * timeout) may or may not be kept: only acknowledged ones are promised.
 */
static void handle_line(struct counterd *d, struct client *c, char *line)
{
	char reply[96];
	struct counter *ctr;
	int rc;

	if (d->use_ckpt && d->region == NULL) {
		answer(c, "ERR checkpoint unavailable\n");
		return;
	}
	if (strncmp(line, "INCR ", 5) == 0 && strlen(line + 5) <= KEY_MAX && line[5] != '\0') {
		ctr = find_counter(d, line + 5, true);
		if (ctr == NULL) {
			answer(c, "ERR full\n");
			return;
		}
		ctr->value++;
		snprintf(c->reply, sizeof(c->reply), "OK %s %llu\n", ctr->key,
			 (unsigned long long)ctr->value);
		if (d->region == NULL) {
			answer(c, c->reply);
			return;
		}
		{
			struct vnfha_ckpt_range r = { .offset = (uint64_t)((uint8_t *)ctr -
									   (uint8_t *)d->counters),
						      .length = sizeof(*ctr) };

			rc = vnfha_ckpt_submit(d->region, &r, 1, d->mode, COMMIT_TIMEOUT_MS, &c->ticket);
		}
		if (rc < 0) {
			snprintf(reply, sizeof(reply), "ERR commit %d\n", rc);
			answer(c, reply);
			return;
		}
		c->pending = true;
		return;
	}
	if (strncmp(line, "GET ", 4) == 0) {
		ctr = find_counter(d, line + 4, false);
		snprintf(reply, sizeof(reply), "VALUE %s %llu\n", line + 4,
			 ctr ? (unsigned long long)ctr->value : 0ULL);
	} else {
		snprintf(reply, sizeof(reply), "ERR bad request\n");
	}
	answer(c, reply);
}

/* Answers every client whose ticket is done (wait 0: never blocks). */
static void answer_done(struct counterd *d)
{
	char reply[96];

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &d->clients[i];
		int rc;

		if (c->fd < 0 || !c->pending) {
			continue;
		}
		rc = vnfha_ckpt_wait(d->region, c->ticket, 0, NULL);
		if (rc == -EINPROGRESS) {
			continue;
		}
		c->pending = false;
		if (rc == 0) {
			answer(c, c->reply);
		} else {
			snprintf(reply, sizeof(reply), "ERR commit %d\n", rc);
			answer(c, reply);
		}
		process_lines(d, c); /* requests it sent meanwhile */
	}
	for (size_t i = 0; i < d->n_orphans;) {
		if (vnfha_ckpt_wait(d->region, d->orphans[i], 0, NULL) == -EINPROGRESS) {
			i++;
			continue;
		}
		d->orphans[i] = d->orphans[--d->n_orphans];
	}
}

/* A client that went away with its answer pending: the ticket is still
 * waited for (its result kept by the library until then), answered to
 * nobody. */
static void drop_client(struct counterd *d, struct client *c)
{
	if (c->pending && d->n_orphans < MAX_ORPHANS) {
		d->orphans[d->n_orphans++] = c->ticket;
	} else if (c->pending) {
		/* Full (never in practice): this one ends by its timeout. */
		vnfha_ckpt_wait(d->region, c->ticket, VNFHA_CKPT_WAIT_FOREVER, NULL);
	}
	close(c->fd);
	*c = (struct client){ .fd = -1 };
}

/* The complete lines buffered, until one holds the client's answer. */
static void process_lines(struct counterd *d, struct client *c)
{
	char *nl;

	while (!c->pending && (nl = strchr(c->buf, '\n')) != NULL) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r') {
			nl[-1] = '\0';
		}
		handle_line(d, c, c->buf);
		memmove(c->buf, c->buf + used, c->len - used + 1);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf) - 1) { /* a line too long: drop the client */
		drop_client(d, c);
	}
}

static void on_client(struct counterd *d, struct client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);

	if (n <= 0) {
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		drop_client(d, c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	process_lines(d, c);
}

static void on_accept(struct counterd *d)
{
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	for (int i = 0; fd >= 0 && i < MAX_CLIENTS; i++) {
		if (d->clients[i].fd < 0) {
			d->clients[i] = (struct client){ .fd = fd };
			return;
		}
	}
	if (fd >= 0) {
		/* Refused out loud, never a silent close: the client reads why. */
		static const char full[] = "ERR too many clients\n";

		/* best effort: the close tells the client anyway */
		(void)send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		fprintf(stderr, "vnfha-counterd: refused a client: %d connected already "
				"(MAX_CLIENTS in examples/vnfha-counterd.c)\n", MAX_CLIENTS);
		close(fd);
	}
}

static int serve(struct counterd *d)
{
	int64_t next_hb = 0;
	int64_t next_open = 0;

	while (!stopping) {
		struct pollfd fds[3 + MAX_CLIENTS];
		enum vnfha_role role;
		int rc;

		fds[0] = (struct pollfd){ .fd = d->role ? vnfha_role_fd(d->role) : -1,
					  .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		/* Readable when tickets are done: answered below. */
		fds[2] = (struct pollfd){ .fd = d->region ? vnfha_ckpt_region_fd(d->region) : -1,
					  .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++) {
			/* A client with an answer pending sends nothing more. */
			fds[3 + i] = (struct pollfd){ .fd = d->clients[i].pending ? -1
										  : d->clients[i].fd,
						      .events = POLLIN };
		}
		if (poll(fds, 3 + MAX_CLIENTS, HEARTBEAT_MS / 2) < 0 && errno != EINTR) {
			return -errno;
		}
		if (fds[2].revents != 0) {
			/* An error shows in each ticket's wait; a dead connection
			 * is dropped and opened again. */
			rc = vnfha_ckpt_dispatch(d->region);
			if (rc < 0) {
				drop_ckpt(d, rc);
			}
		}
		if (d->ckpt_lost && d->listen_fd >= 0 && now_ms() >= next_open) {
			open_region(d);
			next_open = now_ms() + HEARTBEAT_MS / 2;
		}
		if (d->role != NULL && now_ms() >= next_hb) {
			vnfha_role_heartbeat(d->role);
			next_hb = now_ms() + HEARTBEAT_MS;
		}
		if (fds[0].revents) {
			rc = vnfha_role_recv(d->role, &role);
			if (rc == -EPIPE) {
				fprintf(stderr, "counterd: supervisor gone, exiting\n");
				return rc;
			}
			if (rc == 0 && become(d, role) < 0) {
				vnfha_role_health(d->role, VNFHA_HEALTH_FAILED, "role change failed");
			}
		}
		if (d->listen_fd >= 0 && (fds[1].revents & POLLIN)) {
			on_accept(d);
		}
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (d->clients[i].fd >= 0 && fds[3 + i].revents) {
				on_client(d, &d->clients[i]);
			}
		}
		if (d->region != NULL) {
			answer_done(d);
		}
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: vnfha-counterd [--port PORT] [--state ckpt|none] [--checkpoint NAME]\n"
		     "                      [--mode async|sync|durable] [--ckpt-socket PATH] [--active]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },  { "state", required_argument, NULL, 's' },
		{ "checkpoint", required_argument, NULL, 'c' }, { "mode", required_argument, NULL, 'm' },
		{ "ckpt-socket", required_argument, NULL, 'S' }, { "active", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const modes[] = { "async", "sync", "durable" };
	struct counterd d = { .listen_fd = -1, .port = 7000, .name = "counters", .use_ckpt = true,
			      .mode = VNFHA_CKPT_SYNC };
	struct sigaction sa = { .sa_handler = on_term };
	char *end = NULL;
	unsigned long port;
	bool standalone = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "p:s:c:m:S:ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || port == 0 || port > 65535) {
				fprintf(stderr, "vnfha-counterd: --port '%s': use 1 to 65535\n", optarg);
				return 2;
			}
			d.port = (uint16_t)port;
			break;
		case 's':
			if (strcmp(optarg, "ckpt") != 0 && strcmp(optarg, "none") != 0) {
				fprintf(stderr, "vnfha-counterd: --state '%s': use ckpt or none\n", optarg);
				return 2;
			}
			d.use_ckpt = strcmp(optarg, "ckpt") == 0;
			break;
		case 'c':
			d.name = optarg;
			break;
		case 'm':
			for (rc = 0; rc < 3 && strcmp(optarg, modes[rc]) != 0; rc++) {
			}
			if (rc == 3) {
				fprintf(stderr, "vnfha-counterd: --mode '%s': use async, sync or durable\n",
					optarg);
				return 2;
			}
			d.mode = (enum vnfha_ckpt_mode)rc;
			break;
		case 'S':
			d.ckpt_socket = optarg;
			break;
		case 'a':
			standalone = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		d.clients[i].fd = -1;
	}
	d.local = calloc(N_COUNTERS, sizeof(*d.local));
	if (d.local == NULL) {
		return 1;
	}
	d.counters = d.local;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (standalone) {
		rc = become(&d, VNFHA_ROLE_ACTIVE);
	} else {
		rc = vnfha_role_open(NULL, &d.role);
		if (rc < 0) {
			fprintf(stderr,
				"vnfha-counterd: no control socket (run me under ocf:vnfha:vnfc, "
				"or with --active): %s\n",
				vnfha_lib_strerror(rc));
			free(d.local);
			return 1;
		}
		rc = vnfha_role_ready(d.role, VNFHA_ROLE_STANDBY);
	}
	if (rc == 0) {
		rc = serve(&d);
	}
	close_clients(&d);
	vnfha_ckpt_close(d.region);
	vnfha_ckpt_disconnect(d.ckpt);
	vnfha_role_close(d.role);
	free(d.local);
	return rc < 0 && !stopping ? 1 : 0;
}
