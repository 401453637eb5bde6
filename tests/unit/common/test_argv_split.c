// SPDX-License-Identifier: GPL-2.0-or-later
/* argv splitting without a shell: what the user writes is what runs. */
#include <errno.h>

#include "common/argv_split.h"
#include "unit.h"

static void expect(const char *text, const char *const *want, size_t n)
{
	char **argv = NULL;
	size_t argc = 99;

	CHECK_INT(vnfha__argv_split(text, &argv, &argc), 0);
	CHECK_INT(argc, n);
	for (size_t i = 0; argv != NULL && i < n && i < argc; i++) {
		if (strcmp(argv[i], want[i]) != 0) {
			fprintf(stderr, "'%s': word %zu is '%s', want '%s'\n", text, i, argv[i],
				want[i]);
			unit_failures++;
		}
	}
	CHECK(argv == NULL || argv[argc] == NULL);
	vnfha__argv_free(argv);
}

int main(void)
{
	char **argv = NULL;
	char many[400] = "";

	expect("", NULL, 0);
	expect("   \t ", NULL, 0);
	expect("--port 7000", (const char *const[]){ "--port", "7000" }, 2);
	expect("  a\tb  c ", (const char *const[]){ "a", "b", "c" }, 3);
	expect("'two words' \"and $HOME\"", (const char *const[]){ "two words", "and $HOME" }, 2);
	expect("pre'fix x'post ''", (const char *const[]){ "prefix xpost", "" }, 2);
	expect("a;rm -rf /", (const char *const[]){ "a;rm", "-rf", "/" }, 3);
	expect("`id` $(id) *", (const char *const[]){ "`id`", "$(id)", "*" }, 3);
	CHECK_INT(vnfha__argv_split("'open", &argv, NULL), -EINVAL);
	CHECK_INT(vnfha__argv_split("a \"b", &argv, NULL), -EINVAL);
	for (int i = 0; i < VNFHA__ARGV_MAX + 1; i++) {
		strcat(many, "x ");
	}
	CHECK_INT(vnfha__argv_split(many, &argv, NULL), -E2BIG);
	CHECK(argv == NULL);
	vnfha__argv_free(NULL);
	return UNIT_DONE();
}
