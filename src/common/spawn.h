/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running another program without a shell (STYLE.md rule 14): fork + execvp
 * with a fixed argv, stdin from /dev/null, stdout to /dev/null (or
 * captured), stderr inherited so its lines reach the cluster log; waits on a
 * pidfd against a deadline and kills the child when it passes.
 */
#ifndef VNFHA_SPAWN_H
#define VNFHA_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Runs argv[0] (searched in PATH) and waits up to timeout_ms.
 * [out] ret_status  the exit status (0-255), or 128+signal
 * [out] out, out_len  when out != NULL: the first out_len-1 bytes of its
 *                     stdout, NUL-terminated
 * Errors: -ETIMEDOUT (the child was killed), -ENOENT not found, -errno;
 * -EMSGSIZE when its stdout was longer than out_len-1 bytes (never a
 * silent cut: out holds the first bytes, *ret_status is written).
 */
int vnfha__run(char *const argv[], unsigned int timeout_ms, int *ret_status, char *out,
	       size_t out_len);

/*
 * Starts argv[0] (searched in PATH) and returns without waiting: the caller
 * polls ret_pidfd (readable once the child exited), reaps ret_pid with
 * waitpid() and closes ret_pidfd. The child's stdout is out_fd (-1:
 * /dev/null). Errors: -ENOENT not found (nothing left to reap), -errno.
 */
int vnfha__spawn(char *const argv[], int out_fd, pid_t *ret_pid, int *ret_pidfd);

#endif
