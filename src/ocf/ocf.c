// SPDX-License-Identifier: LGPL-2.1-or-later
/* OCF 1.1 action dispatch and parameter handling (see ocf.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocf/ocf.h"
#include "common/parse.h"

#define OCF_MAX_PARAMS 64
#define OCF_WHY_LEN 256

struct ocf_value {
	const char *text; /* user value or default; NULL when neither */
	bool user_set;
	long ival;
	bool bval;
};

struct vnfha_ocf {
	const struct vnfha_agent *agent;
	const char *action;
	const char *resource;
	bool params_ok;
	char first_error[512]; /* shown to the admin as the exit reason */
	struct ocf_value values[OCF_MAX_PARAMS];
};

static const char *env_value(const char *name, char *key, size_t key_len)
{
	int n = snprintf(key, key_len, "OCF_RESKEY_%s", name);

	if (n < 0 || (size_t)n >= key_len) {
		return NULL;
	}
	return getenv(key);
}

static bool int_in_range(const struct vnfha_param *p, long v)
{
	if (p->min == 0 && p->max == 0) {
		return true;
	}
	return v >= p->min && v <= p->max;
}

/* A refused parameter may keep its default: it then changes nothing. */
static bool is_default(const struct vnfha_param *p, const struct ocf_value *v)
{
	bool dflt = false;

	if (p->type == VNFHA_PARAM_BOOLEAN) {
		return p->dflt != NULL && vnfha__parse_bool(p->dflt, &dflt) == 0 && v->bval == dflt;
	}
	return p->dflt != NULL && strcmp(p->dflt, v->text) == 0;
}

/* Checks one value; on failure writes the complete user-facing sentence. */
static int check_value(const struct vnfha_param *p, struct ocf_value *v, char *msg, size_t len)
{
	char why[OCF_WHY_LEN] = "";
	int rc = 0;

	switch (p->type) {
	case VNFHA_PARAM_STRING:
		break;
	case VNFHA_PARAM_INTEGER: {
		long min = (p->min == 0 && p->max == 0) ? LONG_MIN : p->min;
		long max = (p->min == 0 && p->max == 0) ? LONG_MAX : p->max;

		rc = vnfha__parse_long(v->text, min, max, &v->ival);
		if (rc == -EINVAL) {
			snprintf(msg, len, "parameter %s='%s' is not an integer", p->name, v->text);
			return rc;
		}
		if (rc < 0 || !int_in_range(p, v->ival)) {
			snprintf(msg, len, "parameter %s='%s' is out of range: use %ld to %ld",
				 p->name, v->text, p->min, p->max);
			return -ERANGE;
		}
		break;
	}
	case VNFHA_PARAM_BOOLEAN:
		if (vnfha__parse_bool(v->text, &v->bval) < 0) {
			snprintf(msg, len, "parameter %s='%s' is not a boolean: use true or false",
				 p->name, v->text);
			return -EINVAL;
		}
		break;
	case VNFHA_PARAM_SELECT: {
		bool found = false;
		size_t used = 0;

		for (const char *const *o = p->options; o != NULL && *o != NULL; o++) {
			found = found || strcmp(*o, v->text) == 0;
			used += (size_t)snprintf(why + used, used < sizeof(why) ? sizeof(why) - used : 0,
						 "%s%s", used ? ", " : "", *o);
			if (used >= sizeof(why)) {
				used = sizeof(why) - 1;
			}
		}
		if (!found) {
			snprintf(msg, len, "parameter %s='%s' is not a valid choice: use one of %s",
				 p->name, v->text, why);
			return -EINVAL;
		}
		break;
	}
	}
	if (p->check != NULL) {
		rc = p->check(v->text, why, sizeof(why));
		if (rc < 0) {
			snprintf(msg, len, "parameter %s='%s' is invalid: %s", p->name, v->text, why);
			return rc;
		}
	}
	if (p->refused != NULL && !is_default(p, v)) {
		snprintf(msg, len, "parameter %s='%s' is not supported: %s", p->name, v->text,
			 p->refused);
		return -ENOTSUP;
	}
	return 0;
}

/* Unknown OCF_RESKEY_* names (a typo, or a parameter of another agent):
 * said once, never silently ignored. CRM_meta_* and crm_feature_set are
 * Pacemaker's own. */
