// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-ckptd: the checkpoint daemon. Parses options, opens and verifies
 * the store, listens on the local Unix socket, starts the replication
 * (TCP, or CPG with --cpg: struct ckptd_repl) and hands each connection,
 * local or on the replication's listener, to a thread. SIGTERM/SIGINT
 * (signalfd) stop it cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
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

#include "common/fs.h"
#include "common/unix_sock.h"
#include "ocf/ocf.h"
#include "vnfha-ckptd.h"

struct conn_arg {
	struct ckptd *d;
	int fd;
	void (*serve)(struct ckptd *d, int fd, const char *who);
	char who[80];
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnfha-ckptd [--role primary|replica] [--listen ADDR:PORT]\n"
		"                   [--peer HOST:PORT]... [--store DIR] [--key FILE]\n"
		"                   [--socket PATH] [--node NAME] [--plaintext]\n"
		"                   [--cpg GROUP | --shared] [--metrics-listen ADDR:PORT]\n"
		"                   [--socket-group GROUP]\n"
		"Environment: VNFHA_CKPT_ROLE, VNFHA_CKPT_LISTEN, VNFHA_CKPT_PEERS,\n"
		"VNFHA_CKPT_STORE, VNFHA_CKPT_KEY, VNFHA_CKPT_SOCKET, VNFHA_CKPT_PLAINTEXT,\n"
		"VNFHA_CKPT_METRICS_LISTEN (Prometheus metrics; off unless set).\n");
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

/* Says what is wrong with addr, from where (--peer or the variable). The
 * replica list is bounded: a commit's result names at most
 * VNFHA_CKPT_MAX_PEERS replicas (vnfha/ckpt.h). */
static int add_peer_opt(struct ckptd_opts *o, const char *addr, const char *from)
{
	char host[256];
	const char *port;

	if (strlen(addr) > VNFHA_CKPT_NAME_MAX ||
	    ckptd_split_addr(addr, host, sizeof(host), &port) != 0) {
		fprintf(stderr, "vnfha-ckptd: %s '%s': want HOST:PORT or [IPV6]:PORT\n", from, addr);
		return -EINVAL;
	}
	if (o->n_peers >= VNFHA_CKPT_MAX_PEERS) {
		fprintf(stderr, "vnfha-ckptd: %s '%s': more than %d replicas; list at most %d\n",
			from, addr, VNFHA_CKPT_MAX_PEERS, VNFHA_CKPT_MAX_PEERS);
		return -E2BIG;
	}
	o->peers[o->n_peers] = strdup(addr);
	if (o->peers[o->n_peers] == NULL) {
		return -ENOMEM;
	}
	o->n_peers++;
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
		{ "metrics-listen", required_argument, NULL, 'M' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "shared", no_argument, NULL, 'D' },
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
	o->metrics_listen = getenv("VNFHA_CKPT_METRICS_LISTEN");
	if (o->metrics_listen != NULL && o->metrics_listen[0] == '\0') {
		o->metrics_listen = NULL;
	}
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
			if (add_peer_opt(o, t, "VNFHA_CKPT_PEERS") != 0) {
				free(copy);
				return -EINVAL;
			}
		}
		free(copy);
	}
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'M':
			o->metrics_listen = optarg[0] != '\0' ? optarg : NULL;
			break;
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
			if (add_peer_opt(o, optarg, "--peer") != 0) {
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
		case 'g':
			o->socket_group = optarg;
			break;
		case 'D':
			o->shared = true;
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
	if (o->cpg_group != NULL && o->n_peers > 0) {
		fprintf(stderr, "vnfha-ckptd: --peer (or VNFHA_CKPT_PEERS) and --cpg exclude each "
			"other: with --cpg the CPG group's members are the replicas\n");
		return -EINVAL;
	}
	if (o->shared && (o->n_peers > 0 || o->cpg_group != NULL)) {
		fprintf(stderr, "vnfha-ckptd: --shared excludes --peer (VNFHA_CKPT_PEERS) and --cpg: "
			"the store is on shared storage and has no replica\n");
		return -EINVAL;
	}
	return 0;
}

