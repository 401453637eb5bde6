// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-ckptd: the checkpoint daemon. Parses options, opens and verifies
 * the store, listens on the local Unix socket and on TCP, and hands each
 * connection to a thread. SIGTERM/SIGINT (signalfd) stop it cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

struct conn_arg {
	struct ckptd *d;
	int fd;
	bool local;
	char who[80];
};

uint64_t ckptd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void ckptd_text_add(struct ckptd_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->cap) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		t->len = t->len + (size_t)n < t->cap ? t->len + (size_t)n : t->cap - 1;
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnfha-ckptd [--role primary|replica] [--listen ADDR:PORT]\n"
		"                   [--peer HOST:PORT]... [--store DIR] [--key FILE]\n"
		"                   [--socket PATH] [--node NAME] [--plaintext]\n"
		"                   [--cpg GROUP]\n"
		"Environment: VNFHA_CKPT_ROLE, VNFHA_CKPT_LISTEN, VNFHA_CKPT_PEERS,\n"
		"VNFHA_CKPT_STORE, VNFHA_CKPT_KEY, VNFHA_CKPT_SOCKET, VNFHA_CKPT_PLAINTEXT.\n");
}

static int parse_role(const char *s, int *ret)
{
	if (strcmp(s, "primary") == 0) {
		*ret = VNFHA_CKPT_ROLE_PRIMARY;
		return 0;
	}
	if (strcmp(s, "replica") == 0) {
		*ret = VNFHA_CKPT_ROLE_REPLICA;
		return 0;
	}
	return -EINVAL;
}

/* "HOST:PORT" or "[V6]:PORT" into getaddrinfo() arguments. */
int ckptd_split_addr(const char *addr, char *host, size_t host_len, const char **ret_port);
int ckptd_split_addr(const char *addr, char *host, size_t host_len, const char **ret_port)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (colon == NULL || colon[1] == '\0') {
		return -EINVAL;
	}
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n >= host_len) {
		return -ENAMETOOLONG;
	}
	memcpy(host, addr, n);
	host[n] = '\0';
	*ret_port = colon + 1;
	return 0;
}

static int add_peer_opt(struct ckptd_opts *o, const char *addr)
{
	char host[256];
	const char *port;

	if (o->n_peers >= VNFHA_CKPT_MAX_PEERS || strlen(addr) > VNFHA_CKPT_NAME_MAX ||
	    ckptd_split_addr(addr, host, sizeof(host), &port) != 0) {
		return -EINVAL;
	}
	o->peers[o->n_peers++] = strdup(addr);
	return 0;
}