static void warn_unknown(const struct vnfha_agent *a)
{
	extern char **environ;
	static const char prefix[] = "OCF_RESKEY_";

	for (char **e = environ; e != NULL && *e != NULL; e++) {
		const char *name = *e + sizeof(prefix) - 1;
		size_t len = strcspn(name, "=");
		bool known = false;

		if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0 ||
		    strncmp(name, "CRM_meta_", 9) == 0 || strncmp(name, "crm_feature_set=", 16) == 0 ||
		    name[len] != '=' || name[len + 1] == '\0') {
			continue;
		}
		for (size_t i = 0; i < a->n_params && !known; i++) {
			const struct vnfha_param *p = &a->params[i];

			known = (strlen(p->name) == len && strncmp(p->name, name, len) == 0) ||
				(p->alias != NULL && strlen(p->alias) == len &&
				 strncmp(p->alias, name, len) == 0);
		}
		if (!known) {
			vnfha_log(VNFHA_LOG_WARNING, "parameter %.*s is not a parameter of %s: ignored",
				  (int)len, name, a->name);
		}
	}
}

/* Reads and validates every parameter; logs each problem once. */
static bool load_params(struct vnfha_ocf *ocf, bool quiet)
{
	const struct vnfha_agent *a = ocf->agent;
	bool ok = true;

	for (size_t i = 0; i < a->n_params && i < OCF_MAX_PARAMS; i++) {
		const struct vnfha_param *p = &a->params[i];
		struct ocf_value *v = &ocf->values[i];
		char key[128];
		char msg[512];
		const char *text = env_value(p->name, key, sizeof(key));

		if ((text == NULL || *text == '\0') && p->alias != NULL) {
			text = env_value(p->alias, key, sizeof(key));
		}
		v->user_set = text != NULL && *text != '\0';
		v->text = v->user_set ? text : p->dflt;
		if (v->text == NULL) {
			if (p->required) {
				snprintf(msg, sizeof(msg),
					 "required parameter %s is not set: give it a value", p->name);
				if (!quiet) {
					vnfha_log(VNFHA_LOG_ERR, "%s", msg);
				}
				if (ok) {
					snprintf(ocf->first_error, sizeof(ocf->first_error), "%s", msg);
				}
				ok = false;
			}
			continue;
		}
		if (check_value(p, v, msg, sizeof(msg)) < 0) {
			if (!quiet) {
				vnfha_log(VNFHA_LOG_ERR, "%s", msg);
			}
			if (ok) {
				snprintf(ocf->first_error, sizeof(ocf->first_error), "%s", msg);
			}
			ok = false;
		}
	}
	if (!quiet) {
		warn_unknown(a);
	}
	return ok;
}

static const struct ocf_value *find_value(const struct vnfha_ocf *ocf, const char *name)
{
	for (size_t i = 0; i < ocf->agent->n_params && i < OCF_MAX_PARAMS; i++) {
		if (strcmp(ocf->agent->params[i].name, name) == 0) {
			return &ocf->values[i];
		}
	}
	return NULL;
}

const char *vnfha_ocf_str(const struct vnfha_ocf *ocf, const char *name)
{
	const struct ocf_value *v = find_value(ocf, name);

	return v ? v->text : NULL;
}

long vnfha_ocf_int(const struct vnfha_ocf *ocf, const char *name)
{
	const struct ocf_value *v = find_value(ocf, name);

	return v ? v->ival : 0;
}

bool vnfha_ocf_bool(const struct vnfha_ocf *ocf, const char *name)
{
	const struct ocf_value *v = find_value(ocf, name);

	return v ? v->bval : false;
}

bool vnfha_ocf_is_set(const struct vnfha_ocf *ocf, const char *name)
{
	const struct ocf_value *v = find_value(ocf, name);

	return v ? v->user_set : false;
}

bool vnfha_ocf_params_ok(const struct vnfha_ocf *ocf)
{
	return ocf->params_ok;
}

const char *vnfha_ocf_params_error(const struct vnfha_ocf *ocf)
{
	return ocf->params_ok ? "" : ocf->first_error;
}

const char *vnfha_ocf_action(const struct vnfha_ocf *ocf)
{
	return ocf->action;
}

