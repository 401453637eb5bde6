// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab_switch.h"
#include "common/parse.h"

static const char *const action_names[] = {
	[LAB_SWITCH_OFF] = "off",	  [LAB_SWITCH_ON] = "on",
	[LAB_SWITCH_REBOOT] = "reboot",	  [LAB_SWITCH_STATUS] = "status",
	[LAB_SWITCH_LIST] = "list",	  [LAB_SWITCH_MONITOR] = "monitor",
};

int lab_switch_action_parse(const char *name, enum lab_switch_action *ret_action)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*ret_action = (enum lab_switch_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *lab_switch_action_name(enum lab_switch_action action)
{
	return action_names[action];
}

int lab_switch_action_has_plug(enum lab_switch_action action)
{
	return action != LAB_SWITCH_LIST && action != LAB_SWITCH_MONITOR;
}

int lab_switch_plug_parse(const char *plug, long max_nodes, long *ret_node)
{
	long node = 0;
	int rc;

	if (strncmp(plug, "node", 4) != 0) {
		return -EINVAL;
	}
	/* "node03" or "node+3" are not node names: digits only, no leading 0. */
	if (plug[4] < '1' || plug[4] > '9') {
		return -EINVAL;
	}
	rc = vnfha__parse_long(plug + 4, 1, max_nodes, &node);
	if (rc < 0) {
		return rc;
	}
	*ret_node = node;
	return 0;
}

int lab_switch_request_parse(const char *line, long max_nodes,
			     enum lab_switch_action *ret_action, long *ret_node)
{
	char word[32];
	const char *space = strchr(line, ' ');
	enum lab_switch_action action;
	long node = 0;
	size_t len;
	int rc;

	if (space == NULL) {
		return -EINVAL;
	}
	len = (size_t)(space - line);
	if (len == 0 || len >= sizeof(word)) {
		return -EINVAL;
	}
	memcpy(word, line, len);
	word[len] = '\0';
	rc = lab_switch_action_parse(word, &action);
	if (rc < 0) {
		return rc;
	}
	if (!lab_switch_action_has_plug(action)) {
		if (strcmp(space + 1, "-") != 0) {
			return -EINVAL;
		}
	} else {
		rc = lab_switch_plug_parse(space + 1, max_nodes, &node);
		if (rc < 0) {
			return rc;
		}
	}
	*ret_action = action;
	*ret_node = node;
	return 0;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lab_switch_line_read(int fd, char *line, size_t line_len, int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	size_t used = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - monotonic_ms();
		char *nl;
		ssize_t n;

		if (left <= 0) {
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		n = read(fd, line + used, line_len - 1 - used);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			return -EPROTO;
		}
		used += (size_t)n;
		line[used] = '\0';
		if (strlen(line) != used) {
			return -EPROTO; /* a NUL inside the line */
		}
		nl = strchr(line, '\n');
		if (nl != NULL) {
			if (nl[1] != '\0') {
				return -EPROTO; /* one line per connection */
			}
			*nl = '\0';
			return 0;
		}
		if (used == line_len - 1) {
			return -EMSGSIZE;
		}
	}
}
