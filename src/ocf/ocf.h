/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The OCF core every vnfha agent is built on (OCF Resource Agent API 1.1).
 *
 * An agent is a parameter table and an action table. From the parameter
 * table the core generates meta-data, applies defaults, and validates every
 * OCF_RESKEY_* value (type, range, choice, required, agent validator); the
 * man page is generated from that meta-data. vnfha_ocf_main() dispatches on
 * an exact action name and returns the OCF exit code for main() to return.
 */
#ifndef VNFHA_OCF_H
#define VNFHA_OCF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* OCF 1.1 "Exit codes": the only definition in the tree. */
enum vnfha_ocf_rc {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
	OCF_RUNNING_PROMOTED = 8,
	OCF_FAILED_PROMOTED = 9,
	OCF_DEGRADED = 190,
	OCF_DEGRADED_PROMOTED = 191,
};

/*
 * One errno -> OCF exit code table for every agent (as Pacemaker's
 * pcmk_rc2ocf): a handler maps a 0/-errno result here, never by hand, so
 * one rc never mixes -errno, positive errno and OCF codes. The same errno
 * means different things by what was being done, which the caller says:
 *
 *   ctx       HOST                  INSTALL               CONFIG
 *   0         OCF_SUCCESS           OCF_SUCCESS           OCF_SUCCESS
 *   -EACCES,  OCF_ERR_PERM          OCF_ERR_PERM          OCF_ERR_PERM
 *   -EPERM
 *   -ENOENT,  OCF_ERR_GENERIC       OCF_ERR_INSTALLED     OCF_ERR_GENERIC
 *   -ENOEXEC, -ENOTDIR, -ELOOP, -ELIBBAD, -ELIBACC
 *   -EINVAL,  OCF_ERR_GENERIC       OCF_ERR_GENERIC       OCF_ERR_CONFIGURED
 *   -ERANGE, -EDOM, -E2BIG, -ENAMETOOLONG, -EILSEQ
 *   any other OCF_ERR_GENERIC       OCF_ERR_GENERIC       OCF_ERR_GENERIC
 *
 * HOST: this node's state (an interface, a namespace, a directory, a
 * daemon): whatever it is, another node may do better, so never
 * OCF_ERR_CONFIGURED (which stops the resource on every node).
 * INSTALL: starting a program or reading a file the resource needs on this
 * node: missing is "not installed here" (Pacemaker bans the node).
 * CONFIG: judging the resource's parameters alone, the same everywhere.
 * rc must be 0 or a negative errno; anything else (a positive errno, an
 * OCF code) is the caller's bug and maps to OCF_ERR_GENERIC.
 */
enum vnfha__ocf_errno_ctx {
	VNFHA__OCF_HOST = 0,
	VNFHA__OCF_INSTALL,
	VNFHA__OCF_CONFIG,
};

int vnfha__ocf_from_errno(int rc, enum vnfha__ocf_errno_ctx ctx);

enum vnfha_param_type {
	VNFHA_PARAM_STRING,
	VNFHA_PARAM_INTEGER, /* long, within [min, max] */
	VNFHA_PARAM_BOOLEAN, /* Pacemaker's true/false words */
	VNFHA_PARAM_SELECT,  /* one of .options */
};

struct vnfha_ocf;

/*
 * Extra check for one value, run after the type check. Returns 0, or a
 * negative errno and writes a sentence (what is valid) into why.
 */
typedef int (*vnfha_param_check_fn)(const char *value, char *why, size_t why_len);

/* A vnfha_param_check_fn: value must be an absolute path. */
int vnfha_ocf_check_absolute_path(const char *value, char *why, size_t why_len);

struct vnfha_param {
	const char *name;
	enum vnfha_param_type type;
	const char *dflt;	   /* NULL: no default */
	bool required;
	const char *unique_group;  /* NULL: none */
	bool reloadable;
	long min, max;		   /* INTEGER only; both 0 means any long */
	const char *const *options; /* SELECT only, NULL-terminated */
	vnfha_param_check_fn check;
	const char *shortdesc;
	const char *longdesc;
	/* An older name of the parameter, read (OCF_RESKEY_<alias>) when the
	 * parameter itself is unset; not in the meta-data. NULL: none. */
	const char *alias;
	/* Not implemented by this agent (a parameter of the agent it replaces):
	 * any value but dflt is refused with this sentence (what to use
	 * instead), and the meta-data marks it <deprecated>. NULL: taken. */
	const char *refused;
};