const char *vnfha_ocf_resource(const struct vnfha_ocf *ocf)
{
	return ocf->resource;
}

const struct vnfha_agent *vnfha_ocf_agent(const struct vnfha_ocf *ocf)
{
	return ocf->agent;
}

int vnfha_ocf_check_absolute_path(const char *value, char *why, size_t why_len)
{
	if (value[0] != '/') {
		snprintf(why, why_len, "use an absolute path");
		return -EINVAL;
	}
	return 0;
}

int vnfha_ocf_check_level(const struct vnfha_ocf *ocf)
{
	long level = 0;
	const char *text = getenv("OCF_CHECK_LEVEL");

	if (text == NULL) {
		text = getenv("OCF_RESKEY_CRM_meta_OCF_CHECK_LEVEL");
	}
	if (text == NULL || vnfha__parse_long(text, 0, 1000, &level) < 0) {
		return 0;
	}
	return (int)level;
}

bool vnfha_ocf_is_probe(const struct vnfha_ocf *ocf)
{
	const char *text = getenv("OCF_RESKEY_CRM_meta_interval");
	long interval = 0;

	if (strcmp(ocf->action, "monitor") != 0) {
		return false;
	}
	return text == NULL || (vnfha__parse_long(text, 0, LONG_MAX, &interval) == 0 &&
				interval == 0);
}

static void print_usage(const struct vnfha_agent *a, FILE *out)
{
	fprintf(out, "usage: %s {", a->name);
	for (size_t i = 0; i < a->n_actions; i++) {
		/* An action listed once per depth (monitor 0 and 10) is one word. */
		bool again = false;

		for (size_t j = 0; j < i; j++) {
			again = again || strcmp(a->actions[j].name, a->actions[i].name) == 0;
		}
		if (!again) {
			fprintf(out, "%s%s", i ? "|" : "", a->actions[i].name);
		}
	}
	fprintf(out, "|meta-data}\n");
}

static const struct vnfha_action *find_action(const struct vnfha_agent *a, const char *name)
{
	for (size_t i = 0; i < a->n_actions; i++) {
		if (strcmp(a->actions[i].name, name) == 0) {
			return &a->actions[i];
		}
	}
	return NULL;
}

int vnfha_ocf_main(const struct vnfha_agent *agent, int argc, char **argv)
{
	struct vnfha_ocf ocf = { .agent = agent };
	const struct vnfha_action *action;
	const char *resource = getenv("OCF_RESOURCE_INSTANCE");

	ocf.resource = resource != NULL ? resource : agent->name;
	vnfha_log_init(agent->name, ocf.resource);

	if (argc != 2) {
		print_usage(agent, stderr);
		return OCF_ERR_ARGS;
	}
	ocf.action = argv[1];
	if (strcmp(ocf.action, "meta-data") == 0) {
		return vnfha_ocf_write_metadata(agent, stdout) == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
	}
	if (strcmp(ocf.action, "usage") == 0 || strcmp(ocf.action, "help") == 0) {
		print_usage(agent, stdout);
		return OCF_SUCCESS;
	}
	action = find_action(agent, ocf.action);
	if (action == NULL) {
		print_usage(agent, stderr);
		return vnfha_ocf_fail(OCF_ERR_UNIMPLEMENTED, "action '%s' is not implemented",
				      ocf.action);
	}
	/* A monitor or stop with bad parameters is not the place to nag. */
	ocf.params_ok = load_params(&ocf, action->bad_params == VNFHA_BAD_PARAMS_NOT_RUNNING ||
						  action->bad_params == VNFHA_BAD_PARAMS_SUCCESS ||
						  strcmp(action->name, "monitor") == 0 ||
						  strcmp(action->name, "stop") == 0);
	if (!ocf.params_ok) {
		switch (action->bad_params) {
		case VNFHA_BAD_PARAMS_CONFIGURED:
			vnfha_ocf_exit_reason("%s", ocf.first_error);
			return OCF_ERR_CONFIGURED;
		case VNFHA_BAD_PARAMS_NOT_RUNNING:
			return OCF_NOT_RUNNING;
		case VNFHA_BAD_PARAMS_SUCCESS:
			return OCF_SUCCESS;
		case VNFHA_BAD_PARAMS_CALL:
			break;
		}
	}
	return action->handler(&ocf);
}
