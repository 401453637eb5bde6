// SPDX-License-Identifier: GPL-2.0-or-later
/* ocf_node: the node-kind test on a made-up /proc, and the parser of
 * cibadmin's nvpair output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "ocf/ocf_node.h"

static char proc_root[] = "/tmp/vnfha-test-proc.XXXXXX";

static void proc_add(const char *pid, const char *comm)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", proc_root, pid);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/%s/comm", proc_root, pid);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fprintf(f, "%s\n", comm);
		fclose(f);
	}
}

/* Removes what proc_add made (pids below 200). */
static void proc_clear(void)
{
	for (int pid = 1; pid < 200; pid++) {
		char path[300];

		snprintf(path, sizeof(path), "%s/%d/comm", proc_root, pid);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%d", proc_root, pid);
		rmdir(path);
	}
}

static enum vnfha__node_kind kind_now(void)
{
	enum vnfha__node_kind kind = 42;

	CHECK_INT(vnfha__node_kind(proc_root, &kind), 0);
	return kind;
}

static void test_node_kind(void)
{
	enum vnfha__node_kind kind = 42;

	CHECK(mkdtemp(proc_root) != NULL);
	/* a full node: corosync, pacemakerd, its daemons */
	proc_add("1", "lab-node-init");
	proc_add("17", "corosync");
	proc_add("18", "pacemakerd");
	proc_add("19", "pacemaker-execd");
	CHECK_INT(kind_now(), VNFHA__NODE_CLUSTER);
	proc_clear();
	/* a remote node: comm is the name cut to 15 bytes */
	proc_add("1", "lab-node-init");
	proc_add("12", "pacemaker-remot");
	proc_add("40", "statesync");
	CHECK_INT(kind_now(), VNFHA__NODE_REMOTE);
	proc_clear();
	/* the old name (pacemaker_remoted) */
	proc_add("12", "pacemaker_remot");
	CHECK_INT(kind_now(), VNFHA__NODE_REMOTE);
	/* corosync wins: a node running both is a cluster node */
	proc_add("13", "corosync");
	CHECK_INT(kind_now(), VNFHA__NODE_CLUSTER);
	proc_clear();
	/* neither: a stopped node, or a hand-run agent elsewhere */
	proc_add("7", "bash");
	proc_add("8", "corosync-cfgtoo"); /* not corosync itself */
	proc_add("9", "pacemaker-remox");
	CHECK_INT(kind_now(), VNFHA__NODE_UNKNOWN);
	proc_clear();
	CHECK(rmdir(proc_root) == 0);
	CHECK_INT(vnfha__node_kind(proc_root, &kind), -ENOENT);
	CHECK_INT(kind, 42);
	CHECK(strcmp(vnfha__node_kind_name(VNFHA__NODE_REMOTE), "Pacemaker Remote node") == 0);
}

/* proc_root/DIR/ns/pid as a hard link of proc_root/NS (one made-up PID
 * namespace per NS file: stat sees its inode, as it sees nsfs's). */
static void ns_set(const char *dir, const char *ns)
{
	char path[300], target[300];

	snprintf(path, sizeof(path), "%s/%s/ns", proc_root, dir);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(target, sizeof(target), "%s/%s", proc_root, ns);
	snprintf(path, sizeof(path), "%s/%s/ns/pid", proc_root, dir);
	CHECK(link(target, path) == 0);
}

static void ns_clear(const char *dir)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s/ns/pid", proc_root, dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s/ns", proc_root, dir);
	rmdir(path);
}

