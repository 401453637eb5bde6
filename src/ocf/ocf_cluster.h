/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What agents ask of Pacemaker beyond their parameters: the action's
 * timeout, the node's name, promotion scores (crm_attribute --promotion,
 * exec'd with a fixed argv) and transient node attributes (attrd_updater).
 */
#ifndef VNFHA_OCF_CLUSTER_H
#define VNFHA_OCF_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The action's timeout (OCF_RESKEY_CRM_meta_timeout, ms; 20 s when unset)
 * minus a second of margin for the agent's own exit. */
unsigned int vnfha_ocf_budget_ms(void);

/* This node's Pacemaker name (OCF_RESKEY_CRM_meta_on_node, else uname). */
const char *vnfha_ocf_node_name(void);

/* The primitive's name: "vnfc" for the clone instance "vnfc:1". */
void vnfha_ocf_primitive(const char *instance, char *buf, size_t len);

/* Whether a Pacemaker tool's exit status says it could not reach the
 * cluster (CRM_EX_UNAVAILABLE, CRM_EX_OSERR as for a failed connection to
 * the CIB, CRM_EX_DISCONNECT): worth another try, up to VNFHA_OCF_TOOL_TRIES
 * runs with VNFHA_OCF_TOOL_PAUSE_MS times the tries so far between them
 * (the tools below do, within 5 s; so does vnfc's supervisor). */
#define VNFHA_OCF_TOOL_TRIES 3
#define VNFHA_OCF_TOOL_PAUSE_MS 250
bool vnfha_ocf_tool_unreachable(int status);

/* Sets this instance's promotion score; score < 0 deletes it. Logs and
 * returns -errno / -EIO on failure (the action usually carries on). */
int vnfha_ocf_set_promotion_score(long score);

/* attrd_updater: set this node's transient attribute name=value. */
int vnfha_ocf_attr_set(const char *name, const char *value);

/* attrd_updater -p: the same for an attribute attrd keeps to itself (never
 * written to the CIB, so changing it never aborts a transition); every
 * node's attrd still holds and answers it. Private only if this creates it. */
int vnfha_ocf_attr_set_private(const char *name, const char *value);
/* A public node attribute that attrd writes to the CIB only after delay
 * (e.g. "5s") without a further change: `attrd_updater -U -d DELAY`. */
int vnfha_ocf_attr_set_dampened(const char *name, const char *value, const char *delay);

/* attrd_updater -D: removes this node's value of name. */
int vnfha_ocf_attr_delete(const char *name);

/* attrd_updater -Q -A: every node's value of name, as attrd prints it
 * (name="" host="" value="" lines) into out. */
int vnfha_ocf_attr_query_all(const char *name, char *out, size_t out_len);

#endif
