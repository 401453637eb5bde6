// SPDX-License-Identifier: LGPL-2.1-or-later
/* Administering the local vnfha-ckptd (ckpt_admin.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt_admin.h"
#include "ckpt/ckpt_io.h"

/* A RESULT; its status, and its message copied to why when there is one. */
static int recv_result(struct vnfha__ckpt_conn *c, char *why, size_t why_len)
{
	struct vnfha__ckpt_result r;
	struct vnfha__ckpt_hdr h;
	uint8_t buf[4096];
	size_t got = 0;
	int rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);

	if (rc != 0) {
		return rc;
	}
	if (h.type != VNFHA_CKPT_RESULT || got != h.length ||
	    vnfha__ckpt_result_decode(buf, got, &r) != 0) {
		return -EPROTO;
	}
	if (why != NULL && why_len > 0) {
		snprintf(why, why_len, "%s", r.message);
	}
	return r.status;
}

int vnfha__ckpt_admin_whoami(struct vnfha_ckpt_client *client, int *ret_role, char *ret_node)
{
	struct vnfha__ckpt_conn *c = vnfha__ckpt_client_conn(client);
	struct vnfha__ckpt_hello me = { .proto_min = VNFHA_CKPT_PROTO_MIN,
					.proto_max = VNFHA_CKPT_PROTO_MAX };
	struct vnfha__ckpt_hello them;
	struct vnfha__ckpt_hdr h;
	uint8_t buf[256];
	size_t got = 0;
	int n = vnfha__ckpt_hello_encode(&me, buf, sizeof(buf));
	int rc = n < 0 ? n : vnfha__ckpt_io_send(c, VNFHA_CKPT_HELLO, buf, (uint32_t)n);

	if (rc == 0) {
		rc = vnfha__ckpt_io_recv(c, &h, buf, sizeof(buf), &got);
	}
	if (rc != 0) {
		return rc;
	}
	if (h.type == VNFHA_CKPT_RESULT) { /* a daemon that does not know the request */
		struct vnfha__ckpt_result r;

		if (got != h.length || vnfha__ckpt_result_decode(buf, got, &r) != 0) {
			return -EPROTO;
		}
		return r.status < 0 ? r.status : -EPROTO;
	}
	if (h.type != VNFHA_CKPT_HELLO || got != h.length ||
	    vnfha__ckpt_hello_decode(buf, got, &them) != 0) {
		return -EPROTO;
	}
	*ret_role = them.role;
	if (ret_node != NULL) {
		memcpy(ret_node, them.node, sizeof(them.node));
	}
	return 0;
}

int vnfha__ckpt_admin_set_role(struct vnfha_ckpt_client *client, int role)
{
	struct vnfha__ckpt_conn *c = vnfha__ckpt_client_conn(client);
	struct vnfha__ckpt_req r = { .role = (uint32_t)role };
	uint8_t buf[256];
	int n;
	int rc;

	if (role != VNFHA_CKPT_ROLE_PRIMARY && role != VNFHA_CKPT_ROLE_REPLICA) {
		return -EINVAL;
	}
	n = vnfha__ckpt_req_encode(&r, buf, sizeof(buf));
	rc = n < 0 ? n : vnfha__ckpt_io_send(c, VNFHA_CKPT_ROLE, buf, (uint32_t)n);
	return rc != 0 ? rc : recv_result(c, NULL, 0);
}

int vnfha__ckpt_admin_set_peers(struct vnfha_ckpt_client *client, char *const *addrs, size_t n,
				char *why, size_t why_len)
{
	char text[VNFHA_CKPT_MAX_PEERS * (VNFHA_CKPT_NAME_MAX + 1) + 1] = "";
	size_t used = 0;
	int rc;

	if (why != NULL && why_len > 0) {
		why[0] = '\0';
	}
	if (n > VNFHA_CKPT_MAX_PEERS) {
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		int k;

		if (strlen(addrs[i]) > VNFHA_CKPT_NAME_MAX || strchr(addrs[i], ' ') != NULL) {
			return -EINVAL;
		}
		k = snprintf(text + used, sizeof(text) - used, "%s%s", i > 0 ? " " : "", addrs[i]);
		used += (size_t)k;
	}
	rc = vnfha__ckpt_io_send(vnfha__ckpt_client_conn(client), VNFHA_CKPT_PEERS, text,
				 (uint32_t)used);
	return rc != 0 ? rc : recv_result(vnfha__ckpt_client_conn(client), why, why_len);
}

int vnfha__ckpt_admin_status(struct vnfha_ckpt_client *client, char **ret_text)
{
	struct vnfha__ckpt_conn *c = vnfha__ckpt_client_conn(client);
	struct vnfha__ckpt_req r = { .size = 0 };
	struct vnfha__ckpt_hdr h;
	uint8_t req[256];
	uint8_t *buf = malloc(VNFHA_CKPT_TEXT_MAX + 1);
	char *text = malloc(VNFHA_CKPT_TEXT_MAX + 1);
	size_t got = 0;
	int n = vnfha__ckpt_req_encode(&r, req, sizeof(req));
	int rc = n < 0 ? n : 0;

	if (rc == 0 && (buf == NULL || text == NULL)) {
		rc = -ENOMEM;
	}
	if (rc == 0) {
		rc = vnfha__ckpt_io_send(c, VNFHA_CKPT_STATUS, req, (uint32_t)n);
	}
	if (rc == 0) {
		rc = vnfha__ckpt_io_recv(c, &h, buf, VNFHA_CKPT_TEXT_MAX + 1, &got);
	}
	if (rc == 0 && (h.type != VNFHA_CKPT_TEXT || got != h.length ||
			vnfha__ckpt_text_decode(buf, got, text, VNFHA_CKPT_TEXT_MAX + 1) != 0)) {
		rc = -EPROTO;
	}
	free(buf);
	if (rc != 0) {
		free(text);
		return rc;
	}
	*ret_text = text;
	return 0;
}
