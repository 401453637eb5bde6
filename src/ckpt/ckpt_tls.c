// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_key.h"
#include "ckpt/ckpt_tls.h"

/* TLS 1.3 only, PSK with (EC)DHE for forward secrecy, AEAD ciphers. */
/* AES-GCM first: it has AES-NI/VAES paths; ChaCha20 in nettle 3.8 is plain C. */
#define PRIORITY                                                                             \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:-KX-ALL:+ECDHE-PSK:+DHE-PSK:-CIPHER-ALL:+AES-128-GCM:" \
	"+AES-256-GCM:+CHACHA20-POLY1305"
#define IDENTITY "vnfha-ckpt"

struct tls {
	gnutls_session_t session;
	gnutls_psk_client_credentials_t ccred;
	gnutls_psk_server_credentials_t scred;
	gnutls_datum_t key;
};

int vnfha__ckpt_tls_load_key(const char *path, struct vnfha__ckpt_tls_key *ret_key, char *why,
			     size_t why_len)
{
	unsigned char buf[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(why, why_len, "cannot open key file '%s': %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "key file '%s' is not a regular file", path);
		rc = -EINVAL;
		goto out;
	}
	rc = vnfha__ckpt_key_check_mode(path, st.st_uid, st.st_gid, st.st_mode, why, why_len);
	if (rc < 0) {
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n <= 0) {
		snprintf(why, why_len, "key file '%s' is empty or unreadable", path);
		rc = -EINVAL;
		goto out;
	}
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, (size_t)n, ret_key->psk) != 0) {
		snprintf(why, why_len, "cannot hash key file '%s'", path);
		rc = -EIO;
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

static ssize_t tls_send(struct vnfha__ckpt_conn *c, const void *buf, size_t len)
{
	struct tls *t = c->priv;
	ssize_t n;

	do {
		n = gnutls_record_send(t->session, buf, len);
	} while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n == GNUTLS_E_PUSH_ERROR || n == GNUTLS_E_PREMATURE_TERMINATION) {
		return -EPIPE;
	}
	return n < 0 ? -EIO : n;
}

static ssize_t tls_recv(struct vnfha__ckpt_conn *c, void *buf, size_t len)
{
	struct tls *t = c->priv;
	ssize_t n;

	do {
		n = gnutls_record_recv(t->session, buf, len);
	} while (n == GNUTLS_E_INTERRUPTED);
	if (n == GNUTLS_E_AGAIN) {
		return -ETIMEDOUT; /* SO_RCVTIMEO expired */
	}
	if (n == GNUTLS_E_PREMATURE_TERMINATION || n == GNUTLS_E_PULL_ERROR) {
		return -ECONNRESET;
	}
	return n < 0 ? -EIO : n;
}

static int tls_cork(struct vnfha__ckpt_conn *c, int on)
{
	struct tls *t = c->priv;

	if (on) {
		gnutls_record_cork(t->session);
		return 0;
	}
	return gnutls_record_uncork(t->session, GNUTLS_RECORD_WAIT) < 0 ? -EIO : 0;
}

static bool tls_pending(struct vnfha__ckpt_conn *c)
{
	struct tls *t = c->priv;

	return gnutls_record_check_pending(t->session) > 0;
}

static void tls_free(struct tls *t)
{
	if (t == NULL) {
		return;
	}
	if (t->session != NULL) {
		gnutls_deinit(t->session);
	}
	if (t->ccred != NULL) {
		gnutls_psk_free_client_credentials(t->ccred);
	}
	if (t->scred != NULL) {
		gnutls_psk_free_server_credentials(t->scred);
	}
	free(t);
}

static void tls_close(struct vnfha__ckpt_conn *c)
{
	tls_free(c->priv);
	c->priv = NULL;
}

static const struct vnfha__ckpt_conn_ops tls_ops = {
	.send = tls_send,
	.recv = tls_recv,
	.cork = tls_cork,
	.pending = tls_pending,
	.close = tls_close,
};

static int server_key(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
	const struct tls *t = gnutls_session_get_ptr(session);

	if (strcmp(username, IDENTITY) != 0) {
		return -1;
	}
	key->data = gnutls_malloc(t->key.size);
	if (key->data == NULL) {
		return -1;
	}
	memcpy(key->data, t->key.data, t->key.size);
	key->size = t->key.size;
	return 0;
}

static int handshake(struct vnfha__ckpt_conn *c, int fd, const struct vnfha__ckpt_tls_key *key,
		     bool server, char *why, size_t why_len)
{
	struct tls *t = calloc(1, sizeof(*t));
	int rc;

	if (t == NULL) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	t->key.data = (unsigned char *)key->psk;
	t->key.size = sizeof(key->psk);
	rc = gnutls_init(&t->session, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
	if (rc == 0 && server) {
		rc = gnutls_psk_allocate_server_credentials(&t->scred);
		if (rc == 0) {
			gnutls_psk_set_server_credentials_function(t->scred, server_key);
			rc = gnutls_credentials_set(t->session, GNUTLS_CRD_PSK, t->scred);
		}
	} else if (rc == 0) {
		rc = gnutls_psk_allocate_client_credentials(&t->ccred);
		if (rc == 0) {
			rc = gnutls_psk_set_client_credentials(t->ccred, IDENTITY, &t->key,
							       GNUTLS_PSK_KEY_RAW);
		}
		if (rc == 0) {
			rc = gnutls_credentials_set(t->session, GNUTLS_CRD_PSK, t->ccred);
		}
	}
	if (rc == 0) {
		rc = gnutls_priority_set_direct(t->session, PRIORITY, NULL);
	}
	if (rc != 0) {
		snprintf(why, why_len, "TLS setup failed: %s", gnutls_strerror(rc));
		tls_free(t);
		return -EIO;
	}
	gnutls_session_set_ptr(t->session, t);
	gnutls_transport_set_int(t->session, fd);
	gnutls_handshake_set_timeout(t->session, 10000);
	do {
		rc = gnutls_handshake(t->session);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0) {
		snprintf(why, why_len, "TLS handshake failed: %s (wrong key, or the peer is not TLS?)",
			 gnutls_strerror(rc));
		tls_free(t);
		return -EACCES;
	}
	if (gnutls_protocol_get_version(t->session) != GNUTLS_TLS1_3) {
		snprintf(why, why_len, "peer did not negotiate TLS 1.3");
		tls_free(t);
		return -EPROTO;
	}
	c->fd = fd;
	c->ops = &tls_ops;
	c->priv = t;
	c->recv_fd = -1;
	c->rb = NULL;
	return 0;
}

int vnfha__ckpt_tls_client(struct vnfha__ckpt_conn *c, int fd,
			   const struct vnfha__ckpt_tls_key *key, char *why, size_t why_len)
{
	return handshake(c, fd, key, false, why, why_len);
}

int vnfha__ckpt_tls_server(struct vnfha__ckpt_conn *c, int fd,
			   const struct vnfha__ckpt_tls_key *key, char *why, size_t why_len)
{
	return handshake(c, fd, key, true, why, why_len);
}

const char *vnfha__ckpt_conn_security(const struct vnfha__ckpt_conn *c, char *buf, size_t len)
{
	const struct tls *t = c->priv;
	const char *cipher;

	if (c->ops != &tls_ops || t == NULL) {
		return "no TLS";
	}
	cipher = gnutls_cipher_get_name(gnutls_cipher_get(t->session));
	snprintf(buf, len, "%s %s", gnutls_protocol_get_name(gnutls_protocol_get_version(t->session)),
		 cipher != NULL ? cipher : "unknown cipher");
	return buf;
}
