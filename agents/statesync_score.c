// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt_version.h"
#include "statesync_score.h"

int ss_version_cmp(struct ss_version a, struct ss_version b)
{
	return vnfha__ckpt_version_cmp(a.epoch, a.gen, b.epoch, b.gen);
}

bool ss_version_is_none(struct ss_version v)
{
	return v.epoch == 0 && v.gen == 0;
}

static int parse_u64(const char *text, const char *stop, uint64_t *ret)
{
	char *end = NULL;
	unsigned long long v;

	if (text == stop || *text < '0' || *text > '9') {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || end != stop) {
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int ss_version_parse(const char *text, struct ss_version *ret_version)
{
	const char *dot = strchr(text, '.');
	struct ss_version v;

	if (dot == NULL || parse_u64(text, dot, &v.epoch) < 0 ||
	    parse_u64(dot + 1, dot + 1 + strlen(dot + 1), &v.gen) < 0) {
		return -EINVAL;
	}
	*ret_version = v;
	return 0;
}

long ss_score(struct ss_version own, const struct ss_peer *peers, size_t n_peers)
{
	long score = SS_SCORE_FRESHEST;

	if (ss_version_is_none(own)) {
		return SS_SCORE_NO_DATA;
	}
	for (size_t i = 0; i < n_peers; i++) {
		if (ss_version_cmp(peers[i].version, own) > 0) {
			score -= SS_SCORE_STEP;
		}
	}
	return score < 2 ? 2 : score;
}

/* Copies the value of key="..." in line into out; 0 or -EINVAL. */
static int field(const char *line, const char *key, char *out, size_t len)
{
	char pattern[16];
	const char *start, *end;

	snprintf(pattern, sizeof(pattern), "%s=\"", key);
	start = strstr(line, pattern);
	if (start == NULL) {
		return -EINVAL;
	}
	start += strlen(pattern);
	end = strchr(start, '"');
	if (end == NULL || (size_t)(end - start) >= len) {
		return -EINVAL;
	}
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return 0;
}

int ss_parse_attrd(const char *text, const char *self, struct ss_peer *peers, size_t max)
{
	size_t n = 0;
	const char *line = text;

	while (line != NULL && *line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char copy[256], value[64];

		if (len >= sizeof(copy)) {
			return -EINVAL;
		}
		memcpy(copy, line, len);
		copy[len] = '\0';
		line = nl ? nl + 1 : NULL;
		if (copy[0] == '\0') {
			continue;
		}
		if (n == max) {
			return -E2BIG; /* never a silent cut: a peer left out may be the freshest */
		}
		if (field(copy, "host", peers[n].node, sizeof(peers[n].node)) < 0) {
			return -EINVAL;
		}
		/* A node whose value is unset or being deleted holds nothing. */
		if (field(copy, "value", value, sizeof(value)) < 0 || value[0] == '\0' ||
		    strcmp(peers[n].node, self) == 0) {
			continue;
		}
		if (ss_version_parse(value, &peers[n].version) < 0) {
			return -EINVAL;
		}
		n++;
	}
	return (int)n;
}
