// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha-alert: variable validation, event classes, JSON escaping. */
#include <errno.h>

#include "alert_event.h"
#include "ves.h"
#include "unit.h"

/* A fake environment: NULL-terminated name/value pairs. */
static const char *fake_get(const char *name, void *ctx)
{
	const char *const *kv = ctx;

	for (; kv[0] != NULL; kv += 2) {
		if (strcmp(kv[0], name) == 0) {
			return kv[1];
		}
	}
	return NULL;
}

static int json_of(const char *s, char *out, size_t len)
{
	size_t used = 0;
	int rc = vnfha_alert_json_string(out, len, &used, s);

	return rc < 0 ? rc : (int)used;
}

static void test_escape(void)
{
	char out[128];

	CHECK_INT(json_of("plain", out, sizeof(out)), 7);
	CHECK(strcmp(out, "\"plain\"") == 0);
	json_of("a\"b\\c", out, sizeof(out));
	CHECK(strcmp(out, "\"a\\\"b\\\\c\"") == 0);
	json_of("l1\nl2\t\x01", out, sizeof(out));
	CHECK(strcmp(out, "\"l1\\u000al2\\u0009\\u0001\"") == 0);
	json_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", out, sizeof(out));
	CHECK(strcmp(out, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"") == 0);
	/* invalid UTF-8: a lone continuation, an overlong '/', a surrogate, a cut sequence */
	json_of("\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82", out, sizeof(out));
	CHECK(strcmp(out, "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"") == 0);
	/* too small: -ENOSPC, and nothing claimed */
	{
		size_t used = 0;

		CHECK_INT(vnfha_alert_json_string(out, 6, &used, "abcdef"), -ENOSPC);
		CHECK_INT(used, 0);
		CHECK_INT(vnfha_alert_json_string(out, 4, &used, "\n"), -ENOSPC);
	}
}

static const char *const rsc_fail[] = {
	"CRM_alert_kind", "resource", "CRM_alert_node", "n2", "CRM_alert_rsc", "vnfc",
	"CRM_alert_task", "monitor", "CRM_alert_interval", "1000", "CRM_alert_rc", "7",
	"CRM_alert_target_rc", "0", "CRM_alert_status", "0", "CRM_alert_desc", "not running",
	"CRM_alert_timestamp_epoch", "1795000000", "CRM_alert_timestamp_usec", "123456",
	"CRM_alert_node_sequence", "17", "CRM_alert_unknown_future", "x", NULL,
};

static void test_resource(void)
{
	struct vnfha_alert a;
	char why[256] = "";
	char body[1024];
	int n;

	CHECK_INT(vnfha_alert_read(fake_get, (void *)rsc_fail, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_RSC_FAILURE);
	n = vnfha_alert_json(&a, "demo \"vnf\"", body, sizeof(body));
	CHECK(n > 0);
	CHECK(strcmp(body, "{\"vnf\":\"demo \\\"vnf\\\"\",\"event\":\"resource-failure\","
			   "\"kind\":\"resource\",\"resource\":\"vnfc\",\"node\":\"n2\","
			   "\"operation\":\"monitor\",\"interval_ms\":1000,\"rc\":7,"
			   "\"target_rc\":0,\"status\":0,\"desc\":\"not running\","
			   "\"time\":\"2026-11-18T11:06:40.123456Z\",\"sequence\":\"17\"}") == 0);
	if (n > 0) {
		CHECK_INT(n, strlen(body));
	}
	CHECK_INT(vnfha_alert_json(&a, "v", body, 40), -ENOSPC);
}

static void test_ves(void)
{
	struct vnfha_alert a;
	struct vnfha_ves_fault f = { .event_id = "x", .condition = "c", .problem = "p",
				     .source_name = "s", .source_type = "vnfc", .reporter = "r" };
	char why[256] = "";
	char body[4096];
	int n;

	CHECK_INT(vnfha_alert_read(fake_get, (void *)rsc_fail, &a, why, sizeof(why)), 0);
	n = vnfha_alert_ves(&a, "demo vnf", "node1", body, sizeof(body));
	CHECK(n > 0);
	CHECK(strstr(body, "{\"event\":{\"commonEventHeader\":{\"domain\":\"fault\","
			   "\"eventId\":\"vnfha:demo_vnf:resourceFailure:vnfc@n2\","
			   "\"eventName\":\"Fault_vnfha_resourceFailure\"") == body);
	CHECK(strstr(body, "\"sequence\":17,") != NULL);
	CHECK(strstr(body, "\"startEpochMicrosec\":1795000000123456,") != NULL);
	CHECK(strstr(body, "\"eventSeverity\":\"CRITICAL\"") != NULL);
	CHECK(strstr(body, "\"priority\":\"High\"") != NULL);
	CHECK_INT(vnfha_alert_ves(&a, "v", "n", body, 200), -ENOSPC);
	a.event = VNFHA_ALERT_SKIP;
	CHECK_INT(vnfha_alert_ves(&a, "v", "n", body, sizeof(body)), -EINVAL);
	/* every required field, a known severity, a bounded info list */
	CHECK(vnfha_ves_fault_json(&f, body, sizeof(body)) > 0);
	CHECK(strstr(body, "\"alarmAdditionalInformation\":{}}}}") != NULL);
	f.reporter = NULL;
	CHECK_INT(vnfha_ves_fault_json(&f, body, sizeof(body)), -EINVAL);
	f.reporter = "r";
	f.severity = (enum vnfha_ves_severity)9;
	CHECK_INT(vnfha_ves_fault_json(&f, body, sizeof(body)), -EINVAL);
	f.severity = VNFHA_VES_MINOR;
	f.n_info = VNFHA_VES_INFO_MAX + 1;
	CHECK_INT(vnfha_ves_fault_json(&f, body, sizeof(body)), -EINVAL);
	CHECK(strcmp(vnfha_ves_severity_name(VNFHA_VES_MINOR), "MINOR") == 0);
}

static void test_classes(void)
{
	struct vnfha_alert a;
	char why[256] = "";
	const char *start_ok[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				   "CRM_alert_rsc", "vnfc", "CRM_alert_task", "start",
				   "CRM_alert_rc", "0", "CRM_alert_target_rc", "0",
				   "CRM_alert_status", "0", NULL };
	const char *stop_ok[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				  "CRM_alert_rsc", "vnfc", "CRM_alert_task", "stop",
				  "CRM_alert_rc", "0", "CRM_alert_target_rc", "0",
				  "CRM_alert_status", "0", NULL };
	const char *timeout[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				  "CRM_alert_rsc", "vnfc", "CRM_alert_task", "stop",
				  "CRM_alert_rc", "1", "CRM_alert_target_rc", "0",
				  "CRM_alert_status", "2", NULL };
	const char *cancelled[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				    "CRM_alert_rsc", "vnfc", "CRM_alert_task", "monitor",
				    "CRM_alert_rc", "0", "CRM_alert_target_rc", "0",
				    "CRM_alert_status", "1", "CRM_alert_desc", "Cancelled", NULL };
	const char *lost[] = { "CRM_alert_kind", "node", "CRM_alert_node", "n3",
			       "CRM_alert_desc", "lost", "CRM_alert_nodeid", "3", NULL };
	const char *member[] = { "CRM_alert_kind", "node", "CRM_alert_node", "n3",
				 "CRM_alert_desc", "member", NULL };
	const char *fence[] = { "CRM_alert_kind", "fencing", "CRM_alert_node", "n3",
				"CRM_alert_desc", "Operation reboot of n3 by n1: OK", "CRM_alert_task",
				"reboot", "CRM_alert_rc", "0", NULL };
	const char *attr[] = { "CRM_alert_kind", "attribute", "CRM_alert_node", "n3",
			       "CRM_alert_attribute_name", "x", NULL };

	CHECK_INT(vnfha_alert_read(fake_get, start_ok, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_RSC_RECOVERY);
	CHECK_INT(vnfha_alert_read(fake_get, stop_ok, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_SKIP);
	CHECK_INT(vnfha_alert_read(fake_get, timeout, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_RSC_FAILURE);
	CHECK_INT(vnfha_alert_read(fake_get, cancelled, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_SKIP);
	CHECK_INT(vnfha_alert_read(fake_get, lost, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_NODE_LOST);
	CHECK_INT(vnfha_alert_read(fake_get, member, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_NODE_MEMBER);
	CHECK_INT(vnfha_alert_read(fake_get, fence, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_FENCING);
	CHECK_INT(vnfha_alert_read(fake_get, attr, &a, why, sizeof(why)), 0);
	CHECK_INT(a.event, VNFHA_ALERT_SKIP);
}

static void test_invalid(void)
{
	struct vnfha_alert a = { .event = VNFHA_ALERT_FENCING };
	char why[256] = "";
	const char *none[] = { NULL };
	const char *kind[] = { "CRM_alert_kind", "weather", "CRM_alert_node", "n1", NULL };
	const char *no_rsc[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				 "CRM_alert_task", "start", "CRM_alert_rc", "0",
				 "CRM_alert_target_rc", "0", "CRM_alert_status", "0", NULL };
	const char *bad_rc[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				 "CRM_alert_rsc", "vnfc", "CRM_alert_task", "start",
				 "CRM_alert_rc", "0x1", "CRM_alert_target_rc", "0",
				 "CRM_alert_status", "0", NULL };
	const char *big_rc[] = { "CRM_alert_kind", "resource", "CRM_alert_node", "n1",
				 "CRM_alert_rsc", "vnfc", "CRM_alert_task", "start",
				 "CRM_alert_rc", "256", "CRM_alert_target_rc", "0",
				 "CRM_alert_status", "0", NULL };
	const char *no_node[] = { "CRM_alert_kind", "node", "CRM_alert_desc", "lost", NULL };
	const char *usec[] = { "CRM_alert_kind", "node", "CRM_alert_node", "n1",
			       "CRM_alert_desc", "lost", "CRM_alert_timestamp_usec", "1000000",
			       NULL };
	static char huge[VNFHA_ALERT_VALUE_MAX + 2];
	const char *long_node[] = { "CRM_alert_kind", "node", "CRM_alert_node", huge,
				    "CRM_alert_desc", "lost", NULL };

	memset(huge, 'n', sizeof(huge) - 1);
	CHECK_INT(vnfha_alert_read(fake_get, none, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "CRM_alert_kind is not set") != NULL);
	CHECK_INT(vnfha_alert_read(fake_get, kind, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "'weather' is unknown") != NULL);
	CHECK_INT(vnfha_alert_read(fake_get, no_rsc, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "CRM_alert_rsc") != NULL);
	CHECK_INT(vnfha_alert_read(fake_get, bad_rc, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "CRM_alert_rc='0x1' is not an integer") != NULL);
	CHECK_INT(vnfha_alert_read(fake_get, big_rc, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "out of range") != NULL);
	CHECK_INT(vnfha_alert_read(fake_get, no_node, &a, why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha_alert_read(fake_get, usec, &a, why, sizeof(why)), -EINVAL);
	CHECK_INT(vnfha_alert_read(fake_get, long_node, &a, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "longer than") != NULL);
	CHECK_INT(a.event, VNFHA_ALERT_FENCING); /* untouched */
}

int main(void)
{
	test_escape();
	test_resource();
	test_classes();
	test_invalid();
	test_ves();
	return UNIT_DONE();
}
