// SPDX-License-Identifier: GPL-2.0-or-later
/* statesync's score log and public health attribute (statesync_obs.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "common/fs.h"
#include "common/parse.h"

#include "ocf/ocf.h"
#include "ocf/ocf_cluster.h"
#include "statesync_obs.h"

const char *ss_health_name(enum ss_health h)
{
	return h == SS_HEALTH_IN_SYNC ? "in-sync" : h == SS_HEALTH_LAGGING ? "lagging" : "no-data";
}

enum ss_health ss_obs_reason(struct ss_version own, const struct ss_peer *cand, size_t n,
			     int primary, char *buf, size_t len)
{
	const struct ss_peer *best = NULL;

	if (ss_version_is_none(own)) {
		snprintf(buf, len, "no data");
		return SS_HEALTH_NO_DATA;
	}
	if (primary) {
		snprintf(buf, len, "primary");
		return SS_HEALTH_IN_SYNC;
	}
	for (size_t i = 0; i < n; i++) {
		if (ss_version_cmp(cand[i].version, own) > 0 &&
		    (best == NULL || ss_version_cmp(cand[i].version, best->version) > 0)) {
			best = &cand[i];
		}
	}
	if (best == NULL) {
		snprintf(buf, len, "freshest");
		return SS_HEALTH_IN_SYNC;
	}
	if (best->version.epoch == own.epoch) {
		snprintf(buf, len, "behind node %s by %" PRIu64 " versions", best->node,
			 best->version.gen - own.gen);
	} else {
		snprintf(buf, len, "behind node %s by %" PRIu64 " epochs (%" PRIu64 ".%" PRIu64
			 " vs %" PRIu64 ".%" PRIu64 ")", best->node,
			 best->version.epoch - own.epoch, best->version.epoch, best->version.gen,
			 own.epoch, own.gen);
	}
	return SS_HEALTH_LAGGING;
}

struct obs_state {
	long score;
	int health; /* -1: never published */
	int64_t health_at_s;
};

static int64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts); /* /run is new at each boot too */
	return (int64_t)ts.tv_sec;
}

static void load(const char *path, struct obs_state *st)
{
	FILE *f = fopen(path, "re");

	st->score = LONG_MIN;
	st->health = -1;
	st->health_at_s = 0;
	if (f == NULL) {
		return;
	}
	if (fscanf(f, "%ld %d %" SCNd64, &st->score, &st->health, &st->health_at_s) != 3) {
		st->score = LONG_MIN;
		st->health = -1;
	}
	fclose(f);
}

static void save(const char *path, const struct obs_state *st)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (f == NULL) {
		return;
	}
	fprintf(f, "%ld %d %" PRId64 "\n", st->score, st->health, st->health_at_s);
	if (fclose(f) == 0) {
		rename(tmp, path);
	} else {
		unlink(tmp);
	}
}

void ss_obs_note(const char *rsc, long score, const char *reason, enum ss_health health)
{
	char path[256];
	char attr[200];
	struct obs_state st;
	int64_t now = now_s();

	vnfha__mkdir_p("/run/vnfha", 0755, 0755);
	snprintf(path, sizeof(path), "/run/vnfha/statesync-%s.obs", rsc);
	load(path, &st);
	if (st.score != score) {
		char from[24];

		snprintf(from, sizeof(from), "%ld", st.score);
		vnfha_log(VNFHA_LOG_INFO, "promotion score changed from %s to %ld: %s",
			  st.score == LONG_MIN ? "none" : from, score, reason);
		st.score = score;
	}
	/* Coarse: a change is written at most every SS_HEALTH_MIN_S, but the
	 * first value and the first data (no-data -> anything) at once; attrd
	 * holds each SS_HEALTH_DAMPEN more. */
	if (st.health != (int)health &&
	    (st.health < 0 || st.health == SS_HEALTH_NO_DATA ||
	     now - st.health_at_s >= SS_HEALTH_MIN_S)) {
		snprintf(attr, sizeof(attr), "vnfha-ckpt-%s", rsc);
		if (vnfha_ocf_attr_set_dampened(attr, ss_health_name(health), SS_HEALTH_DAMPEN) ==
		    0) {
			vnfha_log(VNFHA_LOG_INFO, "%s=%s (%s)", attr, ss_health_name(health), reason);
			st.health = (int)health;
			st.health_at_s = now;
		}
	}
	save(path, &st);
}

void ss_obs_forget(const char *rsc)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/vnfha/statesync-%s.obs", rsc);
	unlink(path);
}

int ss_check_metrics_listen(const char *value, char *why, size_t why_len)
{
	const char *colon = strrchr(value, ':');
	char host[INET6_ADDRSTRLEN + 2];
	unsigned char bin[16];
	size_t hlen;
	long port;

	if (value[0] == '\0') {
		return 0;
	}
	hlen = colon != NULL ? (size_t)(colon - value) : 0;
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host) ||
	    vnfha__parse_long(colon + 1, 1, 65535, &port) != 0) {
		goto bad;
	}
	memcpy(host, value, hlen);
	host[hlen] = '\0';
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, bin) == 1) {
			return 0;
		}
	} else if (inet_pton(AF_INET, host, bin) == 1) {
		return 0;
	}
bad:
	snprintf(why, why_len, "use ADDR:PORT with a literal address, e.g. 0.0.0.0:9410 or "
		 "[::]:9410, or leave it empty for no metrics");
	return -EINVAL;
}
