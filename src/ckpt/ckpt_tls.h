/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS 1.3 with a pre-shared key (RFC 8446 §2.2, psk_dhe_ke) through
 * GnuTLS for the daemon-to-daemon channel. The key is the cluster's
 * Pacemaker Remote key file (/etc/pacemaker/authkey by default); the PSK
 * is its SHA-256, so any length of key file works.
 */
#ifndef VNFHA_CKPT_TLS_H
#define VNFHA_CKPT_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "ckpt/ckpt_io.h"

#define VNFHA_CKPT_DEFAULT_KEY "/etc/pacemaker/authkey"

struct vnfha__ckpt_tls_key {
	unsigned char psk[32];
};

/*
 * Reads the key file. -EPERM when others may use it or its owner or group
 * may not (vnfha__ckpt_key_check_mode: 0600/0400 root, 0640 and 0400
 * hacluster:haclient as crmsh and pcs write it), -EINVAL when empty or not
 * a regular file, -errno of open (-ENOENT: no key); why gets the sentence
 * to log, with the fix.
 */
int vnfha__ckpt_tls_load_key(const char *path, struct vnfha__ckpt_tls_key *ret_key, char *why,
			     size_t why_len);

/* Runs the handshake on a connected fd and makes c a TLS connection (the
 * fd then belongs to c). On failure why says what happened (a wrong key
 * shows as a failed handshake) and the fd is left to the caller. */
int vnfha__ckpt_tls_client(struct vnfha__ckpt_conn *c, int fd,
			   const struct vnfha__ckpt_tls_key *key, char *why, size_t why_len);
int vnfha__ckpt_tls_server(struct vnfha__ckpt_conn *c, int fd,
			   const struct vnfha__ckpt_tls_key *key, char *why, size_t why_len);

/* What protects c, for the logs: "TLS1.3 AES-128-GCM", or "no TLS". */
const char *vnfha__ckpt_conn_security(const struct vnfha__ckpt_conn *c, char *buf, size_t len);

#endif
