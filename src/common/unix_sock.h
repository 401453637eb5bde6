/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unix-domain socket addresses, one way for the whole tree: the
 * checkpoint client and daemon, the role channel, the VNFC supervisor and
 * HAProxy's runtime API all name their sockets by path.
 */
#ifndef VNFHA_COMMON_UNIX_SOCK_H
#define VNFHA_COMMON_UNIX_SOCK_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/*
 * The address of path, and its exact length for bind()/connect().
 * -EINVAL: path NULL or empty; -ENAMETOOLONG: path (with its NUL) does not
 * fit sun_path (108 bytes on Linux).
 */
int vnfha__unix_addr(const char *path, struct sockaddr_un *ret_addr, socklen_t *ret_len);

/* A socket of type (SOCK_STREAM or SOCK_SEQPACKET, optionally with
 * SOCK_NONBLOCK; always SOCK_CLOEXEC) connected to path: the fd or -errno. */
int vnfha__unix_connect(const char *path, int type);

/* A socket of type bound to path and listening with backlog, the file's
 * mode set to mode; a stale socket file at path is replaced. The fd or
 * -errno. */
int vnfha__unix_listen(const char *path, int type, mode_t mode, int backlog);

/* The same, the file then owned by uid:gid (-1: that one unchanged), so
 * another local user or group reaches it (the VNFC's own user, statesync's
 * socket_group) and nobody else does. */
int vnfha__unix_listen_owned(const char *path, int type, mode_t mode, uid_t uid, gid_t gid,
			     int backlog);

#endif
