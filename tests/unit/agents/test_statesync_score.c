// SPDX-License-Identifier: GPL-2.0-or-later
/* Freshness -> promotion score, and parsing what attrd_updater prints. */
#include <errno.h>

#include "statesync_score.h"
#include "unit.h"

int main(void)
{
	struct ss_peer peers[4] = {
		{ "node2", { 3, 100 } }, { "node3", { 3, 99 } }, { "node4", { 2, 5000 } },
	};
	struct ss_version v;

	/* The freshest wins; epoch outranks gen; equal versions score equal. */
	CHECK_INT(ss_score((struct ss_version){ 3, 100 }, peers, 3), SS_SCORE_FRESHEST);
	CHECK_INT(ss_score((struct ss_version){ 3, 99 }, peers, 3), SS_SCORE_FRESHEST - SS_SCORE_STEP);
	CHECK_INT(ss_score((struct ss_version){ 2, 9999 }, peers, 3),
		  SS_SCORE_FRESHEST - 2 * SS_SCORE_STEP);
	CHECK_INT(ss_score((struct ss_version){ 0, 0 }, peers, 3), SS_SCORE_NO_DATA);
	CHECK(ss_score((struct ss_version){ 0, 1 }, peers, 3) > SS_SCORE_NO_DATA);
	CHECK_INT(ss_score((struct ss_version){ 1, 1 }, NULL, 0), SS_SCORE_FRESHEST);

	CHECK_INT(ss_version_parse("12.345", &v), 0);
	CHECK_INT(v.epoch, 12);
	CHECK_INT(v.gen, 345);
	CHECK_INT(ss_version_parse("12", &v), -EINVAL);
	CHECK_INT(ss_version_parse("1.2.3", &v), -EINVAL);
	CHECK_INT(ss_version_parse("-1.2", &v), -EINVAL);
	CHECK_INT(ss_version_parse(".2", &v), -EINVAL);
	CHECK_INT(ss_version_parse("99999999999999999999999.1", &v), -EINVAL);

	const char *out = "name=\"vnfha-version-ss\" host=\"node1\" value=\"4.7\"\n"
			  "name=\"vnfha-version-ss\" host=\"node2\" value=\"4.9\"\n"
			  "name=\"vnfha-version-ss\" host=\"node3\" value=\"\"\n"
			  "name=\"vnfha-version-ss\" host=\"node4\"\n";
	struct ss_peer got[4];

	CHECK_INT(ss_parse_attrd(out, "node1", got, 4), 1);
	CHECK(strcmp(got[0].node, "node2") == 0);
	CHECK_INT(got[0].version.gen, 9);
	CHECK_INT(ss_parse_attrd("garbage\n", "node1", got, 4), -EINVAL);
	CHECK_INT(ss_parse_attrd("name=\"x\" host=\"n\" value=\"a.b\"\n", "node1", got, 4), -EINVAL);
	CHECK_INT(ss_parse_attrd("", "node1", got, 4), 0);

	/* more peers than room: refused, never cut (the one left out may be the
	 * freshest); self and empty values do not count */
	const char *three = "name=\"v\" host=\"remote1\" value=\"1.1\"\n"
			    "name=\"v\" host=\"node1\" value=\"1.1\"\n"
			    "name=\"v\" host=\"remote2\" value=\"1.2\"\n"
			    "name=\"v\" host=\"remote3\" value=\"\"\n"
			    "name=\"v\" host=\"remote4\" value=\"1.3\"\n";

	CHECK_INT(ss_parse_attrd(three, "node1", got, 3), 3);
	CHECK_INT(ss_parse_attrd(three, "node1", got, 2), -E2BIG);
	CHECK_INT(ss_parse_attrd(three, "remote3", got, 3), -E2BIG);
	return UNIT_DONE();
}
