/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvnfha: library-wide helpers (part of the public API, see <vnfha/vnfha.h>). */
#ifndef VNFHA_LIB_H
#define VNFHA_LIB_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of the library that runs, e.g. "0.1.0" (VNFHA_VERSION_STRING
 * of <vnfha/version.h> is the version a program was compiled against).
 * Never NULL; the string is static.
 */
const char *vnfha_lib_version(void);

/*
 * A sentence for an error code returned by any libvnfha function (a
 * negative errno; a positive errno gives the same sentence). Never NULL:
 * "unknown error" for a code that is no errno. The string is static and
 * thread-safe.
 */
const char *vnfha_lib_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