static void test_node_kind_pid_ns(void)
{
	char path[300];
	FILE *f;

	memcpy(proc_root + strlen(proc_root) - 6, "XXXXXX", 6); /* mkdtemp's template again */
	CHECK(mkdtemp(proc_root) != NULL);
	for (const char *const *ns = (const char *const[]){ "ns-ours", "ns-theirs", NULL }; *ns;
	     ns++) {
		snprintf(path, sizeof(path), "%s/%s", proc_root, *ns);
		f = fopen(path, "w");
		CHECK(f != NULL);
		if (f != NULL) {
			fclose(f);
		}
	}
	proc_add("self", "test_ocf_node");
	ns_set("self", "ns-ours");
	/* a host: a lab node's or a container's remoted in a child PID
	 * namespace is listed, but is not ours */
	proc_add("1", "systemd");
	ns_set("1", "ns-ours");
	proc_add("190", "pacemaker-remot");
	ns_set("190", "ns-theirs");
	CHECK_INT(kind_now(), VNFHA__NODE_UNKNOWN);
	/* nor is its corosync */
	proc_add("191", "corosync");
	ns_set("191", "ns-theirs");
	CHECK_INT(kind_now(), VNFHA__NODE_UNKNOWN);
	/* a remoted in our namespace is */
	proc_add("12", "pacemaker-remot");
	ns_set("12", "ns-ours");
	CHECK_INT(kind_now(), VNFHA__NODE_REMOTE);
	/* a process whose namespace cannot be read counts, as before */
	proc_add("13", "corosync");
	CHECK_INT(kind_now(), VNFHA__NODE_CLUSTER);
	for (const char *const *d = (const char *const[]){ "self", "1", "190", "191", "12", NULL };
	     *d; d++) {
		ns_clear(*d);
	}
	snprintf(path, sizeof(path), "%s/self/comm", proc_root);
	CHECK(unlink(path) == 0);
	snprintf(path, sizeof(path), "%s/self", proc_root);
	CHECK(rmdir(path) == 0);
	proc_clear();
	for (const char *const *ns = (const char *const[]){ "ns-ours", "ns-theirs", NULL }; *ns;
	     ns++) {
		snprintf(path, sizeof(path), "%s/%s", proc_root, *ns);
		CHECK(unlink(path) == 0);
	}
	CHECK(rmdir(proc_root) == 0);
}

static void test_nvpair(void)
{
	char buf[64];
	char tiny[4];

	CHECK_INT(vnfha__cib_nvpair_value(
			  "<nvpair name=\"server\" value=\"198.51.100.101\" id=\"r1-server\"/>\n",
			  "server", buf, sizeof(buf)),
		  0);
	CHECK(strcmp(buf, "198.51.100.101") == 0);
	/* several matches wrapped by cibadmin; the first with the name wins */
	CHECK_INT(vnfha__cib_nvpair_value(
			  "<xpath-query>\n"
			  "  <nvpair id=\"g1-meta-remote-addr\" name=\"remote-addr\" value='2001:db8::7'/>\n"
			  "  <nvpair id=\"r2-server\" name=\"server\" value=\"vm2.example\"/>\n"
			  "</xpath-query>\n",
			  "server", buf, sizeof(buf)),
		  0);
	CHECK(strcmp(buf, "vm2.example") == 0);
	CHECK_INT(vnfha__cib_nvpair_value("<xpath-query>\n  <nvpair id=\"a\" name=\"remote-addr\" "
					  "value='2001:db8::7'/>\n</xpath-query>\n",
					  "remote-addr", buf, sizeof(buf)),
		  0);
	CHECK(strcmp(buf, "2001:db8::7") == 0);
	/* an empty value is a value */
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"server\" value=\"\"/>", "server", buf,
					  sizeof(buf)),
		  0);
	CHECK(buf[0] == '\0');

	strcpy(buf, "untouched");
	CHECK_INT(vnfha__cib_nvpair_value("", "server", buf, sizeof(buf)), -ENOENT);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"port\" value=\"3121\"/>", "server", buf,
					  sizeof(buf)),
		  -ENOENT);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpairs name=\"server\" value=\"x\"/>", "server", buf,
					  sizeof(buf)),
		  -ENOENT);
	/* "servers" is not "server", nor is "serve" */
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"servers\" value=\"x\"/><nvpair "
					  "name=\"serve\" value=\"y\"/>",
					  "server", buf, sizeof(buf)),
		  -ENOENT);
	CHECK(strcmp(buf, "untouched") == 0);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"server\" value=\"a&amp;b\"/>", "server",
					  buf, sizeof(buf)),
		  -EINVAL);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"server\"/>", "server", buf, sizeof(buf)),
		  -EINVAL);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"server\" value=\"open", "server", buf,
					  sizeof(buf)),
		  -EINVAL);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=server value=\"x\"/>", "server", buf,
					  sizeof(buf)),
		  -EINVAL);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair =\"x\"/>", "server", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(vnfha__cib_nvpair_value("<nvpair name=\"server\" value=\"198.51.100.1\"/>",
					  "server", tiny, sizeof(tiny)),
		  -ENOSPC);
	CHECK(strcmp(buf, "untouched") == 0);
}

static void test_remote_addr_names(void)
{
	char buf[64];

	/* refused before any XPath is built */
	CHECK_INT(vnfha__ocf_remote_addr("", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(vnfha__ocf_remote_addr("a' or '1'='1", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(vnfha__ocf_remote_addr("vm\"1", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(vnfha__ocf_remote_addr("vm 1", buf, sizeof(buf)), -EINVAL);
}

int main(void)
{
	test_node_kind();
	test_node_kind_pid_ns();
	test_nvpair();
	test_remote_addr_names();
	return UNIT_DONE();
}
