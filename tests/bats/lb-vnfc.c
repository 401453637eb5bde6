// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A VNFC stand-in for the LB-as-cluster-manager tests and bench: it links
 * libvnfha, serves HTTP/1.0 on ADDR:PORT (every GET answers its NAME),
 * answers HAProxy's agent checks through vnfha_lbagent_* on AGENT_ADDR, and
 * heartbeats every 100 ms from its main loop. What it does next is read
 * from the control file CTL (checked every 50 ms, one word):
 *   ok      serve, heartbeat, healthy, ready (the default)
 *   failed  vnfha_lbagent_health(FAILED)
 *   drain   vnfha_lbagent_admin(DRAIN)      maint  vnfha_lbagent_admin(MAINT)
 *   hang    the main loop stops serving and heartbeating (the agent thread
 *           goes on, as it would in a VNFC whose main loop is stuck)
 * Run by ocf:vnfha:vnfc ($VNFHA_CONTROL_SOCKET set), it also speaks the
 * role protocol: ready in each role it is given (it serves in both) and
 * heartbeats to the supervisor from the same main loop (the lb benchmark's
 * Pacemaker column).
 * Usage: lb-vnfc NAME ADDR:PORT AGENT_ADDR:PORT HEARTBEAT_TIMEOUT_MS CTL
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vnfha/vnfha.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_http(const char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(addr, ':');
	char host[64];
	int one = 1;
	int fd;

	if (colon == NULL || (size_t)(colon - addr) >= sizeof(host)) {
		return -1;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = '\0';
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
		return -1;
	}
	return fd;
}

static void serve_one(int lfd, const char *name)
{
	char req[2048], resp[256];
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct pollfd p;
	int n;

	if (fd < 0) {
		return;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	/* the request line and headers come in one segment on loopback */
	if (poll(&p, 1, 1000) == 1 && read(fd, req, sizeof(req)) > 0) {
		n = snprintf(resp, sizeof(resp),
			     "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
			     strlen(name) + 1, name);
		(void)!write(fd, resp, (size_t)n);
	}
	close(fd);
}

static void read_ctl(const char *path, char *word, size_t len)
{
	FILE *f = fopen(path, "re");

	snprintf(word, len, "ok");
	if (f != NULL) {
		if (fgets(word, (int)len, f) == NULL) {
			snprintf(word, len, "ok");
		}
		word[strcspn(word, " \n")] = '\0';
		fclose(f);
	}
}

/* The supervisor's side, when there is one: -1 when it closed or failed. */
static int role_step(struct vnfha_role_conn *role, bool readable, bool beat)
{
	enum vnfha_role r;

	if (readable && (vnfha_role_recv(role, &r) < 0 || vnfha_role_ready(role, r) < 0)) {
		return -1;
	}
	return beat && vnfha_role_heartbeat(role) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct vnfha_role_conn *role = NULL;
	struct vnfha_lbagent *agent = NULL;
	char ctl[32] = "ok", last[32] = "";
	int64_t next_hb = 0, next_ctl = 0;
	int lfd, rc;

	if (argc != 6) {
		fprintf(stderr, "usage: %s NAME ADDR:PORT AGENT_ADDR:PORT HB_TIMEOUT_MS CTL\n", argv[0]);
		return 2;
	}
	lfd = listen_http(argv[2]);
	if (lfd < 0) {
		perror("listen");
		return 1;
	}
	rc = vnfha_lbagent_open(argv[3], (unsigned int)atoi(argv[4]), &agent);
	if (rc < 0) {
		fprintf(stderr, "vnfha_lbagent_open: %s\n", vnfha_lib_strerror(rc));
		return 1;
	}
	if (getenv(VNFHA_ROLE_SOCKET_ENV) != NULL) {
		rc = vnfha_role_open(NULL, &role);
		if (rc < 0 || (rc = vnfha_role_ready(role, VNFHA_ROLE_STANDBY)) < 0) {
			fprintf(stderr, "vnfha_role: %s\n", vnfha_lib_strerror(rc));
			return 1;
		}
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = lfd, .events = POLLIN },
				       { .fd = role ? vnfha_role_fd(role) : -1, .events = POLLIN } };
		int64_t now = now_ms();
		bool beat = false;

		if (now >= next_ctl) {
			read_ctl(argv[5], ctl, sizeof(ctl));
			next_ctl = now + 50;
			if (strcmp(ctl, last) != 0) {
				snprintf(last, sizeof(last), "%s", ctl);
				vnfha_lbagent_health(agent, strcmp(ctl, "failed") == 0
								    ? VNFHA_HEALTH_FAILED
								    : VNFHA_HEALTH_OK,
						     strcmp(ctl, "failed") == 0 ? "told to fail" : NULL);
				vnfha_lbagent_admin(agent, strcmp(ctl, "drain") == 0 ? VNFHA_LBAGENT_DRAIN
							   : strcmp(ctl, "maint") == 0
								   ? VNFHA_LBAGENT_MAINT
								   : VNFHA_LBAGENT_READY);
			}
		}
		if (strcmp(ctl, "hang") == 0) {
			poll(NULL, 0, 50); /* stuck: no heartbeat, nothing served */
			continue;
		}
		if (now >= next_hb) {
			vnfha_lbagent_heartbeat(agent);
			next_hb = now + 100;
			beat = true;
		}
		if (poll(p, 2, 20) < 0) {
			continue;
		}
		if (role != NULL && role_step(role, p[1].revents != 0, beat) < 0) {
			return 1; /* the supervisor stopped us or died */
		}
		if (p[0].revents & POLLIN) {
			serve_one(lfd, argv[1]);
		}
	}
}