/* What the core does for an action when the parameters do not validate. */
enum vnfha_bad_params {
	VNFHA_BAD_PARAMS_CONFIGURED = 0, /* return OCF_ERR_CONFIGURED (start, validate-all) */
	VNFHA_BAD_PARAMS_NOT_RUNNING,	 /* cannot be running (monitor never says CONFIGURED) */
	VNFHA_BAD_PARAMS_SUCCESS,	 /* nothing to stop */
	VNFHA_BAD_PARAMS_CALL,		 /* let the handler decide (vnfha_ocf_params_ok) */
};

struct vnfha_action {
	const char *name;
	int (*handler)(struct vnfha_ocf *ocf);
	const char *timeout;  /* meta-data hints */
	const char *interval; /* NULL: none */
	const char *depth;    /* NULL: none */
	const char *role;     /* NULL, "Promoted" or "Unpromoted" */
	enum vnfha_bad_params bad_params;
};

struct vnfha_agent {
	const char *name;
	const char *version;
	const char *shortdesc;
	const char *longdesc;
	const struct vnfha_param *params;
	size_t n_params;
	const struct vnfha_action *actions;
	size_t n_actions;
};

/* Runs the action named by argv[1]; returns the OCF exit code. */
int vnfha_ocf_main(const struct vnfha_agent *agent, int argc, char **argv);

/* Writes the agent's OCF 1.1 meta-data XML to out; 0 or -errno. */
int vnfha_ocf_write_metadata(const struct vnfha_agent *agent, FILE *out);

/* Typed values of validated parameters (defaults applied). Asking for a
 * name that is not in the table is a programming error: NULL/0/false. */
const char *vnfha_ocf_str(const struct vnfha_ocf *ocf, const char *name);
long vnfha_ocf_int(const struct vnfha_ocf *ocf, const char *name);
bool vnfha_ocf_bool(const struct vnfha_ocf *ocf, const char *name);
/* True when the user gave the parameter (not only its default). */
bool vnfha_ocf_is_set(const struct vnfha_ocf *ocf, const char *name);
/* For VNFHA_BAD_PARAMS_CALL handlers: did the parameters validate? */
bool vnfha_ocf_params_ok(const struct vnfha_ocf *ocf);
/* ... and if not, the first problem as a sentence ("" when they did). */
const char *vnfha_ocf_params_error(const struct vnfha_ocf *ocf);

const char *vnfha_ocf_action(const struct vnfha_ocf *ocf);
const char *vnfha_ocf_resource(const struct vnfha_ocf *ocf);
const struct vnfha_agent *vnfha_ocf_agent(const struct vnfha_ocf *ocf);
/* OCF_CHECK_LEVEL for monitor (0 when unset or not a number). */
int vnfha_ocf_check_level(const struct vnfha_ocf *ocf);
/* True for a probe: monitor with interval 0 (OCF_RESKEY_CRM_meta_interval). */
bool vnfha_ocf_is_probe(const struct vnfha_ocf *ocf);

/* Logging: "<agent>(<resource>)[pid]: <LEVEL>: message" on stderr, where
 * pacemaker-execd captures it, and the same line to syslog (LOG_DAEMON). */
enum vnfha_log_level { VNFHA_LOG_ERR = 3, VNFHA_LOG_WARNING = 4, VNFHA_LOG_INFO = 6, VNFHA_LOG_DEBUG = 7 };
void vnfha_log_init(const char *agent, const char *resource);
void vnfha_log(enum vnfha_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Logs an error and prints the final "ocf-exit-reason:" line Pacemaker shows;
 * returns rc so handlers can `return vnfha_ocf_fail(rc, ...)`. */
int vnfha_ocf_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Only the "ocf-exit-reason:" line (the error was logged already). */
void vnfha_ocf_exit_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
