// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The request `crm_resource --fail --resource R --node N` sends (Pacemaker
 * 2.1.5, tools/crm_resource_runtime.c send_lrm_rsc_op), over a connection to
 * this node's controller that the supervisor holds open. crm_resource first
 * reads the whole CIB to find R's class, provider, type and, for a Pacemaker
 * Remote node, the cluster node that routes to it; then it calls
 * pcmk_controld_api_fail(api, N, router, id, long_id, class, provider, type)
 * and waits for the controller's answer. The controller (controld_execd.c
 * fail_lrm_resource) finds R in its executor state by id and records a
 * failed "asyncmon" result, which the DC's recovery then handles. Here the
 * agent knows the class, provider and type itself; on a cluster node the
 * router is the node: the same request.
 *
 * On a Pacemaker Remote node the connection is pacemaker-remoted's proxy to
 * the controller of the cluster node holding the node's connection
 * resource, which answers node_info with is_remote and its own name as the
 * reply's host_from: that is the router crm_resource would find in the CIB.
 * That controller refuses "fail" from a Remote node (its requests run as
 * the node's name, unprivileged), so the request there is the one
 * `crm_resource --refresh --resource R --node N` sends for the instance on
 * N (pcmk_controld_api_refresh): R's history on N is deleted and the DC
 * probes it, which finds the failure. One request, not crm_resource's one
 * per clone instance: each also rewrites last-lrm-refresh, and the DC's
 * controller stalls about a second on every such configuration change
 * (Pacemaker 2.1.5 re-checks stonith-watchdog-timeout with a synchronous
 * fencer call; seen in the lab's logs).
 *
 * libcrmcommon is loaded with dlopen, in the supervisor only: linking it
 * into the agent would load ~30 libraries (glib, libxml2, gnutls, ...) at
 * every agent action (~10 ms each on the lab).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/spawn.h"
#include "ocf/ocf.h"
#include "ocf/ocf_cluster.h"
#include "ocf/ocf_node.h"
#include "report.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

struct report_rsc report_rsc_of(const struct vnfha_ocf *ocf, const char *primitive,
				const char *type)
{
	const char *instance = vnfha_ocf_resource(ocf);

	return (struct report_rsc){
		.node = vnfha_ocf_node_name(),
		.id = primitive,
		.long_id = instance != NULL && strcmp(instance, primitive) != 0 ? instance : NULL,
		.provider = env_or("OCF_RESOURCE_PROVIDER", "vnfha"),
		.type = env_or("OCF_RESOURCE_TYPE", type),
	};
}

#ifndef HAVE_PCMK_IPC

#define REPORT_CTL_LIB "built without pacemaker-dev"

int report_ctl_open(const struct report_rsc *rsc, unsigned int timeout_ms,
		    struct report_ctl **ret_ctl)
{
	return -ENOSYS;
}

int report_ctl_fail(struct report_ctl *ctl, unsigned int timeout_ms)
{
	return -ENOSYS;
}

const char *report_ctl_router(const struct report_ctl *ctl)
{
	return NULL;
}

bool report_ctl_lost(struct report_ctl *ctl)
{
	return true;
}

void report_ctl_close(struct report_ctl *ctl)
{
}

#else

#include <dlfcn.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_controld.h>

#define REPORT_CTL_LIB VNFHA_CRMCOMMON_SONAME

/* The few entry points used, typed by Pacemaker's own declarations. */
struct pcmk_fns {
	__typeof__(pcmk_new_ipc_api) *new_api;
	__typeof__(pcmk_free_ipc_api) *free_api;
	__typeof__(pcmk_connect_ipc) *connect;
	__typeof__(pcmk_poll_ipc) *poll;
	__typeof__(pcmk_dispatch_ipc) *dispatch;
	__typeof__(pcmk_ipc_is_connected) *is_connected;
	__typeof__(pcmk_register_ipc_callback) *register_cb;
	__typeof__(pcmk_controld_api_node_info) *node_info;
	__typeof__(pcmk_controld_api_fail) *fail;
	__typeof__(pcmk_controld_api_refresh) *refresh;
};

enum wait_for { WAIT_NONE, WAIT_NODE_INFO, WAIT_FAIL };

struct report_ctl {
	struct pcmk_fns fn;
	pcmk_ipc_api_t *api;
	const struct report_rsc *rsc;
	enum wait_for waiting;
	int answer;	   /* 0, or the negative errno of the answer */
	bool answered;
	bool disconnected;
	char *router; /* a Remote node: the cluster node routing to it; else NULL */
};

/* Pacemaker's return codes: 0, a positive errno, or its own negative codes. */
static int from_pcmk_rc(int rc)
{
	if (rc == 0) {
		return 0;
	}
	return rc > 0 ? -rc : -EPROTO;
}

static int load(struct pcmk_fns *fn)
{
	/* Never dlclose'd: libcrmcommon and glib register process-wide state. */
	void *lib = dlopen(VNFHA_CRMCOMMON_SONAME, RTLD_NOW | RTLD_LOCAL);
	struct {
		const char *name;
		void **slot;
	} syms[] = {
		{ "pcmk_new_ipc_api", (void **)&fn->new_api },
		{ "pcmk_free_ipc_api", (void **)&fn->free_api },
		{ "pcmk_connect_ipc", (void **)&fn->connect },
		{ "pcmk_poll_ipc", (void **)&fn->poll },
		{ "pcmk_dispatch_ipc", (void **)&fn->dispatch },
		{ "pcmk_ipc_is_connected", (void **)&fn->is_connected },
		{ "pcmk_register_ipc_callback", (void **)&fn->register_cb },
		{ "pcmk_controld_api_node_info", (void **)&fn->node_info },
		{ "pcmk_controld_api_fail", (void **)&fn->fail },
		{ "pcmk_controld_api_refresh", (void **)&fn->refresh },
	};

	if (lib == NULL) {
		return -ENOSYS;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(lib, syms[i].name);
		if (*syms[i].slot == NULL) {
			return -ENOSYS;
		}
	}
	return 0;
}

/* Is the answer about this node? On a Remote node, also: who routes to it. */
static int node_info_answer(struct report_ctl *c, const pcmk_controld_api_reply_t *reply)
{
	const char *uname = reply->data.node_info.uname;

	if (reply->reply_type != pcmk_controld_reply_info) {
		return -EPROTO;
	}
	if (uname == NULL || strcmp(uname, c->rsc->node) != 0) {
		return -EREMOTE;
	}
	if (!reply->data.node_info.is_remote) {
		return 0;
	}
	if (reply->host_from == NULL || *reply->host_from == '\0' ||
	    strcmp(reply->host_from, uname) == 0) {
		return -EREMOTE;
	}
	free(c->router);
	c->router = strdup(reply->host_from);
	return c->router != NULL ? 0 : -ENOMEM;
}

static void on_event(pcmk_ipc_api_t *api, enum pcmk_ipc_event type, crm_exit_t status,
		     void *data, void *user)
{
	struct report_ctl *c = user;
	const pcmk_controld_api_reply_t *reply = data;

	if (type == pcmk_ipc_event_disconnect) {
		c->disconnected = true;
		return;
	}
	if (type != pcmk_ipc_event_reply || c->waiting == WAIT_NONE) {
		return;
	}
	c->answered = true;
	c->answer = 0;
	if (status != CRM_EX_OK || reply == NULL) {
		c->answer = -EPROTO;
	} else if (c->waiting == WAIT_NODE_INFO) {
		c->answer = node_info_answer(c, reply);
	} else if (reply->reply_type != pcmk_controld_reply_resource) {
		c->answer = -EPROTO;
	}
}

/* Reads what is waiting. A connection the other end closed polls readable
 * for ever and raises no disconnect event in poll mode (Pacemaker 2.1.5's
 * pcmk_dispatch_ipc), so it is asked whether it still is one. */
static void dispatch(struct report_ctl *c)
{
	c->fn.dispatch(c->api);
	if (!c->fn.is_connected(c->api)) {
		c->disconnected = true;
	}
}

/* Waits for the answer to the request just sent. */
static int wait_answer(struct report_ctl *c, enum wait_for what, unsigned int timeout_ms)
{
	int64_t deadline = vnfha__now_ms() + timeout_ms;
	int rc = 0;

	c->waiting = what;
	c->answered = false;
	while (!c->answered && !c->disconnected) {
		int64_t left = deadline - vnfha__now_ms();

		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = c->fn.poll(c->api, (int)left);
		if (rc == EAGAIN) {
			rc = -ETIMEDOUT;
			break;
		}
		if (rc != 0 && rc != EINTR) {
			rc = from_pcmk_rc(rc);
			break;
		}
		rc = 0;
		dispatch(c);
	}
	c->waiting = WAIT_NONE;
	if (c->answered) {
		return c->answer; /* even when the connection closed after it */
	}
	return c->disconnected ? -ENOTCONN : rc;
}

int report_ctl_open(const struct report_rsc *rsc, unsigned int timeout_ms,
		    struct report_ctl **ret_ctl)
{
	struct report_ctl *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL) {
		return -ENOMEM;
	}
	c->rsc = rsc;
	rc = load(&c->fn);
	if (rc < 0) {
		goto free_ctl;
	}
	rc = from_pcmk_rc(c->fn.new_api(&c->api, pcmk_ipc_controld));
	if (rc < 0) {
		goto free_ctl;
	}
	c->fn.register_cb(c->api, on_event, c);
	if (c->fn.connect(c->api, pcmk_ipc_dispatch_poll) != 0) {
		rc = -ENOTCONN;
		goto free_api;
	}
	/* Is it this node's controller? (On a Remote node pacemaker-remoted
	 * proxies the connection to a cluster node's.) */
	rc = from_pcmk_rc(c->fn.node_info(c->api, 0));
	if (rc == 0) {
		rc = wait_answer(c, WAIT_NODE_INFO, timeout_ms);
	}
	if (rc < 0) {
		goto free_api;
	}
	*ret_ctl = c;
	return 0;

free_api:
	c->fn.free_api(c->api); /* disconnects too */
free_ctl:
	free(c->router);
	free(c);
	return rc;
}

int report_ctl_fail(struct report_ctl *c, unsigned int timeout_ms)
{
	const struct report_rsc *r = c->rsc;
	int rc;

	if (c->disconnected) {
		return -ENOTCONN;
	}
	if (c->router != NULL) {
		rc = from_pcmk_rc(c->fn.refresh(c->api, r->node, c->router, r->id, r->long_id,
						"ocf", r->provider, r->type, false));
	} else {
		rc = from_pcmk_rc(c->fn.fail(c->api, r->node, r->node, r->id, r->long_id, "ocf",
					     r->provider, r->type));
	}
	if (rc < 0) {
		return rc == -ENOTCONN || rc == -EPIPE || rc == -ECONNRESET ? -ENOTCONN : rc;
	}
	return wait_answer(c, WAIT_FAIL, timeout_ms);
}

const char *report_ctl_router(const struct report_ctl *c)
{
	return c->router;
}

bool report_ctl_lost(struct report_ctl *c)
{
	/* the controller restarted, say: the next connection reaches the new one */
	if (!c->disconnected) {
		int rc = c->fn.poll(c->api, 0);

		if (rc == 0) {
			dispatch(c);
		} else if (rc != EAGAIN && rc != EINTR) {
			c->disconnected = true;
		}
	}
	return c->disconnected;
}

void report_ctl_close(struct report_ctl *c)
{
	if (c == NULL) {
		return;
	}
	c->fn.free_api(c->api);
	free(c->router);
	free(c);
}

#endif

#define CTL_OPEN_TIMEOUT_MS 250
#define REMOTE_OPEN_MS 2000 /* through pacemaker-remoted's proxy: a TLS round trip more */
#define CTL_RETRY_MS 10000

void reporter_init(struct reporter *r, const struct report_rsc *rsc, unsigned int delay_ms)
{
	enum vnfha__node_kind kind = VNFHA__NODE_UNKNOWN;

	*r = (struct reporter){ .rsc = *rsc, .next_try = vnfha__now_ms() + delay_ms };
	r->remote = vnfha__node_kind("/proc", &kind) == 0 && kind == VNFHA__NODE_REMOTE;
}

void reporter_tick(struct reporter *r)
{
	int rc;

	if (r->remote) {
		return; /* it connects when it reports (reporter_fail) */
	}
	if (r->ctl != NULL && report_ctl_lost(r->ctl)) {
		vnfha_log(VNFHA_LOG_INFO, "the connection to the controller is gone; reconnecting");
		report_ctl_close(r->ctl);
		r->ctl = NULL;
		r->next_try = vnfha__now_ms();
	}
	if (r->ctl != NULL || r->gave_up || vnfha__now_ms() < r->next_try) {
		return;
	}
	rc = report_ctl_open(&r->rsc, CTL_OPEN_TIMEOUT_MS, &r->ctl);
	if (rc == 0) {
		if (report_ctl_router(r->ctl) != NULL) {
			vnfha_log(VNFHA_LOG_INFO,
				  "reporting failures of %s through the controller of %s, which "
				  "routes to this Pacemaker Remote node (a refresh: the DC's "
				  "probe finds the failure)",
				  r->rsc.id, report_ctl_router(r->ctl));
		} else {
			vnfha_log(VNFHA_LOG_INFO,
				  "reporting failures of %s through the controller of %s",
				  r->rsc.id, r->rsc.node);
		}
		r->told = false;
		return;
	}
	r->next_try = vnfha__now_ms() + CTL_RETRY_MS;
	r->gave_up = rc == -ENOSYS || rc == -EREMOTE;
	if (!r->told || r->gave_up) {
		vnfha_log(VNFHA_LOG_INFO, "reporting failures of %s with crm_resource: %s",
			  r->rsc.id,
			  rc == -ENOSYS	   ? "no Pacemaker IPC library (" REPORT_CTL_LIB ")" :
			  rc == -EREMOTE ? "the controller reached does not know this node" :
			  rc == -ENOTCONN ? "no controller answers on this node (tried again every 10 s)" :
					   strerror(-rc));
		r->told = true;
	}
}

/* --fail; on a Pacemaker Remote node, whose --fail the controller refuses
 * (above), --refresh: the probe it causes finds the failure. */
static int run_crm_resource(const struct report_rsc *rsc, bool remote, unsigned int timeout_ms)
{
	char *argv[] = { "crm_resource", remote ? "--refresh" : "--fail", "--resource",
			 (char *)rsc->id, "--node", (char *)rsc->node, NULL };
	int64_t t0 = vnfha__now_ms();
	int status = 0;
	int rc = vnfha__run(argv, timeout_ms, &status, NULL, 0);

	if (rc < 0 || status != 0) {
		vnfha_log(VNFHA_LOG_ERR, "crm_resource %s for %s on %s failed (%s, status %d)",
			  argv[1], rsc->id, rsc->node, rc < 0 ? strerror(-rc) : "ran", status);
		return rc < 0 ? rc : -EIO;
	}
	vnfha_log(VNFHA_LOG_INFO, "crm_resource %s took the failure of %s in %lld ms", argv[1],
		  rsc->id, (long long)(vnfha__now_ms() - t0));
	return 0;
}

/*
 * On a Pacemaker Remote node the connection is made for the report and
 * closed after it: the route to the node moves with its connection
 * resource, and a session held through pacemaker-remoted's proxy would
 * stay pinned on the controller that routed it when the connection was
 * made.
 */
static int open_for_report(struct reporter *r, unsigned int timeout_ms)
{
	int rc = report_ctl_open(&r->rsc, timeout_ms < REMOTE_OPEN_MS ? timeout_ms : REMOTE_OPEN_MS,
				 &r->ctl);

	if (rc < 0) {
		vnfha_log(VNFHA_LOG_WARNING, "no connection to the controller routing to this node "
			  "(%s); running crm_resource", strerror(-rc));
	}
	return rc;
}

int reporter_fail(struct reporter *r, unsigned int timeout_ms)
{
	int64_t t0 = vnfha__now_ms();
	int rc;

	if (r->ctl == NULL && (!r->remote || r->gave_up || open_for_report(r, timeout_ms) < 0)) {
		return run_crm_resource(&r->rsc, r->remote, timeout_ms);
	}
	rc = report_ctl_fail(r->ctl, timeout_ms);
	if (rc == 0) {
		const char *router = report_ctl_router(r->ctl);

		if (router != NULL) {
			vnfha_log(VNFHA_LOG_INFO,
				  "the controller of %s (a refresh) took the failure of %s in %lld ms",
				  router, r->rsc.id, (long long)(vnfha__now_ms() - t0));
		} else {
			vnfha_log(VNFHA_LOG_INFO, "the controller took the failure of %s in %lld ms",
				  r->rsc.id, (long long)(vnfha__now_ms() - t0));
		}
		if (r->remote) {
			report_ctl_close(r->ctl);
			r->ctl = NULL;
		}
		return 0;
	}
	report_ctl_close(r->ctl);
	r->ctl = NULL;
	r->next_try = vnfha__now_ms() + CTL_RETRY_MS;
	if (rc == -ETIMEDOUT) {
		/* It may still arrive: a second report would count twice. */
		vnfha_log(VNFHA_LOG_ERR, "the controller did not answer the failure report of %s "
			  "in %u ms; the next monitor reports it", r->rsc.id, timeout_ms);
		return rc;
	}
	vnfha_log(VNFHA_LOG_WARNING, "reporting the failure of %s through the controller failed "
		  "(%s); running crm_resource", r->rsc.id, strerror(-rc));
	return run_crm_resource(&r->rsc, r->remote, timeout_ms);
}

const char *reporter_how(const struct reporter *r)
{
	return r->remote ? " (a Pacemaker Remote node: a refresh)" : "";
}

void reporter_free(struct reporter *r)
{
	report_ctl_close(r->ctl);
	r->ctl = NULL;
}
