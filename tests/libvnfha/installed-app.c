// SPDX-License-Identifier: GPL-2.0-or-later
/* A program as a user writes it, built by tests/libvnfha/installed.sh
 * against an installed libvnfha through pkg-config only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vnfha/vnfha.h>

int main(void)
{
	struct vnfha_ckpt_client *c = NULL;
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	int rc = vnfha_ckpt_connect("/nonexistent/vnfha-ckpt.sock", &c);

	printf("headers %s library %s\n", VNFHA_VERSION_STRING, vnfha_lib_version());
	printf("connect: %s\n", vnfha_lib_strerror(rc));
	if (res == NULL || rc != -ENOENT || strcmp(vnfha_lib_version(), VNFHA_VERSION_STRING) != 0) {
		return 1;
	}
	vnfha_ckpt_result_free(res);
	return 0;
}