static int parse_opts(int argc, char **argv, struct ckptd_opts *o)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },  { "listen", required_argument, NULL, 'l' },
		{ "peer", required_argument, NULL, 'p' },  { "store", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },   { "socket", required_argument, NULL, 'S' },
		{ "node", required_argument, NULL, 'n' },  { "plaintext", no_argument, NULL, 'P' },
		{ "cpg", required_argument, NULL, 'c' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env;
	int ch;

	o->listen = getenv("VNFHA_CKPT_LISTEN") ? getenv("VNFHA_CKPT_LISTEN") : "0.0.0.0:7410";
	o->socket_path = getenv("VNFHA_CKPT_SOCKET") ? getenv("VNFHA_CKPT_SOCKET")
						     : VNFHA_CKPT_SOCKET_DEFAULT;
	o->store_dir = getenv("VNFHA_CKPT_STORE") ? getenv("VNFHA_CKPT_STORE")
						  : "/var/lib/vnfha/ckpt";
	o->key_file = getenv("VNFHA_CKPT_KEY") ? getenv("VNFHA_CKPT_KEY")
					       : VNFHA_CKPT_DEFAULT_KEY;
	o->plaintext = getenv("VNFHA_CKPT_PLAINTEXT") != NULL &&
		       strcmp(getenv("VNFHA_CKPT_PLAINTEXT"), "1") == 0;
	o->role = VNFHA_CKPT_ROLE_REPLICA;
	env = getenv("VNFHA_CKPT_ROLE");
	if (env != NULL && parse_role(env, &o->role) != 0) {
		fprintf(stderr, "vnfha-ckptd: VNFHA_CKPT_ROLE='%s' is not primary or replica\n", env);
		return -EINVAL;
	}
	env = getenv("VNFHA_CKPT_PEERS");
	if (env != NULL) {
		char *copy = strdup(env);
		char *save = NULL;

		for (char *t = strtok_r(copy, " ,", &save); t != NULL;
		     t = strtok_r(NULL, " ,", &save)) {
			if (add_peer_opt(o, t) != 0) {
				fprintf(stderr, "vnfha-ckptd: bad peer '%s' in VNFHA_CKPT_PEERS\n", t);
				free(copy);
				return -EINVAL;
			}
		}
		free(copy);
	}
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (parse_role(optarg, &o->role) != 0) {
				fprintf(stderr, "vnfha-ckptd: --role '%s': want primary or replica\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'l':
			o->listen = optarg;
			break;
		case 'p':
			if (add_peer_opt(o, optarg) != 0) {
				fprintf(stderr, "vnfha-ckptd: --peer '%s': want HOST:PORT (at most %d)\n",
					optarg, VNFHA_CKPT_MAX_PEERS);
				return -EINVAL;
			}
			break;
		case 's':
			o->store_dir = optarg;
			break;
		case 'k':
			o->key_file = optarg;
			break;
		case 'S':
			o->socket_path = optarg;
			break;
		case 'n':
			o->node = optarg;
			break;
		case 'P':
			o->plaintext = true;
			break;
		case 'c':
			/* Corosync group names are at most 128 bytes. */
			if (optarg[0] == '\0' || strlen(optarg) >= 128) {
				fprintf(stderr, "vnfha-ckptd: --cpg '%s': want a group name of 1 to "
					"127 bytes\n", optarg);
				return -EINVAL;
			}
			o->cpg_group = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static int listen_tcp(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	char host[256];
	const char *port;
	int one = 1;
	int fd;
	int rc = ckptd_split_addr(addr, host, sizeof(host), &port);

	if (rc != 0) {
		return rc;
	}
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &res);
	if (rc != 0) {
		return -EINVAL;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 16) != 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	rc = fd;
out:
	freeaddrinfo(res);
	return rc;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[sizeof(sun.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		return -ENAMETOOLONG;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	memcpy(dir, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	unlink(path);
	/* Only root (and the group) may commit or switch roles. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || chmod(path, 0660) != 0 ||
	    listen(fd, 64) != 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void conn_register(struct ckptd *d, int fd, bool add)
{
	pthread_mutex_lock(&d->lock);
	if (add && d->n_conns < sizeof(d->conns) / sizeof(d->conns[0])) {
		d->conns[d->n_conns++] = fd;
	} else if (!add) {
		for (size_t i = 0; i < d->n_conns; i++) {
			if (d->conns[i] == fd) {
				d->conns[i] = d->conns[--d->n_conns];
				break;
			}
		}
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
}

/* A TCP peer: TLS unless --plaintext; a plain frame on a TLS daemon (or
 * a TLS hello on a plaintext one) is refused with a clear log line. */
static void serve_tcp(struct conn_arg *a)
{
	struct ckptd *d = a->d;
	struct vnfha__ckpt_conn c;
	uint8_t first[4] = { 0 };
	char why[256];
	bool looks_plain;
	ssize_t n;

	vnfha__ckpt_io_timeout(a->fd, 10000);
	n = recv(a->fd, first, sizeof(first), MSG_PEEK | MSG_WAITALL);
	if (n != (ssize_t)sizeof(first)) {
		vnfha_log(VNFHA_LOG_WARNING, "peer %s closed before saying anything", a->who);
		close(a->fd);
		return;
	}
	looks_plain = memcmp(first, "VNCK", 4) == 0;
	if (!d->opts.plaintext && looks_plain) {
		vnfha_log(VNFHA_LOG_ERR,
			  "refused plaintext peer %s: this daemon requires TLS "
			  "(use --plaintext on both sides only on a trusted network)",
			  a->who);
		close(a->fd);
		return;
	}
	if (d->opts.plaintext && !looks_plain) {
		vnfha_log(VNFHA_LOG_ERR,
			  "refused peer %s: it does not speak plaintext (TLS peer?) and this "
			  "daemon runs --plaintext",
			  a->who);
		close(a->fd);
		return;
	}
	if (d->opts.plaintext) {
		vnfha__ckpt_conn_init_fd(&c, a->fd);
	} else if (vnfha__ckpt_tls_server(&c, a->fd, &d->key, why, sizeof(why)) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "refused peer %s: %s", a->who, why);
		close(a->fd);
		return;
	}
	vnfha__ckpt_io_timeout(a->fd, 0);
	ckptd_serve_peer(d, &c, a->who);
	vnfha__ckpt_conn_close(&c);
}

static void *conn_thread(void *arg)
{
	struct conn_arg *a = arg;
	struct ckptd *d = a->d;
	int fd = a->fd;

	if (a->local) {
		struct vnfha__ckpt_conn c;

		vnfha__ckpt_conn_init_fd(&c, fd);
		ckptd_serve_local(d, &c);
		vnfha__ckpt_conn_close(&c);
	} else {
		serve_tcp(a);
	}
	conn_register(d, fd, false);
	free(a);
	return NULL;
}

static void accept_one(struct ckptd *d, int lfd, bool local)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct conn_arg *a;
	pthread_attr_t attr;
	pthread_t t;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);

	if (fd < 0) {
		return;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		close(fd);
		return;
	}
	a->d = d;
	a->fd = fd;
	a->local = local;
	if (local) {
		snprintf(a->who, sizeof(a->who), "local");
	} else {
		char host[64] = "?";
		char port[16] = "?";

		getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
			    NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(a->who, sizeof(a->who), "%s:%s", host, port);
	}
	conn_register(d, fd, true);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, conn_thread, a) != 0) {
		conn_register(d, fd, false);
		close(fd);
		free(a);
	}
	pthread_attr_destroy(&attr);
}

static void on_bad_object(void *ctx, const char *name, int err, const char *what)
{
	(void)ctx;
	vnfha_log(VNFHA_LOG_ERR, "checkpoint '%s' in the store is damaged (%s: %s); moved aside, "
		  "a primary will resend it", name, what, strerror(-err));
}

static void shutdown_all(struct ckptd *d)
{
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	ckptd_peers_stop(d); /* broadcasts: the CPG threads see stopping too */
	pthread_mutex_unlock(&d->lock);
	ckptd_cpg_stop(d);
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < d->n_conns; i++) {
		shutdown(d->conns[i], SHUT_RDWR);
	}
	pthread_cond_broadcast(&d->cond);
	/* Connection threads finish their current step and leave. */
	while (d->n_conns > 0) {
		pthread_cond_wait(&d->cond, &d->lock);
	}
	pthread_mutex_unlock(&d->lock);
}

