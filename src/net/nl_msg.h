/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure rtnetlink encoders and decoders (STYLE.md rule 12): each builder
 * writes one request into buf and returns its length or a negative errno
 * (-ENOSPC when buf is too small, -EINVAL for a bad struct); each parser
 * reads one message of len bytes and fills ret_* only on success
 * (-EINVAL malformed, -ENOMSG another message type or family).
 * No sockets: the unit tests and fuzzers feed them canned bytes.
 */
#ifndef VNFHA_NL_MSG_H
#define VNFHA_NL_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "net/nl.h"

/* Room for any request below. */
#define VNFHA_NL_REQ_MAX 512

/* RTM_NEWADDR (NLM_F_CREATE | NLM_F_EXCL) or RTM_DELADDR for a. */
int vnfha_nl_addr_build(void *buf, size_t len, uint16_t type, uint32_t seq,
			const struct vnfha_addr *a);
/* RTM_GETADDR dump of one family, filtered to ifindex when > 0 (strict). */
int vnfha_nl_addr_dump_build(void *buf, size_t len, uint32_t seq, int family, int ifindex);
/* RTM_NEWADDR / RTM_DELADDR. */
int vnfha_nl_addr_parse(const void *buf, size_t len, struct vnfha_addr *ret_addr);

/* RTM_GETLINK for one link, by name (ifindex 0) or index (name NULL). */
int vnfha_nl_link_get_build(void *buf, size_t len, uint32_t seq, const char *name, int ifindex);
/* RTM_NEWLINK. */
int vnfha_nl_link_parse(const void *buf, size_t len, struct vnfha_link *ret_link);

/* RTM_GETROUTE with RTM_F_FIB_MATCH for dst (4 or 16 bytes by family). */
int vnfha_nl_route_get_build(void *buf, size_t len, uint32_t seq, int family, const void *dst);
/* RTM_GETROUTE dump of one family's routes in one table (strict check:
 * the kernel sends that table's alone). */
int vnfha_nl_route_dump_build(void *buf, size_t len, uint32_t seq, int family, uint32_t table);
/* RTM_NEWROUTE. */
int vnfha_nl_route_parse(const void *buf, size_t len, struct vnfha_route *ret_route);

/* RTM_NEWADDRLABEL (NLM_F_CREATE | NLM_F_EXCL) or RTM_DELADDRLABEL for an
 * IPv6 prefix on every interface, with label (not 0xffffffff, which the
 * kernel reserves). */
int vnfha_nl_addrlabel_build(void *buf, size_t len, uint16_t type, uint32_t seq,
			     const struct in6_addr *prefix, uint8_t prefixlen, uint32_t label);

/*
 * NLMSG_ERROR: ret_error gets the (negative) errno, 0 for an ACK; msg gets
 * the extended-ACK text (NLMSGERR_ATTR_MSG) or "" when there is none.
 */
int vnfha_nl_error_parse(const void *buf, size_t len, int *ret_error, char *msg, size_t msg_len);

#endif
