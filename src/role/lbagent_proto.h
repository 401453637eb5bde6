/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HAProxy's agent-check answer (HAProxy configuration manual, "agent-check"):
 * one ASCII line of words separated by spaces, an optional "#" and a
 * description HAProxy shows in its logs and in `show stat` (agent_desc).
 * We always write an operational word and an administrative word, so an
 * answer never leaves an earlier drain or maint set by mistake:
 *
 *   up ready [N%]      serving (N: weight, percent of the configured one)
 *   down ready #why    dead inside: heartbeat lost or health failed
 *
 * The description must follow a blank: HAProxy 2.6 reads "ready#why" as one
 * unknown word (seen in `show stat` last_agt).
 *   up drain [N%]      finish open sessions, take no new ones
 *   up maint           out of the pool on purpose
 *
 * HAProxy marks a server down at once on "down" (no `fall` count) and
 * ignores an agent it cannot reach, so the server's own `check` is what
 * catches a VNFC process that is gone with its responder.
 */
#ifndef VNFHA_LBAGENT_PROTO_H
#define VNFHA_LBAGENT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Longest description we send (HAProxy keeps the first 64 bytes in agent_desc). */
#define VNFHA__LBAGENT_WHY_MAX 200
/* Longest answer: words, weight, '#', description, "\n". */
#define VNFHA__LBAGENT_ANSWER_MAX (32 + VNFHA__LBAGENT_WHY_MAX)

enum vnfha__lbagent_admin { VNFHA__LBA_READY = 0, VNFHA__LBA_DRAIN, VNFHA__LBA_MAINT };

struct vnfha__lbagent_view {
	bool up;			/* false: down (dead, hung or failed) */
	enum vnfha__lbagent_admin admin;
	unsigned int weight_pct;	/* 1..100, 0: say nothing (keep HAProxy's) */
	const char *why;		/* description, may be NULL */
};

/*
 * Writes the answer line (with its "\n", NUL-terminated) for view into buf.
 * Control characters, '#' and non-ASCII bytes of why are dropped and it is
 * cut at VNFHA__LBAGENT_WHY_MAX. Returns the length or -EINVAL/-ENOSPC.
 */
int vnfha__lbagent_answer(const struct vnfha__lbagent_view *view, char *buf, size_t len);

/* "A.B.C.D:PORT" or "[IPv6]:PORT", numeric (no resolver that could block); PORT 0 allowed.
 * 0 or -EINVAL. */
int vnfha__lbagent_parse_address(const char *text, struct sockaddr_storage *ret_ss,
				 socklen_t *ret_len);
/* A listening TCP socket (SO_REUSEADDR, non-blocking, close-on-exec); its port in *ret_port. */
int vnfha__lbagent_listen(const struct sockaddr_storage *ss, socklen_t len, int *ret_port);

#endif
