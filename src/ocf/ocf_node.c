// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocf/ocf_node.h"
#include "common/spawn.h"

#define CIB_TOOL_TIMEOUT_MS 10000
#define CIB_OUT_MAX 8192
/* crm_exit_t CRM_EX_NOSUCH: cibadmin's "no such object" (the XPath matched nothing) */
#define CRM_EX_NOSUCH 105

const char *vnfha__node_kind_name(enum vnfha__node_kind kind)
{
	switch (kind) {
	case VNFHA__NODE_CLUSTER:
		return "cluster node";
	case VNFHA__NODE_REMOTE:
		return "Pacemaker Remote node";
	default:
		return "node of unknown kind";
	}
}

/* /proc/PID/comm: the name truncated to 15 bytes (TASK_COMM_LEN - 1). */
static bool comm_is(const char *comm, const char *name)
{
	return strncmp(comm, name, 15) == 0;
}

/* Whether the process proc_root/pid lives in another PID namespace than
 * ours (self_ns: ours, or NULL when unknown). A host's /proc also lists the
 * processes of its containers and of a lab's nodes: their pacemaker-remoted
 * is another node's executor, not ours. When it cannot be told (no
 * permission), the process counts, as before namespaces were looked at. */
static bool in_other_pid_ns(const char *proc_root, const char *pid, const struct stat *self_ns)
{
	char path[300];
	struct stat st;

	if (self_ns == NULL) {
		return false;
	}
	snprintf(path, sizeof(path), "%s/%s/ns/pid", proc_root, pid);
	if (stat(path, &st) < 0) {
		return false;
	}
	return st.st_dev != self_ns->st_dev || st.st_ino != self_ns->st_ino;
}

int vnfha__node_kind(const char *proc_root, enum vnfha__node_kind *ret_kind)
{
	bool corosync = false, remoted = false;
	char self_path[300];
	struct stat self_st;
	const struct stat *self_ns = NULL;
	DIR *dir = opendir(proc_root);
	struct dirent *e;

	if (dir == NULL) {
		return -errno;
	}
	snprintf(self_path, sizeof(self_path), "%s/self/ns/pid", proc_root);
	if (stat(self_path, &self_st) == 0) {
		self_ns = &self_st;
	}
	while ((e = readdir(dir)) != NULL) {
		char path[300], comm[32];
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)e->d_name[0]) ||
		    in_other_pid_ns(proc_root, e->d_name, self_ns)) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/comm", proc_root, e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			continue; /* the process is gone */
		}
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0) {
			continue;
		}
		comm[n] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		if (strcmp(comm, "corosync") == 0) {
			corosync = true;
		} else if (comm_is(comm, "pacemaker-remoted") || comm_is(comm, "pacemaker_remoted")) {
			remoted = true;
		}
	}
	closedir(dir);
	*ret_kind = corosync  ? VNFHA__NODE_CLUSTER :
		    remoted   ? VNFHA__NODE_REMOTE :
				VNFHA__NODE_UNKNOWN;
	return 0;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* One attribute at *p (after blanks): name="value" or name='value'. Sets
 * the pointers into the text; advances *p past it. 0, 1 at the element's
 * end, -EINVAL. */
static int attr_next(const char **p, const char **ret_name, size_t *ret_name_len,
		     const char **ret_value, size_t *ret_value_len)
{
	const char *s = *p;
	const char *name, *end;
	char quote;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
		s++;
	}
	if (*s == '/' || *s == '>') {
		*p = s;
		return 1;
	}
	name = s;
	while (is_name_char(*s) || *s == ':') {
		s++;
	}
	if (s == name || *s != '=') {
		return -EINVAL;
	}
	s++;
	quote = *s;
	if (quote != '"' && quote != '\'') {
		return -EINVAL;
	}
	end = strchr(s + 1, quote);
	if (end == NULL) {
		return -EINVAL;
	}
	*ret_name = name;
	*ret_name_len = (size_t)(s - 1 - name);
	*ret_value = s + 1;
	*ret_value_len = (size_t)(end - s - 1);
	*p = end + 1;
	return 0;
}

int vnfha__cib_nvpair_value(const char *xml, const char *name, char *buf, size_t len)
{
	size_t want_len = strlen(name);

	for (const char *p = strstr(xml, "<nvpair"); p != NULL; p = strstr(p, "<nvpair")) {
		const char *value = NULL;
		size_t value_len = 0;
		bool match = false;
		int rc;

		p += strlen("<nvpair");
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			continue; /* another element, e.g. <nvpairs> */
		}
		for (;;) {
			const char *an, *av;
			size_t an_len, av_len;

			rc = attr_next(&p, &an, &an_len, &av, &av_len);
			if (rc < 0) {
				return rc;
			}
			if (rc == 1) {
				break;
			}
			if (an_len == 4 && strncmp(an, "name", 4) == 0) {
				match = av_len == want_len && strncmp(av, name, want_len) == 0;
			} else if (an_len == 5 && strncmp(an, "value", 5) == 0) {
				value = av;
				value_len = av_len;
			}
		}
		if (!match) {
			continue;
		}
		if (value == NULL || memchr(value, '&', value_len) != NULL ||
		    memchr(value, '<', value_len) != NULL) {
			return -EINVAL;
		}
		if (value_len >= len) {
			return -ENOSPC;
		}
		memcpy(buf, value, value_len);
		buf[value_len] = '\0';
		return 0;
	}
	return -ENOENT;
}

int vnfha__ocf_remote_addr(const char *node, char *buf, size_t len)
{
	char xpath[512], out[CIB_OUT_MAX];
	char *argv[] = { "cibadmin", "--query", "--xpath", xpath, NULL };
	int status = 0;
	int rc, n;

	if (node[0] == '\0') {
		return -EINVAL;
	}
	for (const char *c = node; *c != '\0'; c++) {
		if (!is_name_char(*c)) {
			return -EINVAL;
		}
	}
	/* A remote node: the connection resource is named after the node. A
	 * guest node: any resource whose remote-node meta-attribute names it. */
	n = snprintf(xpath, sizeof(xpath),
		     "//primitive[@class='ocf' and @provider='pacemaker' and @type='remote' and "
		     "@id='%s']/instance_attributes/nvpair[@name='server'] | "
		     "//meta_attributes[nvpair[@name='remote-node' and @value='%s']]"
		     "/nvpair[@name='remote-addr']",
		     node, node);
	if (n < 0 || (size_t)n >= sizeof(xpath)) {
		return -EINVAL;
	}
	rc = vnfha__run(argv, CIB_TOOL_TIMEOUT_MS, &status, out, sizeof(out));
	if (rc < 0) {
		return rc;
	}
	if (status == CRM_EX_NOSUCH) {
		return -ENOENT;
	}
	if (status != 0) {
		return -EIO;
	}
	rc = vnfha__cib_nvpair_value(out, "server", buf, len);
	return rc == -ENOENT ? vnfha__cib_nvpair_value(out, "remote-addr", buf, len) : rc;
}