int main(int argc, char **argv)
{
	static struct ckptd d;
	char why[256];
	char node[65] = "";
	struct pollfd pfd[3];
	sigset_t mask;
	int lfd = -1;
	int ufd = -1;
	int sfd = -1;
	int rc = 1;

	pthread_mutex_init(&d.lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&d.cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (parse_opts(argc, argv, &d.opts) != 0) {
		return 2;
	}
	if (d.opts.node == NULL) {
		gethostname(node, sizeof(node) - 1);
		d.opts.node = node;
	}
	vnfha_log_init("vnfha-ckptd", d.opts.node);
	/* With --cpg, checkpoints travel on Corosync's bus (its own crypto):
	 * no TCP listener and no key. */
	if (!d.opts.plaintext && d.opts.cpg_group == NULL &&
	    vnfha__ckpt_tls_load_key(d.opts.key_file, &d.key, why, sizeof(why)) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "%s", why);
		return 6;
	}
	d.store = vnfha__ckpt_store_open(d.opts.store_dir, on_bad_object, NULL);
	if (d.store == NULL) {
		vnfha_log(VNFHA_LOG_ERR, "cannot open store '%s': %s", d.opts.store_dir,
			  strerror(errno));
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &mask, NULL); /* threads inherit the mask */
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (d.opts.cpg_group == NULL) { /* with --cpg nothing listens on TCP */
		lfd = listen_tcp(d.opts.listen);
		if (lfd < 0) {
			vnfha_log(VNFHA_LOG_ERR, "cannot listen on '%s': %s", d.opts.listen,
				  strerror(-lfd));
			goto out;
		}
	}
	ufd = listen_unix(d.opts.socket_path);
	if (ufd < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot listen on '%s': %s", d.opts.socket_path,
			  strerror(-ufd));
		goto out;
	}
	d.epoch = vnfha__ckpt_store_max_epoch(d.store);
	d.role = VNFHA_CKPT_ROLE_REPLICA;
	/* Joined before any sender starts, so a failure leaves no thread. */
	if (d.opts.cpg_group != NULL && ckptd_cpg_start(&d) != 0) {
		goto out;
	}
	pthread_mutex_lock(&d.lock);
	ckptd_peers_set(&d, d.opts.peers, d.opts.n_peers);
	ckptd_set_role(&d, d.opts.role);
	pthread_mutex_unlock(&d.lock);
	vnfha_log(VNFHA_LOG_INFO, "started: role %s, %s %s (%s), store %s, %zu checkpoints",
		  d.opts.role == VNFHA_CKPT_ROLE_PRIMARY ? "primary" : "replica",
		  d.opts.cpg_group != NULL ? "CPG group" : "listening on",
		  d.opts.cpg_group != NULL ? d.opts.cpg_group : d.opts.listen,
		  d.opts.cpg_group != NULL ? "Corosync" : d.opts.plaintext ? "plaintext" : "TLS 1.3 PSK",
		  d.opts.store_dir,
		  vnfha__ckpt_store_count(d.store));
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = lfd, .events = POLLIN }; /* -1 with --cpg: ignored */
	pfd[2] = (struct pollfd){ .fd = ufd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, 3, -1) < 0) {
			continue;
		}
		if (pfd[0].revents != 0) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
			    si.ssi_signo != SIGPIPE) {
				vnfha_log(VNFHA_LOG_INFO, "signal %u: shutting down", si.ssi_signo);
				break;
			}
		}
		if (pfd[1].revents != 0) {
			accept_one(&d, lfd, false);
		}
		if (pfd[2].revents != 0) {
			accept_one(&d, ufd, true);
		}
	}
	if (lfd >= 0) {
		close(lfd);
	}
	lfd = -1;
	close(ufd);
	ufd = -1;
	unlink(d.opts.socket_path);
	shutdown_all(&d);
	vnfha_log(VNFHA_LOG_INFO, "stopped");
	rc = 0;
out:
	if (lfd >= 0) {
		close(lfd);
	}
	if (ufd >= 0) {
		close(ufd);
	}
	if (sfd >= 0) {
		close(sfd);
	}
	vnfha__ckpt_store_free(d.store);
	for (size_t i = 0; i < d.opts.n_peers; i++) {
		free(d.opts.peers[i]);
	}
	return rc;
}
