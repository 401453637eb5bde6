// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-counter-client: drives vnfha-counterd and keeps the books. It sends
 * "INCR key" every --interval ms, remembers the last acknowledged value, and
 * after each outage prints one line:
 *
 *   recovered at_ms=<epoch ms> gap_ms=<outage> value=<first new value> lost=<n>
 *
 * lost counts acknowledged updates the service no longer has (the new value
 * is not last acknowledged + 1). At the end: "summary acked=.. lost=.. outages=..".
 * --threads N runs N such clients at once, each on its own connection and
 * key (KEY, KEY-1, ... KEY-(N-1)); each prints "thread I acked=.. last=..
 * lost=.." at the end, and the summary adds them up (its last= is KEY's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 300
/*
 * A connection attempt gives up sooner: during an outage the SYN is often
 * dropped (the address moving, the node gone), and a fresh attempt every
 * 20 ms sees the service back within 20 ms, not 300 ms, of its return.
 */
#define CONNECT_TIMEOUT_MS 20

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	stopping = 1;
}

static int64_t clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc = poll(&p, 1, timeout_ms);

	return rc == 1 ? 0 : (rc == 0 ? -ETIMEDOUT : -errno);
}

static int connect_to(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0) {
		return -errno;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 && errno != EINPROGRESS) {
		err = errno;
	} else if (wait_fd(fd, POLLOUT, CONNECT_TIMEOUT_MS) < 0) {
		err = ETIMEDOUT;
	} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
		err = errno;
	}
	if (err != 0) {
		close(fd);
		return -err;
	}
	return fd;
}

/* One request and its one-line answer; 0 and the value, or -errno. */
static int request(int fd, const char *line, uint64_t *ret_value)
{
	char buf[128] = "";
	size_t got = 0;
	char *end = NULL, *space;
	unsigned long long v;

	if (send(fd, line, strlen(line), MSG_NOSIGNAL) != (ssize_t)strlen(line)) {
		return -EPIPE;
	}
	while (memchr(buf, '\n', got) == NULL) {
		ssize_t n;

		if (got == sizeof(buf) - 1 || wait_fd(fd, POLLIN, IO_TIMEOUT_MS) < 0) {
			return -ETIMEDOUT;
		}
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n <= 0) {
			return -EPIPE;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	space = strrchr(buf, ' ');
	if ((strncmp(buf, "OK ", 3) != 0 && strncmp(buf, "VALUE ", 6) != 0) || space == NULL) {
		return -EPROTO;
	}
	errno = 0;
	v = strtoull(space + 1, &end, 10);
	if (errno != 0 || (*end != '\n' && *end != '\r')) {
		return -EPROTO;
	}
	*ret_value = v;
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: vnfha-counter-client --server IP:PORT [--key KEY] [--interval MS]\n"
		     "                            [--duration S] [--threads N] [--get]\n");
}

static int parse_server(const char *text, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	char *end = NULL;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) {
		return -EINVAL;
	}
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port == 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		return -EINVAL;
	}
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

struct loop {
	unsigned int id;
	char key[40];
	pthread_t thread;
	uint64_t acked;
	uint64_t last;
	uint64_t lost;
	uint64_t outages;
};

static struct sockaddr_in server;
static long interval = 10;
static int64_t end_at;

