// SPDX-License-Identifier: LGPL-2.1-or-later
/* Network namespace entry by setns(2), never by re-executing (nl.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/nl.h"

/* Where `ip netns add` bind-mounts its namespaces (iproute2 NETNS_RUN_DIR). */
#define NETNS_RUN_DIR "/run/netns"

bool vnfha_netns_name_is_valid(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len >= PATH_MAX - sizeof(NETNS_RUN_DIR) - 1) {
		return false;
	}
	if (name[0] == '/') {
		return true;
	}
	/* A bare name, as `ip netns` accepts: no slash, not "." or "..". */
	return strchr(name, '/') == NULL && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int vnfha_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd = -1;
	int rc = 0;

	if (!vnfha_netns_name_is_valid(name)) {
		return -EINVAL;
	}
	if (name[0] == '/') {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOTDIR ? -ENOENT : -errno;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		rc = -errno;
	}
	close(fd);
	return rc;
}
