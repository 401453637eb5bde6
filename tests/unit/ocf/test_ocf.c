// SPDX-License-Identifier: GPL-2.0-or-later
/* The OCF core: exact dispatch, parameter validation, defaults, meta-data. */
#include <stdlib.h>

#include "ocf/ocf.h"
#include "ocf/ocf_clone.h"
#include "unit.h"

static const char *const modes[] = { "sync", "async", NULL };
static long seen_count;
static const char *seen_mode;
static bool seen_flag, seen_name_set;
static int calls;

static int check_no_slash(const char *value, char *why, size_t why_len)
{
	if (strchr(value, '/') != NULL) {
		snprintf(why, why_len, "a name without '/'");
		return -1;
	}
	return 0;
}

static const struct vnfha_param params[] = {
	{ .name = "name", .type = VNFHA_PARAM_STRING, .required = true, .check = check_no_slash,
	  .unique_group = "name", .shortdesc = "Name & <id>", .longdesc = "A \"name\"." },
	{ .name = "count", .type = VNFHA_PARAM_INTEGER, .dflt = "5", .min = 1, .max = 10,
	  .reloadable = true, .shortdesc = "Count" },
	{ .name = "mode", .type = VNFHA_PARAM_SELECT, .dflt = "sync", .options = modes,
	  .shortdesc = "Mode" },
	{ .name = "flag", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false", .shortdesc = "Flag" },
	{ .name = "size", .type = VNFHA_PARAM_STRING, .alias = "oldsize", .shortdesc = "Size" },
	{ .name = "legacy", .type = VNFHA_PARAM_BOOLEAN, .dflt = "false",
	  .refused = "use flag instead", .shortdesc = "Legacy" },
	{ .name = "hash", .type = VNFHA_PARAM_STRING, .dflt = "src",
	  .refused = "hashing is gone", .shortdesc = "Hash" },
};
static const char *seen_size;

static int record(struct vnfha_ocf *ocf)
{
	calls++;
	seen_count = vnfha_ocf_int(ocf, "count");
	seen_mode = vnfha_ocf_str(ocf, "mode");
	seen_flag = vnfha_ocf_bool(ocf, "flag");
	seen_name_set = vnfha_ocf_is_set(ocf, "name");
	seen_size = vnfha_ocf_str(ocf, "size");
	return OCF_SUCCESS;
}

static const struct vnfha_action actions[] = {
	{ "start", record, "20s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "stop", record, "20s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_SUCCESS },
	{ "monitor", record, "20s", "10s", "0", NULL, VNFHA_BAD_PARAMS_NOT_RUNNING },
};

static const struct vnfha_agent agent = {
	.name = "test", .version = "1.0", .shortdesc = "Test", .longdesc = "Test agent.",
	.params = params, .n_params = sizeof(params) / sizeof(params[0]),
	.actions = actions, .n_actions = 3,
};

static int run(const char *action)
{
	char *argv[] = { "test", (char *)action, NULL };

	return vnfha_ocf_main(&agent, 2, argv);
}

static void test_dispatch(void)
{
	unsetenv("OCF_RESKEY_count");
	setenv("OCF_RESKEY_name", "x", 1);
	calls = 0;
	CHECK_INT(run("start"), OCF_SUCCESS);
	CHECK_INT(calls, 1);
	CHECK_INT(seen_count, 5);
	CHECK(strcmp(seen_mode, "sync") == 0);
	CHECK(!seen_flag);
	CHECK(seen_name_set);
	/* Exact match only: no prefix matching of action names. */
	CHECK_INT(run("star"), OCF_ERR_UNIMPLEMENTED);
	CHECK_INT(run("promote"), OCF_ERR_UNIMPLEMENTED);
	CHECK_INT(calls, 1);
	char *argv[] = { "test", NULL };
	CHECK_INT(vnfha_ocf_main(&agent, 1, argv), OCF_ERR_ARGS);
}

static void test_bad_params(void)
{
	static const char *const bad[][2] = {
		{ "count", "0" }, { "count", "11" }, { "count", "3x" }, { "mode", "fast" },
		{ "flag", "perhaps" }, { "name", "a/b" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("OCF_RESKEY_name", "x", 1);
		unsetenv("OCF_RESKEY_count");
		unsetenv("OCF_RESKEY_mode");
		unsetenv("OCF_RESKEY_flag");
		char key[64];
		snprintf(key, sizeof(key), "OCF_RESKEY_%s", bad[i][0]);
		setenv(key, bad[i][1], 1);
		calls = 0;
		CHECK_INT(run("start"), OCF_ERR_CONFIGURED);
		CHECK_INT(run("monitor"), OCF_NOT_RUNNING);
		CHECK_INT(run("stop"), OCF_SUCCESS);
		CHECK_INT(calls, 0);
		unsetenv(key);
	}
	unsetenv("OCF_RESKEY_name");
	CHECK_INT(run("start"), OCF_ERR_CONFIGURED);
	setenv("OCF_RESKEY_flag", "YES", 1);
	setenv("OCF_RESKEY_name", "y", 1);
	CHECK_INT(run("start"), OCF_SUCCESS);
	CHECK(seen_flag);
	unsetenv("OCF_RESKEY_flag");
}

static void test_metadata(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	CHECK(out != NULL);
	CHECK_INT(vnfha_ocf_write_metadata(&agent, out), 0);
	fclose(out);
	CHECK(strstr(buf, "<version>1.1</version>") != NULL);
	CHECK(strstr(buf, "Name &amp; &lt;id&gt;") != NULL);
	CHECK(strstr(buf, "A &quot;name&quot;.") != NULL);
	CHECK(strstr(buf, "unique-group=\"name\"") != NULL);
	CHECK(strstr(buf, "name=\"count\" required=\"0\" reloadable=\"1\"") != NULL);
	CHECK(strstr(buf, "<option value=\"async\"/>") != NULL);
	CHECK(strstr(buf, "<action name=\"monitor\" timeout=\"20s\" interval=\"10s\" depth=\"0\"/>") != NULL);
	CHECK(strstr(buf, "<action name=\"meta-data\"") != NULL);
	/* a refused parameter is an OCF 1.1 deprecated one, saying why */
	CHECK(strstr(buf, "<parameter name=\"legacy\" required=\"0\" reloadable=\"0\">\n"
			  "   <deprecated>\n    <desc lang=\"en\">use flag instead</desc>\n"
			  "   </deprecated>") != NULL);
	/* an alias is no parameter of its own */
	CHECK(strstr(buf, "oldsize") == NULL);
	free(buf);
}

/* An old name is read when the parameter is unset; the new name wins. */
static void test_alias(void)
{
	setenv("OCF_RESKEY_name", "x", 1);
	setenv("OCF_RESKEY_oldsize", "7", 1);
	CHECK_INT(run("start"), OCF_SUCCESS);
	CHECK(seen_size != NULL && strcmp(seen_size, "7") == 0);
	setenv("OCF_RESKEY_size", "8", 1);
	CHECK_INT(run("start"), OCF_SUCCESS);
	CHECK(seen_size != NULL && strcmp(seen_size, "8") == 0);
	unsetenv("OCF_RESKEY_size");
	unsetenv("OCF_RESKEY_oldsize");
	CHECK_INT(run("start"), OCF_SUCCESS);
	CHECK(seen_size == NULL);
}

/* A refused parameter may keep its default; any other value is refused by
 * start, and monitor and stop behave as for any bad parameter. */
static void test_refused(void)
{
	static const char *const ok[][2] = {
		{ "legacy", "false" }, { "legacy", "no" }, { "hash", "src" },
	};
	static const char *const bad[][2] = { { "legacy", "true" }, { "hash", "dst" } };

	setenv("OCF_RESKEY_name", "x", 1);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "OCF_RESKEY_%s", ok[i][0]);
		setenv(key, ok[i][1], 1);
		CHECK_INT(run("start"), OCF_SUCCESS);
		unsetenv(key);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "OCF_RESKEY_%s", bad[i][0]);
		setenv(key, bad[i][1], 1);
		calls = 0;
		CHECK_INT(run("start"), OCF_ERR_CONFIGURED);
		CHECK_INT(run("monitor"), OCF_NOT_RUNNING);
		CHECK_INT(run("stop"), OCF_SUCCESS);
		CHECK_INT(calls, 0);
		unsetenv(key);
	}
}

