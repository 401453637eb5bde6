// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether a new vnfc supervisor must set the promotion score at once: the
 * score outlives a stop, so in a recovery in place it is set already, and
 * crm_attribute can wait until the promote is done (vnfc_supervise.c
 * start_score()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vnfc.h"

/* How long after ready a supervisor refreshes a promotion score that is set
 * already: after the recovery's promote. */
#define SCORE_REFRESH_DELAY_MS 1000

/* The start of a small file, NUL-terminated in buf: its length (> 0), or
 * -errno (-EIO: empty). */
static ssize_t read_text(const char *path, int flags, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0) {
		return -errno;
	}
	n = read(fd, buf, len - 1);
	n = n < 0 ? -errno : n == 0 ? -EIO : n;
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
	}
	return n;
}

/*
 * The executor that runs this action, as "PID STARTTIME" (/proc/PID/stat's
 * 22nd field): a restart of Pacemaker (or of pacemaker-remoted) is a new
 * one, and the node's transient attributes may be gone with the old one.
 */
int vnfc_executor_id(char *buf, size_t len)
{
	char path[64], stat[1024];
	unsigned long long start = 0;
	pid_t ppid = getppid();
	const char *p;
	ssize_t n;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)ppid);
	n = read_text(path, 0, stat, sizeof(stat));
	if (n < 0) {
		return (int)n;
	}
	/* "pid (comm) state ppid ...": comm may hold blanks and parentheses */
	p = strrchr(stat, ')');
	for (field = 2; p != NULL && field < 22; field++) {
		p = strchr(p + 1, ' ');
	}
	if (p == NULL || sscanf(p + 1, "%llu", &start) != 1) {
		return -EPROTO;
	}
	n = snprintf(buf, len, "%ld %llu", (long)ppid, start);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* How long the new supervisor waits before it sets the promotion score:
 * SCORE_REFRESH_DELAY_MS when mark says this executor saw it set to this
 * value (a recovery in place: stop keeps the score), else 0. */
unsigned int vnfc_score_delay(const char *mark, const char *executor, long score)
{
	char want[96], have[96];

	if (executor == NULL || vnfc_score_mark_text(want, sizeof(want), executor, score) < 0 ||
	    read_text(mark, O_NOFOLLOW, have, sizeof(have)) < 0) {
		return 0;
	}
	return strcmp(have, want) == 0 ? SCORE_REFRESH_DELAY_MS : 0;
}

int vnfc_score_mark_text(char *buf, size_t len, const char *executor, long score)
{
	int n = snprintf(buf, len, "%s %ld\n", executor, score);

	return n > 0 && (size_t)n < len ? n : -ENAMETOOLONG;
}