/* One client: INCR every interval ms until the end, books kept. */
static void *loop_main(void *arg)
{
	struct loop *lp = arg;
	char line[64];
	bool down = false;
	int64_t down_since = 0;
	int fd = -1;

	snprintf(line, sizeof(line), "INCR %s\n", lp->key);
	while (!stopping && clock_ms(CLOCK_MONOTONIC) < end_at) {
		uint64_t value = 0;
		int rc = fd >= 0 ? 0 : (fd = connect_to(&server));

		if (rc >= 0) {
			rc = request(fd, line, &value);
		}
		if (rc < 0) {
			if (fd >= 0) {
				close(fd);
				fd = -1;
			}
			/* An outage starts only once the service has answered. */
			if (!down && lp->acked > 0) {
				down = true;
				down_since = clock_ms(CLOCK_MONOTONIC);
			}
			poll(NULL, 0, (int)interval);
			continue;
		}
		/* Every acknowledged update must still be there: value = last + 1. */
		if (lp->acked > 0 && value <= lp->last) {
			lp->lost += lp->last + 1 - value;
		}
		if (down) {
			lp->outages++;
			printf("recovered at_ms=%lld gap_ms=%lld value=%llu lost=%llu%s%s\n",
			       (long long)clock_ms(CLOCK_REALTIME),
			       (long long)(clock_ms(CLOCK_MONOTONIC) - down_since),
			       (unsigned long long)value,
			       (unsigned long long)(value <= lp->last ? lp->last + 1 - value : 0),
			       lp->id > 0 ? " key=" : "", lp->id > 0 ? lp->key : "");
			down = false;
		}
		lp->last = value;
		lp->acked++;
		poll(NULL, 0, (int)interval);
	}
	if (fd >= 0) {
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' }, { "key", required_argument, NULL, 'k' },
		{ "interval", required_argument, NULL, 'i' }, { "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' }, { "get", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction act = { .sa_handler = on_term };
	const char *key = "demo";
	long duration = 0;
	long threads = 1;
	bool have_server = false, get = false;
	uint64_t acked = 0, lost = 0, outages = 0;
	struct loop *loops;
	char line[64];
	uint64_t last = 0;
	int fd = -1, opt;

	while ((opt = getopt_long(argc, argv, "s:k:i:d:t:gh", opts, NULL)) != -1) {
		char *end = NULL;

		switch (opt) {
		case 's':
			have_server = parse_server(optarg, &server) == 0;
			if (!have_server) {
				fprintf(stderr, "--server '%s': use IPV4:PORT\n", optarg);
				return 2;
			}
			break;
		case 'k':
			key = optarg;
			break;
		case 'i':
		case 'd':
		case 't':
			errno = 0;
			*(opt == 'i' ? &interval : opt == 'd' ? &duration : &threads) =
				strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || interval < 1 || duration < 0 || threads < 1 ||
			    threads > 64) {
				fprintf(stderr, "--%s '%s': use a positive number%s\n",
					opt == 'i' ? "interval" : opt == 'd' ? "duration" : "threads", optarg,
					opt == 't' ? " up to 64" : "");
				return 2;
			}
			break;
		case 'g':
			get = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!have_server || strlen(key) > 28 || strchr(key, ' ') != NULL) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	if (get) {
		snprintf(line, sizeof(line), "GET %s\n", key);
		fd = connect_to(&server);
		if (fd < 0 || request(fd, line, &last) < 0) {
			fprintf(stderr, "GET failed\n");
			return 1;
		}
		printf("%llu\n", (unsigned long long)last);
		close(fd);
		return 0;
	}
	loops = calloc((size_t)threads, sizeof(*loops));
	if (loops == NULL) {
		return 1;
	}
	end_at = duration ? clock_ms(CLOCK_MONOTONIC) + duration * 1000 : INT64_MAX;
	for (long i = 0; i < threads; i++) {
		loops[i].id = (unsigned int)i;
		if (i == 0) {
			snprintf(loops[i].key, sizeof(loops[i].key), "%s", key);
		} else {
			snprintf(loops[i].key, sizeof(loops[i].key), "%s-%ld", key, i);
		}
		if (pthread_create(&loops[i].thread, NULL, loop_main, &loops[i]) != 0) {
			fprintf(stderr, "cannot start thread %ld\n", i);
			stopping = 1;
			threads = i;
			break;
		}
	}
	for (long i = 0; i < threads; i++) {
		pthread_join(loops[i].thread, NULL);
		acked += loops[i].acked;
		lost += loops[i].lost;
		outages += loops[i].outages;
		if (threads > 1) {
			printf("thread %ld key=%s acked=%llu last=%llu lost=%llu outages=%llu\n", i,
			       loops[i].key, (unsigned long long)loops[i].acked,
			       (unsigned long long)loops[i].last, (unsigned long long)loops[i].lost,
			       (unsigned long long)loops[i].outages);
		}
	}
	last = threads > 0 ? loops[0].last : 0;
	printf("summary acked=%llu last=%llu lost=%llu outages=%llu\n", (unsigned long long)acked,
	       (unsigned long long)last, (unsigned long long)lost, (unsigned long long)outages);
	free(loops);
	return lost == 0 ? 0 : 3;
}
