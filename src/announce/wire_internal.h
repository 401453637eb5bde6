/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Big-endian field access for the frame codecs (network byte order). */
#ifndef VNFHA_WIRE_INTERNAL_H
#define VNFHA_WIRE_INTERNAL_H

#include <stdint.h>

static inline uint8_t *vnfha__put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint16_t vnfha__get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t vnfha__get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif
