/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Store internals exposed for the unit tests and the fuzz targets. */
#ifndef VNFHA_CKPT_STORE_INTERNAL_H
#define VNFHA_CKPT_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt/ckpt_store.h"

/* The meta file's bytes (malloc'ed) and their decoder (-EBADMSG). */
int vnfha__ckpt_meta_encode(const struct vnfha__ckpt_meta *m, uint8_t **ret_buf, size_t *ret_len);
int vnfha__ckpt_meta_decode(const uint8_t *buf, size_t len, struct vnfha__ckpt_meta **ret_meta);

/* pread until len bytes; -ENODATA at end of file. */
int vnfha__ckpt_pread_all(int fd, void *buf, size_t len, off_t off);

#endif
