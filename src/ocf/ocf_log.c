// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Agent logging: one line per event on stderr (pacemaker-execd captures it
 * into the cluster log) and to syslog. This is program-side code: the
 * library proper never logs (STYLE.md rule 7).
 *
 * syslog(3), not libqb's logger: the same datagram to /dev/log, but libqb
 * brings libsystemd, libgcrypt, liblzma, libzstd, liblz4, libcap and
 * libgpg-error into every agent process, whose loading was most of an
 * agent action's own time (vnfc demote of a dead VNFC: 3.8 ms against
 * 1.3 ms for /bin/true here; every action of a failover pays it, and
 * pacemaker-execd's meta-data call before each start too).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ocf/ocf.h"

static char log_tag[160] = "vnfha";
static bool syslog_open;

static const char *level_name(enum vnfha_log_level level)
{
	switch (level) {
	case VNFHA_LOG_ERR:
		return "ERROR";
	case VNFHA_LOG_WARNING:
		return "WARNING";
	case VNFHA_LOG_INFO:
		return "INFO";
	case VNFHA_LOG_DEBUG:
		return "DEBUG";
	}
	return "INFO";
}

void vnfha_log_init(const char *agent, const char *resource)
{
	snprintf(log_tag, sizeof(log_tag), "%s(%s)", agent, resource ? resource : agent);
	if (syslog_open) {
		closelog(); /* the next line opens it with the new tag */
		syslog_open = false;
	}
}

/* syslog connects at the first line logged, not at every action: a quiet
 * action (a passing monitor) does not pay for it. */
static void syslog_start(void)
{
	if (!syslog_open) {
		syslog_open = true;
		openlog(log_tag, LOG_PID, LOG_DAEMON);
	}
}

static void vlog(enum vnfha_log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (level <= VNFHA_LOG_INFO || getenv("OCF_TRACE_RA") != NULL) {
		fprintf(stderr, "%s[%ld]: %s: %s\n", log_tag, (long)getpid(), level_name(level),
			line);
		syslog_start();
		syslog((int)level, "%s", line);
	}
}

void vnfha_log(enum vnfha_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void vnfha_ocf_exit_reason(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Pacemaker takes the last line with this prefix as the reason. */
	fprintf(stderr, "ocf-exit-reason:%s\n", line);
}

int vnfha_ocf_fail(int rc, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vnfha_log(VNFHA_LOG_ERR, "%s", line);
	vnfha_ocf_exit_reason("%s", line);
	return rc;
}
