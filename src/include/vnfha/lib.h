/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvnfha: library-wide helpers (part of the public API, see <vnfha/vnfha.h>). */
#ifndef VNFHA_LIB_H
#define VNFHA_LIB_H

/* The library's version, e.g. "0.1.0". */
const char *vnfha_lib_version(void);

/*
 * A sentence for an error code returned by any libvnfha function (a
 * negative errno). Never NULL; the string is static and thread-safe.
 */
const char *vnfha_lib_strerror(int code);

#endif
