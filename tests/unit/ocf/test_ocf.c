// SPDX-License-Identifier: GPL-2.0-or-later
/* The OCF core: exact dispatch, parameter validation, defaults, meta-data. */
#include <stdlib.h>

#include "ocf/ocf.h"
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
};

static int record(struct vnfha_ocf *ocf)
{
	calls++;
	seen_count = vnfha_ocf_int(ocf, "count");
	seen_mode = vnfha_ocf_str(ocf, "mode");
	seen_flag = vnfha_ocf_bool(ocf, "flag");
	seen_name_set = vnfha_ocf_is_set(ocf, "name");
	return OCF_SUCCESS;
}

static const struct vnfha_action actions[] = {
	{ "start", record, "20s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_CONFIGURED },
	{ "stop", record, "20s", NULL, NULL, NULL, VNFHA_BAD_PARAMS_SUCCESS },
	{ "monitor", record, "20s", "10s", "0", NULL, VNFHA_BAD_PARAMS_NOT_RUNNING },
};

static const struct vnfha_agent agent = {
	.name = "test", .version = "1.0", .shortdesc = "Test", .longdesc = "Test agent.",
	.params = params, .n_params = 4, .actions = actions, .n_actions = 3,
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
	free(buf);
}

int main(void)
{
	test_dispatch();
	test_bad_params();
	test_metadata();
	return UNIT_DONE();
}