static void clear_meta(void)
{
	static const char *const names[] = { "clone", "clone_max", "promotable", "promoted_max",
					     "master_max", "notify", "on_node" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "OCF_RESKEY_CRM_meta_%s", names[i]);
		unsetenv(key);
	}
}

static void test_clone_check(void)
{
	clear_meta();
	/* parameters alone (pcs, crm_resource --validate): nothing to judge */
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL), OCF_SUCCESS);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_NEVER, "why"), OCF_SUCCESS);
	/* a primitive run by Pacemaker */
	setenv("OCF_RESKEY_CRM_meta_on_node", "node1", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_NEVER, "why"), OCF_SUCCESS);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_ERR_CONFIGURED);
	/* a clone, not promotable */
	setenv("OCF_RESKEY_CRM_meta_clone_max", "3", 1);
	setenv("OCF_RESKEY_CRM_meta_clone", "0", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_NEVER, "why"), OCF_ERR_CONFIGURED);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_ERR_CONFIGURED);
	setenv("OCF_RESKEY_CRM_meta_promotable", "false", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_ERR_CONFIGURED);
	/* promotable, one promoted instance */
	setenv("OCF_RESKEY_CRM_meta_promotable", "true", 1);
	setenv("OCF_RESKEY_CRM_meta_promoted_max", "1", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_SUCCESS);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL),
		  OCF_ERR_CONFIGURED);
	setenv("OCF_RESKEY_CRM_meta_notify", "false", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL),
		  OCF_ERR_CONFIGURED);
	setenv("OCF_RESKEY_CRM_meta_notify", "true", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL), OCF_SUCCESS);
	/* two promoted: refused, whichever name Pacemaker used */
	setenv("OCF_RESKEY_CRM_meta_promoted_max", "2", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_ERR_CONFIGURED);
	unsetenv("OCF_RESKEY_CRM_meta_promoted_max");
	unsetenv("OCF_RESKEY_CRM_meta_promotable");
	setenv("OCF_RESKEY_CRM_meta_master_max", "2", 1); /* Pacemaker < 2.1 */
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE, NULL), OCF_ERR_CONFIGURED);
	setenv("OCF_RESKEY_CRM_meta_master_max", "1", 1);
	CHECK_INT(vnfha_ocf_clone_check("t", VNFHA_CLONE_PROMOTABLE_NOTIFY, NULL), OCF_SUCCESS);
	clear_meta();
}

int main(void)
{
	test_dispatch();
	test_bad_params();
	test_metadata();
	test_alias();
	test_refused();
	test_clone_check();
	return UNIT_DONE();
}
