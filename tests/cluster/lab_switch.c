// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
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

/* "<prefix><N>" with 1 <= N <= max: digits only, no leading 0, no sign. */
static int numbered_parse(const char *text, const char *prefix, long max, long *ret_num)
{
	size_t len = strlen(prefix);

	if (strncmp(text, prefix, len) != 0 || text[len] < '1' || text[len] > '9') {
		return -EINVAL;
	}
	if (max < 1) {
		return -ERANGE;
	}
	return vnfha__parse_long(text + len, 1, max, ret_num);
}

int lab_switch_plug_parse(const char *plug, const struct lab_switch_size *size, long *ret_slot)
{
	long num = 0;
	int rc;

	if (strncmp(plug, "remote", 6) == 0) {
		rc = numbered_parse(plug, "remote", size->remotes, &num);
		num += LAB_NODES_MAX;
	} else {
		rc = numbered_parse(plug, "node", size->nodes, &num);
	}
	if (rc < 0) {
		return rc;
	}
	*ret_slot = num;
	return 0;
}

int lab_switch_slot_is_remote(long slot)
{
	return slot > LAB_NODES_MAX;
}

static int slot_format(long slot, const char *node_prefix, const char *remote_prefix,
		       char *buf, size_t len)
{
	int n;

	if (slot < 1 || slot > LAB_SLOTS_MAX) {
		return -ERANGE;
	}
	if (lab_switch_slot_is_remote(slot)) {
		n = snprintf(buf, len, "%s%ld", remote_prefix, slot - LAB_NODES_MAX);
	} else {
		n = snprintf(buf, len, "%s%ld", node_prefix, slot);
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int lab_switch_slot_name(long slot, char *buf, size_t len)
{
	return slot_format(slot, "node", "remote", buf, len);
}

int lab_switch_slot_id(long slot, char *buf, size_t len)
{
	return slot_format(slot, "", "r", buf, len);
}

long lab_switch_slot_first(const struct lab_switch_size *size)
{
	if (size->nodes >= 1) {
		return 1;
	}
	return size->remotes >= 1 ? LAB_NODES_MAX + 1 : 0;
}

long lab_switch_slot_next(const struct lab_switch_size *size, long slot)
{
	if (slot < size->nodes) {
		return slot + 1;
	}
	if (slot <= LAB_NODES_MAX) {
		return size->remotes >= 1 ? LAB_NODES_MAX + 1 : 0;
	}
	return slot < LAB_NODES_MAX + size->remotes ? slot + 1 : 0;
}

int lab_switch_request_parse(const char *line, const struct lab_switch_size *size,
			     enum lab_switch_action *ret_action, long *ret_slot)
{
	char word[32];
	const char *space = strchr(line, ' ');
	enum lab_switch_action action;
	long slot = 0;
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
		rc = lab_switch_plug_parse(space + 1, size, &slot);
		if (rc < 0) {
			return rc;
		}
	}
	*ret_action = action;
	*ret_slot = slot;
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
