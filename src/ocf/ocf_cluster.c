// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "ocf/ocf.h"
#include "ocf/ocf_cluster.h"
#include "common/clock.h"
#include "common/parse.h"
#include "common/spawn.h"

#define DEFAULT_ACTION_MS 20000
#define MARGIN_MS 1000
#define CRM_TOOL_TIMEOUT_MS 10000
/* A tool that could not reach the cluster is run again (ocf_cluster.h),
 * while the tries so far took less than this: seen on a
 * Pacemaker Remote node while the cluster was busy, crm_attribute "Could
 * not connect to the CIB: Communication error on send" (exit 71) once, and
 * a promoted node's score left behind its replicas' moved the promotion. */
#define RETRY_WITHIN_MS 5000

unsigned int vnfha_ocf_budget_ms(void)
{
	const char *text = getenv("OCF_RESKEY_CRM_meta_timeout");
	long ms = DEFAULT_ACTION_MS;

	if (text != NULL && vnfha__parse_long(text, 1, INT_MAX, &ms) < 0) {
		ms = DEFAULT_ACTION_MS;
	}
	return ms > 2 * MARGIN_MS ? (unsigned int)(ms - MARGIN_MS) : (unsigned int)ms / 2;
}

const char *vnfha_ocf_node_name(void)
{
	static struct utsname uts;
	const char *node = getenv("OCF_RESKEY_CRM_meta_on_node");

	if (node != NULL && *node != '\0') {
		return node;
	}
	return uname(&uts) == 0 ? uts.nodename : "localhost";
}

void vnfha_ocf_primitive(const char *instance, char *buf, size_t len)
{
	snprintf(buf, len, "%s", instance);
	buf[strcspn(buf, ":")] = '\0';
}

bool vnfha_ocf_tool_unreachable(int status)
{
	return status == 69 || status == 71 || status == 102;
}

static int run_tool(char *const argv[], char *out, size_t out_len)
{
	int64_t t0 = vnfha__now_ms();

	for (int try = 1;; try++) {
		int status = 0;
		int rc = vnfha__run(argv, CRM_TOOL_TIMEOUT_MS, &status, out, out_len);
		bool again;

		if (rc == -EMSGSIZE) {
			vnfha_log(VNFHA_LOG_ERR, "%s %s printed more than the %zu bytes read of it: "
				  "refused rather than cut (a node left out may hold the freshest "
				  "data)", argv[0], argv[1], out_len - 1);
			return rc;
		}
		if (rc == 0 && status == 0) {
			return 0;
		}
		again = rc == 0 && vnfha_ocf_tool_unreachable(status) && try < VNFHA_OCF_TOOL_TRIES &&
			vnfha__now_ms() - t0 < RETRY_WITHIN_MS;
		vnfha_log(VNFHA_LOG_WARNING, "%s %s failed (%s, status %d)%s", argv[0], argv[1],
			  rc < 0 ? strerror(-rc) : "ran", status, again ? "; trying again" : "");
		if (!again) {
			return rc < 0 ? rc : -EIO;
		}
		poll(NULL, 0, VNFHA_OCF_TOOL_PAUSE_MS * try);
	}
}

int vnfha_ocf_set_promotion_score(long score)
{
	char value[32];
	char *set[] = { "crm_attribute", "--promotion", "-v", value, "-q", NULL };
	char *del[] = { "crm_attribute", "--promotion", "-D", "-q", NULL };

	snprintf(value, sizeof(value), "%ld", score);
	return run_tool(score < 0 ? del : set, NULL, 0);
}

int vnfha_ocf_attr_set(const char *name, const char *value)
{
	char *argv[] = { "attrd_updater", "-n", (char *)name, "-U", (char *)value, NULL };

	return run_tool(argv, NULL, 0);
}

int vnfha_ocf_attr_set_dampened(const char *name, const char *value, const char *delay)
{
	char *argv[] = { "attrd_updater", "-n", (char *)name, "-U", (char *)value,
			 "-d", (char *)delay, NULL };

	return run_tool(argv, NULL, 0);
}

int vnfha_ocf_attr_set_private(const char *name, const char *value)
{
	char *argv[] = { "attrd_updater", "-p", "-n", (char *)name, "-U", (char *)value, NULL };

	return run_tool(argv, NULL, 0);
}

int vnfha_ocf_attr_delete(const char *name)
{
	char *argv[] = { "attrd_updater", "-n", (char *)name, "-D", NULL };

	return run_tool(argv, NULL, 0);
}

int vnfha_ocf_attr_query_all(const char *name, char *out, size_t out_len)
{
	char *argv[] = { "attrd_updater", "-Q", "-A", "-n", (char *)name, NULL };
	const char *target = getenv("OCF_RESKEY_CRM_meta_on_node");
	char *saved = target ? strdup(target) : NULL;
	int rc;

	/* Pacemaker's tools take this variable as the node to ask about, and
	 * then -A answers for that node alone. */
	unsetenv("OCF_RESKEY_CRM_meta_on_node");
	rc = run_tool(argv, out, out_len);
	if (saved != NULL) {
		setenv("OCF_RESKEY_CRM_meta_on_node", saved, 1);
		free(saved);
	}
	return rc;
}
