// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fence_vnfhalab — the fence agent of the vnfha cluster lab. It follows the
 * fence-agents API: parameters as "key=value" lines on stdin (how
 * pacemaker-fenced calls it) or -o/-n on the command line; actions off, on,
 * reboot, status, list, monitor, metadata and validate-all; exit 0 for
 * success (status: on), 2 for "off" (status), 1 for failure. It asks the
 * lab power switch (lab-switchd, in the root namespace) over a Unix socket
 * (protocol: lab_switch.h), as fence_virt asks its host daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lab_switch.h"

#define VALUE_MAX 108 /* the longest value we keep: a socket path */

struct fence_args {
	char action[32];
	char plug[32];
	char socket_path[VALUE_MAX];
};

static const char metadata[] =
	"<?xml version=\"1.0\" ?>\n"
	"<resource-agent name=\"fence_vnfhalab\" shortdesc=\"Fence agent for the vnfha cluster "
	"lab power switch\">\n"
	"<longdesc>fence_vnfhalab powers nodes of the vnfha test lab off and on through the "
	"lab power switch (lab-switchd), which kills every process of the node and deletes its "
	"network namespace, so the node and every address it held are gone when \"off\" "
	"returns.</longdesc>\n"
	"<vendor-url>https://example.invalid/vnfha</vendor-url>\n"
	"<parameters>\n"
	"\t<parameter name=\"action\" unique=\"0\" required=\"1\">\n"
	"\t\t<getopt mixed=\"-o, --action=[action]\" />\n"
	"\t\t<content type=\"string\" default=\"reboot\" />\n"
	"\t\t<shortdesc lang=\"en\">Fencing action</shortdesc>\n"
	"\t</parameter>\n"
	"\t<parameter name=\"plug\" unique=\"0\" required=\"1\" obsoletes=\"port\">\n"
	"\t\t<getopt mixed=\"-n, --plug=[id]\" />\n"
	"\t\t<content type=\"string\" />\n"
	"\t\t<shortdesc lang=\"en\">Lab node to fence (node1 ... node5, remote1 ... remote99)</shortdesc>\n"
	"\t</parameter>\n"
	"\t<parameter name=\"port\" unique=\"0\" required=\"0\" deprecated=\"1\">\n"
	"\t\t<getopt mixed=\"-n, --plug=[id]\" />\n"
	"\t\t<content type=\"string\" />\n"
	"\t\t<shortdesc lang=\"en\">Lab node to fence (node1 ... node5, remote1 ... remote99)</shortdesc>\n"
	"\t</parameter>\n"
	"\t<parameter name=\"socket\" unique=\"0\" required=\"0\">\n"
	"\t\t<getopt mixed=\"-s, --socket=[path]\" />\n"
	"\t\t<content type=\"string\" default=\"" LAB_SWITCH_SOCKET "\" />\n"
	"\t\t<shortdesc lang=\"en\">Unix socket of the lab power switch</shortdesc>\n"
	"\t</parameter>\n"
	"</parameters>\n"
	"<actions>\n"
	"\t<action name=\"on\" automatic=\"0\" />\n"
	"\t<action name=\"off\" />\n"
	"\t<action name=\"reboot\" />\n"
	"\t<action name=\"status\" />\n"
	"\t<action name=\"list\" />\n"
	"\t<action name=\"monitor\" />\n"
	"\t<action name=\"metadata\" />\n"
	"\t<action name=\"validate-all\" />\n"
	"</actions>\n"
	"</resource-agent>\n";

static int value_set(char *dst, size_t dst_len, const char *key, const char *value)
{
	if (strlen(value) >= dst_len) {
		fprintf(stderr, "fence_vnfhalab: value of %s is too long\n", key);
		return -ERANGE;
	}
	strcpy(dst, value);
	return 0;
}

/* One "key=value" line. Keys we do not know are ignored, as fence-agents do
 * (pacemaker-fenced passes more than a device needs). */
static int stdin_line_apply(struct fence_args *args, char *line)
{
	char *eq = strchr(line, '=');

	if (line[0] == '\0' || line[0] == '#') {
		return 0;
	}
	if (eq == NULL) {
		fprintf(stderr, "fence_vnfhalab: ignoring a line without '='\n");
		return 0;
	}
	*eq = '\0';
	if (strcmp(line, "action") == 0 || strcmp(line, "option") == 0) {
		return value_set(args->action, sizeof(args->action), line, eq + 1);
	}
	if (strcmp(line, "plug") == 0 || strcmp(line, "port") == 0) {
		return value_set(args->plug, sizeof(args->plug), line, eq + 1);
	}
	if (strcmp(line, "nodename") == 0 && args->plug[0] == '\0') {
		/* the target's node name; plug/port win when both are given */
		return value_set(args->plug, sizeof(args->plug), line, eq + 1);
	}
	if (strcmp(line, "socket") == 0) {
		return value_set(args->socket_path, sizeof(args->socket_path), line, eq + 1);
	}
	return 0;
}

