/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Directories the programs need on a host that has none of them yet
 * (/var/lib/vnfha/ckpt, /run/vnfha after a reboot).
 */
#ifndef VNFHA_FS_H
#define VNFHA_FS_H

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

#endif