/* The local socket, mode 0660: root and gid (-1: root's group) may commit
 * and switch roles, nobody else (a connect gets EACCES). Its directory is
 * made 0755 if missing, so a VNFC that runs as another user reaches it. */
static int listen_unix(const char *path, gid_t gid)
{
	struct sockaddr_un sun;
	char dir[sizeof(sun.sun_path)];
	char *slash;
	int rc;

	if (strlen(path) >= sizeof(dir)) {
		return -ENAMETOOLONG;
	}
	memcpy(dir, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rc = vnfha__mkdir_p(dir, 0755, 0755);
		if (rc < 0) {
			return rc;
		}
	}
	return vnfha__unix_listen_owned(path, SOCK_STREAM, 0660, (uid_t)-1, gid, 64);
}

/* --socket-group NAME: its gid; none given: -1 (the group stays root's). */
static int socket_gid(const char *name, gid_t *ret_gid)
{
	const struct group *gr;

	if (name == NULL) {
		*ret_gid = (gid_t)-1;
		return 0;
	}
	gr = getgrnam(name);
	if (gr == NULL) {
		return -ENOENT;
	}
	*ret_gid = gr->gr_gid;
	return 0;
}

/* add: -ENOMEM when it cannot be tracked (then it is refused). */
static int conn_register(struct ckptd *d, int fd, bool add)
{
	int rc = 0;

	pthread_mutex_lock(&d->lock);
	if (add) {
		rc = ckptd_grow((void **)&d->conns, &d->cap_conns, d->n_conns, sizeof(*d->conns));
		if (rc == 0) {
			d->conns[d->n_conns++] = fd;
		}
	} else {
		for (size_t i = 0; i < d->n_conns; i++) {
			if (d->conns[i] == fd) {
				d->conns[i] = d->conns[--d->n_conns];
				break;
			}
		}
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static void serve_local(struct ckptd *d, int fd, const char *who)
{
	struct vnfha__ckpt_conn c;

	(void)who;
	vnfha__ckpt_conn_init_fd(&c, fd);
	ckptd_serve_local(d, &c);
	vnfha__ckpt_conn_close(&c);
}

static void *conn_thread(void *arg)
{
	struct conn_arg *a = arg;
	struct ckptd *d = a->d;
	int fd = a->fd;

	a->serve(d, fd, a->who);
	conn_register(d, fd, false);
	free(a);
	return NULL;
}

/* local: the Unix socket; else the replication's listener. */
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
	a->serve = local ? serve_local : d->serve_remote;
	if (local) {
		snprintf(a->who, sizeof(a->who), "local");
	} else {
		char host[64] = "?";
		char port[16] = "?";

		getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
			    NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(a->who, sizeof(a->who), "%s:%s", host, port);
	}
	if (conn_register(d, fd, true) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "refused connection from %s: out of memory", a->who);
		close(fd);
		free(a);
		return;
	}
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

/* The connections first (a local request may ask the replication for
 * states until it leaves), then the replication's own threads. */
static void shutdown_all(struct ckptd *d)
{
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	for (size_t i = 0; i < d->n_conns; i++) {
		shutdown(d->conns[i], SHUT_RDWR);
	}
	pthread_cond_broadcast(&d->cond);
	/* Connection threads finish their current step and leave. */
	while (d->n_conns > 0) {
		pthread_cond_wait(&d->cond, &d->lock);
	}
	pthread_mutex_unlock(&d->lock);
	d->repl->stop(d);
	ckptd_timer_stop(d);
}

int main(int argc, char **argv)
{
	static struct ckptd d;
	char why[256];
	char node[65] = "";
	struct pollfd pfd[3];
	sigset_t mask;
	gid_t sock_gid = (gid_t)-1;
	int ufd = -1;
	int sfd = -1;
	int rc = 1;

	pthread_mutex_init(&d.lock, NULL);
	ckptd_cond_init(&d.cond);
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
	d.repl = d.opts.shared		    ? &ckptd_repl_shared
		 : d.opts.cpg_group != NULL ? &ckptd_repl_cpg
					    : &ckptd_repl_tcp;
	d.listen_fd = -1;
	if (!d.opts.plaintext && d.opts.cpg_group == NULL && !d.opts.shared &&
	    vnfha__ckpt_tls_load_key(d.opts.key_file, &d.key, why, sizeof(why)) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "%s", why);
		return 6;
	}
	if (socket_gid(d.opts.socket_group, &sock_gid) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "--socket-group '%s': no such group on this node; create "
			  "it (groupadd) or name another", d.opts.socket_group);
		return 6;
	}
	/* Every missing level of the store (/var/lib/vnfha/ckpt on a new
	 * host): the levels above 0755, the store itself 0700. */
	rc = vnfha__mkdir_p(d.opts.store_dir, 0755, 0700);
	if (rc < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot create store '%s': %s", d.opts.store_dir,
			  strerror(-rc));
		return 1;
	}
	rc = 1;
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
	ufd = listen_unix(d.opts.socket_path, sock_gid);
	if (ufd < 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot listen on '%s': %s", d.opts.socket_path,
			  strerror(-ufd));
		goto out;
	}
	d.epoch = vnfha__ckpt_store_max_epoch(d.store);
	d.role = VNFHA_CKPT_ROLE_REPLICA;
	/* Started before the first role is set, so a failure leaves no thread. */
	if (d.repl->start(&d) != 0) {
		unlink(d.opts.socket_path);
		goto out;
	}
	if (ckptd_metrics_start(&d) != 0) {
		unlink(d.opts.socket_path);
		d.stopping = true;
		d.repl->stop(&d);
		goto out;
	}
	if (ckptd_timer_start(&d) != 0) {
		vnfha_log(VNFHA_LOG_ERR, "cannot start the timer thread");
		ckptd_metrics_stop(&d);
		d.stopping = true;
		d.repl->stop(&d);
		unlink(d.opts.socket_path);
		goto out;
	}
	pthread_mutex_lock(&d.lock);
	ckptd_set_role(&d, d.opts.role);
	pthread_mutex_unlock(&d.lock);
	vnfha_log(VNFHA_LOG_INFO, "started: role %s, %s %s (%s), store %s, %zu checkpoints",
		  d.opts.role == VNFHA_CKPT_ROLE_PRIMARY ? "primary" : "replica",
		  d.opts.shared ? "shared store" : d.opts.cpg_group != NULL ? "CPG group" : "listening on",
		  d.opts.shared ? "(no replicas)" : d.opts.cpg_group != NULL ? d.opts.cpg_group : d.opts.listen,
		  d.opts.shared ? "sync: stored there, durable: fsync'ed there"
		  : d.opts.cpg_group != NULL ? "Corosync" : d.opts.plaintext ? "plaintext" : "TLS 1.3 PSK",
		  d.opts.store_dir,
		  vnfha__ckpt_store_count(d.store));
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = d.listen_fd, .events = POLLIN }; /* -1: ignored */
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
			accept_one(&d, d.listen_fd, false);
		}
		if (pfd[2].revents != 0) {
			accept_one(&d, ufd, true);
		}
	}
	close(ufd);
	ufd = -1;
	unlink(d.opts.socket_path);
	ckptd_metrics_stop(&d); /* before the replication frees what it reads */
	shutdown_all(&d);
	vnfha_log(VNFHA_LOG_INFO, "stopped");
	rc = 0;
out:
	if (ufd >= 0) {
		close(ufd);
	}
	if (sfd >= 0) {
		close(sfd);
	}
	ckptd_obj_free_all(&d);
	vnfha__ckpt_store_free(d.store);
	for (size_t i = 0; i < d.opts.n_peers; i++) {
		free(d.opts.peers[i]);
	}
	free(d.conns);
	free(d.wants);
	return rc;
}
