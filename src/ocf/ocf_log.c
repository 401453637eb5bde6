// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Agent logging: one line per event on stderr (pacemaker-execd captures it
 * into the cluster log) and to syslog through libqb. This is program-side
 * code: the library proper never logs (STYLE.md rule 7).
 */
#include <qb/qblog.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ocf/ocf.h"

static char log_tag[160] = "vnfha";

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
}

/* libqb's logger starts at the first line logged, not at every action:
 * a quiet action (a passing monitor) does not pay for setting it up. */
static void qb_start(void)
{
	static bool started;

	if (started) {
		return;
	}
	started = true;
	qb_log_init(log_tag, LOG_DAEMON, LOG_INFO);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_TRUE);
}

static void vlog(enum vnfha_log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (level <= VNFHA_LOG_INFO || getenv("OCF_TRACE_RA") != NULL) {
		fprintf(stderr, "%s[%ld]: %s: %s\n", log_tag, (long)getpid(), level_name(level),
			line);
		qb_start();
		qb_log_from_external_source(__func__, __FILE__, "%s", (uint8_t)level, __LINE__, 0,
					    line);
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
