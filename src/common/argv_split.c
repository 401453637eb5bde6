// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/argv_split.h"

void vnfha__argv_free(char **argv)
{
	if (argv == NULL) {
		return;
	}
	for (char **a = argv; *a != NULL; a++) {
		free(*a);
	}
	free(argv);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int vnfha__argv_split(const char *text, char ***ret_argv, size_t *ret_argc)
{
	char **argv = calloc(VNFHA__ARGV_MAX + 1, sizeof(*argv));
	size_t argc = 0;
	const char *p = text ? text : "";
	int rc = 0;

	if (argv == NULL) {
		return -ENOMEM;
	}
	for (;;) {
		char *word;
		size_t len = 0;

		while (is_blank(*p)) {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		if (argc == VNFHA__ARGV_MAX) {
			rc = -E2BIG;
			goto fail;
		}
		/* A word is never longer than the rest of the text. */
		word = malloc(strlen(p) + 1);
		if (word == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		argv[argc++] = word;
		while (*p != '\0' && !is_blank(*p)) {
			if (*p == '\'' || *p == '"') {
				const char *close = strchr(p + 1, *p);

				if (close == NULL) {
					rc = -EINVAL;
					goto fail;
				}
				memcpy(word + len, p + 1, (size_t)(close - p - 1));
				len += (size_t)(close - p - 1);
				p = close + 1;
			} else {
				word[len++] = *p++;
			}
		}
		word[len] = '\0';
	}
	*ret_argv = argv;
	if (ret_argc != NULL) {
		*ret_argc = argc;
	}
	return 0;

fail:
	vnfha__argv_free(argv);
	return rc;
}
