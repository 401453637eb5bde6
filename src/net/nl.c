// SPDX-License-Identifier: LGPL-2.1-or-later
/* The rtnetlink socket: requests, ACKs, dumps (see nl.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/nl_internal.h"
#include "net/nl_msg.h"

/* A dump the kernel interrupted (NLM_F_DUMP_INTR) is asked again this often. */
#define NL_DUMP_TRIES 5

struct vnfha_nl *vnfha_nl_open(void)
{
	struct vnfha_nl *nl = calloc(1, sizeof(*nl));
	int on = 1;
	int saved;

	if (nl == NULL) {
		return NULL;
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL) {
		goto err_free;
	}
	/* Extended ACK text, ACKs without the echoed request, and dumps the
	 * kernel filters on the header fields we set (ifa_index). */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on, sizeof(on)) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on, sizeof(on)) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &on, sizeof(on)) < 0 ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		goto err_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;

err_close:
	saved = errno;
	mnl_socket_close(nl->sock);
	errno = saved;
err_free:
	saved = errno;
	free(nl);
	errno = saved;
	return NULL;
}

void vnfha_nl_free(struct vnfha_nl *nl)
{
	if (nl == NULL) {
		return;
	}
	mnl_socket_close(nl->sock);
	free(nl);
}

int vnfha_nl_subscribe(struct vnfha_nl *nl, unsigned int group)
{
	int g = (int)group;

	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0) {
		return -errno;
	}
	return 0;
}

const char *vnfha_nl_error_text(const struct vnfha_nl *nl)
{
	return nl != NULL ? nl->ext_ack : "";
}

int vnfha__nl_fd(const struct vnfha_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

uint32_t vnfha__nl_next_seq(struct vnfha_nl *nl)
{
	nl->seq++;
	if (nl->seq == 0) {
		nl->seq = 1; /* 0 is what events carry */
	}
	return nl->seq;
}

ssize_t vnfha__nl_recv(struct vnfha_nl *nl, void *buf, size_t len)
{
	ssize_t n = mnl_socket_recvfrom(nl->sock, buf, len);

	return n < 0 ? -errno : n;
}

/*
 * Sends the request in buf and reads until its ACK, error or NLMSG_DONE.
 * Messages of other sequence numbers or ports (events on a subscribed
 * socket, stale replies) are skipped. Data messages go to cb.
 */
static int nl_transact(struct vnfha_nl *nl, struct nlmsghdr *req, vnfha__nl_cb cb, void *data)
{
	char buf[VNFHA_NL_RECV_BUF];
	bool interrupted = false;
	uint32_t seq = req->nlmsg_seq;

	nl->ext_ack[0] = '\0';
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		return -errno;
	}
	for (;;) {
		ssize_t n = vnfha__nl_recv(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int left = (int)n;

		if (n < 0) {
			return (int)n;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			int rc = 0;

			if (nlh->nlmsg_seq != seq || !mnl_nlmsg_portid_ok(nlh, nl->portid) ||
			    nlh->nlmsg_pid == 0) {
				continue;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
				interrupted = true;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int error = 0;

				rc = vnfha_nl_error_parse(nlh, nlh->nlmsg_len, &error, nl->ext_ack,
							  sizeof(nl->ext_ack));
				if (rc < 0) {
					return rc;
				}
				return error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				return interrupted ? -EINTR : 0;
			}
			if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_OVERRUN) {
				continue;
			}
			if (cb != NULL) {
				rc = cb(nlh, data);
			}
			if (rc < 0) {
				return rc;
			}
		}
		if (left != 0) {
			return -EBADMSG;
		}
	}
}

int vnfha__nl_request(struct vnfha_nl *nl, void *req, vnfha__nl_cb cb, void *data)
{
	struct nlmsghdr *nlh = req;

	nlh->nlmsg_seq = vnfha__nl_next_seq(nl);
	return nl_transact(nl, nlh, cb, data);
}

int vnfha__nl_dump(struct vnfha_nl *nl, void *req, vnfha__nl_cb cb, vnfha__nl_reset_fn reset,
		   void *data)
{
	struct nlmsghdr *nlh = req;
	int rc = -EINTR;

	for (int i = 0; i < NL_DUMP_TRIES && rc == -EINTR; i++) {
		if (reset != NULL) {
			reset(data);
		}
		nlh->nlmsg_seq = vnfha__nl_next_seq(nl);
		rc = nl_transact(nl, nlh, cb, data);
	}
	return rc;
}
