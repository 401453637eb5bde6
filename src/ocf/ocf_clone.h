/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What an agent needs of the clone it runs in, judged from the meta
 * attributes Pacemaker passes every action (OCF_RESKEY_CRM_meta_clone_max,
 * _promotable, _promoted_max / _master_max, _notify), as PAF's pgsqlms
 * does. A misconfigured resource: OCF_ERR_CONFIGURED with a reason that
 * names the meta attribute and the fix.
 */
#ifndef VNFHA_OCF_CLONE_H
#define VNFHA_OCF_CLONE_H

enum vnfha_clone_need {
	VNFHA_CLONE_NEVER,	       /* a primitive only (floatip: one address, one node) */
	VNFHA_CLONE_PROMOTABLE,	       /* a promotable clone with one promoted instance */
	VNFHA_CLONE_PROMOTABLE_NOTIFY, /* ... and notify=true (promote reads notifications) */
};

/*
 * OCF_SUCCESS when the resource is used as need says, else the exit reason
 * and OCF_ERR_CONFIGURED. agent names the agent in the reason; why (NEVER
 * only) says what a clone would break and what to use instead.
 * A primitive is told from a validation of the parameters alone (pcs,
 * crm_resource --validate, a run by hand) by Pacemaker's node meta
 * attribute (on_node): without it and without clone meta attributes there
 * is nothing to judge, and the check passes.
 */
int vnfha_ocf_clone_check(const char *agent, enum vnfha_clone_need need, const char *why);

#endif