static int stdin_read(struct fence_args *args)
{
	char line[512];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t len = strlen(line);
		int rc;

		if (len > 0 && line[len - 1] != '\n' && !feof(stdin)) {
			fprintf(stderr, "fence_vnfhalab: input line too long\n");
			return -EMSGSIZE;
		}
		line[strcspn(line, "\r\n")] = '\0';
		rc = stdin_line_apply(args, line);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int argv_read(struct fence_args *args, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "action", required_argument, NULL, 'o' },
		{ "plug", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	int rc = 0;

	while ((c = getopt_long(argc, argv, "o:n:s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			rc = value_set(args->action, sizeof(args->action), "action", optarg);
			break;
		case 'n':
			rc = value_set(args->plug, sizeof(args->plug), "plug", optarg);
			break;
		case 's':
			rc = value_set(args->socket_path, sizeof(args->socket_path), "socket",
				       optarg);
			break;
		case 'h':
			printf("usage: fence_vnfhalab [-o ACTION] [-n NODE] [-s SOCKET]\n"
			       "       (or key=value lines on stdin)\n");
			exit(0);
		default:
			return -EINVAL;
		}
		if (rc < 0) {
			return rc;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fence_vnfhalab: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Sends "<action> <plug>" to the switch; returns its rc (0/1/2) or -errno,
 * and the reply's text (after the rc) in text. */
static int switch_ask(const char *socket_path, const char *request, char *text, size_t text_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char reply[LAB_SWITCH_LINE_MAX];
	int fd = -1;
	int rc;

	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, request, strlen(request)) != (ssize_t)strlen(request)) {
		rc = -errno;
		goto out_close;
	}
	rc = lab_switch_line_read(fd, reply, sizeof(reply), LAB_SWITCH_TIMEOUT_MS);
	if (rc < 0) {
		goto out_close;
	}
	if ((reply[0] != '0' && reply[0] != '1' && reply[0] != '2') ||
	    (reply[1] != '\0' && reply[1] != ' ')) {
		rc = -EPROTO;
		goto out_close;
	}
	rc = reply[0] - '0';
	snprintf(text, text_len, "%s", reply[1] == ' ' ? reply + 2 : "");
out_close:
	close(fd);
	return rc;
}

static int list_print(const char *names)
{
	const char *p = names;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (len > 0) {
			printf("%.*s\n", (int)len, p);
		}
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fence_args args = { .action = "reboot", .socket_path = LAB_SWITCH_SOCKET };
	enum lab_switch_action action;
	char request[LAB_SWITCH_LINE_MAX];
	char text[LAB_SWITCH_LINE_MAX];
	const struct lab_switch_size all = { LAB_NODES_MAX, LAB_REMOTES_MAX };
	char plug[32];
	long slot = 0;
	int rc;

	rc = argc > 1 ? argv_read(&args, argc, argv) : stdin_read(&args);
	if (rc < 0) {
		return 1;
	}
	if (strcmp(args.action, "metadata") == 0) {
		fputs(metadata, stdout);
		return 0;
	}
	if (args.socket_path[0] != '/') {
		fprintf(stderr, "fence_vnfhalab: socket \"%s\" is not an absolute path\n",
			args.socket_path);
		return 1;
	}
	if (strcmp(args.action, "validate-all") == 0) {
		if (args.plug[0] != '\0' && lab_switch_plug_parse(args.plug, &all, &slot) < 0) {
			fprintf(stderr, "fence_vnfhalab: plug \"%s\" is not node1 ... node%d or "
				"remote1 ... remote%d\n", args.plug, LAB_NODES_MAX, LAB_REMOTES_MAX);
			return 1;
		}
		return 0;
	}
	if (lab_switch_action_parse(args.action, &action) < 0) {
		fprintf(stderr, "fence_vnfhalab: unsupported action \"%s\"\n", args.action);
		return 1;
	}
	if (lab_switch_action_has_plug(action)) {
		if (args.plug[0] == '\0') {
			fprintf(stderr, "fence_vnfhalab: action %s needs a plug\n", args.action);
			return 1;
		}
		if (lab_switch_plug_parse(args.plug, &all, &slot) < 0) {
			fprintf(stderr, "fence_vnfhalab: plug \"%s\" is not node1 ... node%d or "
				"remote1 ... remote%d\n", args.plug, LAB_NODES_MAX, LAB_REMOTES_MAX);
			return 1;
		}
		/* the canonical name, never the caller's text */
		lab_switch_slot_name(slot, plug, sizeof(plug));
		snprintf(request, sizeof(request), "%s %s\n", args.action, plug);
	} else {
		snprintf(request, sizeof(request), "%s -\n", args.action);
	}
	rc = switch_ask(args.socket_path, request, text, sizeof(text));
	if (rc < 0) {
		fprintf(stderr, "fence_vnfhalab: power switch %s: %s\n", args.socket_path,
			strerror(-rc));
		return 1;
	}
	if (action == LAB_SWITCH_LIST && rc == 0) {
		list_print(text);
	}
	if (action == LAB_SWITCH_STATUS) {
		printf("Status: %s\n", rc == 0 ? "ON" : rc == 2 ? "OFF" : "UNKNOWN");
	}
	return rc;
}
