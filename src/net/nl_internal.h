/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the files of the rtnetlink layer (nl*.c, findif.c) only. */
#ifndef VNFHA_NL_INTERNAL_H
#define VNFHA_NL_INTERNAL_H

#include <linux/netlink.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/nl.h"

/* Big enough for any one datagram the kernel sends us (it fits a dump
 * part to the reader's buffer, up to 32 KiB). */
#define VNFHA_NL_RECV_BUF 32768

struct mnl_socket;

struct vnfha_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char ext_ack[256];
};

/* Called for each data message of a reply; 0 to go on or -errno to stop. */
typedef int (*vnfha__nl_cb)(const struct nlmsghdr *nlh, void *data);
/* Clears what a callback gathered, before a dump is asked again. */
typedef void (*vnfha__nl_reset_fn)(void *data);

/* Stamps a sequence number on req and runs it to its ACK. */
int vnfha__nl_request(struct vnfha_nl *nl, void *req, vnfha__nl_cb cb, void *data);
/* The same for a dump, asked again while the kernel says NLM_F_DUMP_INTR. */
int vnfha__nl_dump(struct vnfha_nl *nl, void *req, vnfha__nl_cb cb, vnfha__nl_reset_fn reset,
		   void *data);
int vnfha__nl_fd(const struct vnfha_nl *nl);
uint32_t vnfha__nl_next_seq(struct vnfha_nl *nl);
ssize_t vnfha__nl_recv(struct vnfha_nl *nl, void *buf, size_t len);

#endif
