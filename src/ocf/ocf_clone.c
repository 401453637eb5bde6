// SPDX-License-Identifier: LGPL-2.1-or-later
/* The clone a resource runs in, from Pacemaker's meta attributes (ocf_clone.h). */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ocf/ocf.h"
#include "ocf/ocf_clone.h"
#include "common/parse.h"

static const char *meta(const char *name)
{
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "OCF_RESKEY_CRM_meta_%s", name);
	v = getenv(key);
	return v != NULL && *v != '\0' ? v : NULL;
}

static bool meta_true(const char *name)
{
	bool b = false;
	const char *v = meta(name);

	return v != NULL && vnfha__parse_bool(v, &b) == 0 && b;
}

int vnfha_ocf_clone_check(const char *agent, enum vnfha_clone_need need, const char *why)
{
	const char *clone_max = meta("clone_max");
	/* Pacemaker 2.1 says promoted_max; before, master_max. */
	const char *promoted_max = meta("promoted_max") ? meta("promoted_max") : meta("master_max");
	long n = 1;

	if (need == VNFHA_CLONE_NEVER) {
		if (clone_max == NULL && meta("clone") == NULL) {
			return OCF_SUCCESS;
		}
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED, "%s cannot run as a clone (clone-max=%s): %s",
				      agent, clone_max ? clone_max : "?", why);
	}
	if (clone_max == NULL && meta("on_node") == NULL) {
		return OCF_SUCCESS; /* the parameters alone: nothing to judge */
	}
	if (clone_max == NULL) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "%s runs only as a promotable clone, not as a primitive: "
				      "pcs resource promotable <resource> (crm: ms/clone with meta "
				      "promotable=true)",
				      agent);
	}
	if (!meta_true("promotable") && meta("master_max") == NULL) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "%s runs only as a promotable clone: meta attribute promotable "
				      "is '%s'; set promotable=true on the clone",
				      agent, meta("promotable") ? meta("promotable") : "unset");
	}
	if (promoted_max != NULL &&
	    (vnfha__parse_long(promoted_max, 0, LONG_MAX, &n) < 0 || n != 1)) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "%s keeps one promoted instance: meta attribute promoted-max is "
				      "'%s'; set promoted-max=1 on the clone",
				      agent, promoted_max);
	}
	if (need == VNFHA_CLONE_PROMOTABLE_NOTIFY && !meta_true("notify")) {
		return vnfha_ocf_fail(OCF_ERR_CONFIGURED,
				      "%s's promote relies on clone notifications: meta attribute "
				      "notify is '%s'; set notify=true on the clone (pcs resource "
				      "meta <clone> notify=true)",
				      agent, meta("notify") ? meta("notify") : "unset");
	}
	return OCF_SUCCESS;
}
