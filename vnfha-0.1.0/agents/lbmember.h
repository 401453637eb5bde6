/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lbmember's address parameter: one numeric address for every node, or
 * "NODE=ADDRESS" pairs separated by spaces or commas (a clone has one
 * parameter set for all its instances). Pure functions, unit tested.
 */
#ifndef VNFHA_LBMEMBER_H
#define VNFHA_LBMEMBER_H

#include <stddef.h>

/* 0 when value is a valid address or address map; -EINVAL otherwise. */
int vnfha__lbmember_address_check(const char *value);

/*
 * This node's address from value: the single address, or node's pair.
 * Writes the address (as given) into buf and its family (AF_INET or
 * AF_INET6) into *ret_family. 0, -EINVAL (malformed), -ENOENT (no pair
 * for node), -ENAMETOOLONG (buf too small).
 */
int vnfha__lbmember_address_for(const char *value, const char *node, char *buf, size_t len,
				int *ret_family);

#endif
