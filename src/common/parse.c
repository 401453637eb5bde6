// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/parse.h"

int vnfha__parse_long(const char *text, long min, long max, long *ret_value)
{
	char *end = NULL;
	long value;

	if (text == NULL || *text == '\0' || isspace((unsigned char)*text)) {
		return -EINVAL;
	}
	errno = 0;
	value = strtol(text, &end, 10);
	if (end == text || *end != '\0') {
		return -EINVAL;
	}
	if (errno == ERANGE || value < min || value > max) {
		return -ERANGE;
	}
	*ret_value = value;
	return 0;
}

/* The words Pacemaker itself accepts as booleans (crm_is_true). */
int vnfha__parse_bool(const char *text, bool *ret_value)
{
	static const char *const yes[] = { "1", "true", "yes", "on", "y" };
	static const char *const no[] = { "0", "false", "no", "off", "n" };

	if (text == NULL) {
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*ret_value = true;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*ret_value = false;
			return 0;
		}
	}
	return -EINVAL;
}

int vnfha__parse_duration_ms(const char *text, uint64_t max_ms, uint64_t *ret_ms)
{
	static const struct {
		const char *suffix;
		uint64_t ms;
	} units[] = {
		{ "", 1000 }, { "s", 1000 }, { "sec", 1000 }, { "ms", 1 }, { "msec", 1 },
		{ "m", 60000 }, { "min", 60000 }, { "h", 3600000 }, { "hr", 3600000 },
	};
	char *end = NULL;
	unsigned long long value;

	if (text == NULL || !isdigit((unsigned char)*text)) {
		return -EINVAL;
	}
	errno = 0;
	value = strtoull(text, &end, 10);
	if (end == text || errno == ERANGE) {
		return errno == ERANGE ? -ERANGE : -EINVAL;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			if (value > max_ms / units[i].ms) {
				return -ERANGE;
			}
			*ret_ms = value * units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}
