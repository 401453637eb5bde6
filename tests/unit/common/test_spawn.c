// SPDX-License-Identifier: GPL-2.0-or-later
/* vnfha__run: exit status, captured output, deadline, missing program. */
#include <errno.h>
#include <time.h>

#include "common/spawn.h"
#include "unit.h"

int main(void)
{
	char out[8];
	int status = -1;
	struct timespec t0, t1;

	CHECK_INT(vnfha__run((char *const[]){ "true", NULL }, 5000, &status, NULL, 0), 0);
	CHECK_INT(status, 0);
	CHECK_INT(vnfha__run((char *const[]){ "sh", "-c", "exit 3", NULL }, 5000, &status, NULL, 0), 0);
	CHECK_INT(status, 3);
	/* Output longer than the buffer is cut and NUL-terminated. */
	CHECK_INT(vnfha__run((char *const[]){ "echo", "hello world", NULL }, 5000, &status, out,
			     sizeof(out)), 0);
	CHECK(strcmp(out, "hello w") == 0);
	CHECK_INT(vnfha__run((char *const[]){ "/nonexistent/prog", NULL }, 5000, &status, NULL, 0),
		  -ENOENT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(vnfha__run((char *const[]){ "sleep", "10", NULL }, 200, &status, NULL, 0),
		  -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec - t0.tv_sec < 3);
	return UNIT_DONE();
}
