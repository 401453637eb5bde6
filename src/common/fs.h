/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Directories the programs need on a host that has none of them yet
 * (/var/lib/vnfha/ckpt, /run/vnfha after a reboot), and files replaced
 * whole.
 */
#ifndef VNFHA_FS_H
#define VNFHA_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Creates path and each missing directory above it. A directory this call
 * creates gets exactly `mode` (path itself) or `parent_mode` (the ones
 * above), whatever the umask, and the caller's owner; directories that
 * exist already are left as they are.
 * Errors: -EINVAL (empty or relative path), -ENAMETOOLONG, -ENOTDIR (a
 * component is not a directory), -errno of mkdir/chmod.
 */
int vnfha__mkdir_p(const char *path, mode_t parent_mode, mode_t mode);

/*
 * Replaces path with len bytes of buf at once: written to "PATH.tmp"
 * (created with mode), fsync'ed first when sync, then renamed over path. A
 * reader sees the old file or the new one, never part of it; on an error
 * nothing is left behind and path is unchanged.
 * Errors: -EINVAL (NULL path), -ENAMETOOLONG, -ENOMEM, -errno of
 * open/write/fsync/rename.
 */
int vnfha__write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
			     bool sync);

#endif
