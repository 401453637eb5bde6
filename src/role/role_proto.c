// SPDX-License-Identifier: LGPL-2.1-or-later
/* The vnfc control protocol codec (see role_proto.h for the grammar). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/parse.h"
#include "role/role_proto.h"

#define MAX_WORDS 8

static const char *const type_names[] = {
	[VNFHA__CTL_HELLO] = "HELLO",	  [VNFHA__CTL_READY] = "READY",
	[VNFHA__CTL_HEARTBEAT] = "HEARTBEAT", [VNFHA__CTL_HEALTH] = "HEALTH",
	[VNFHA__CTL_ROLE] = "ROLE",	  [VNFHA__CTL_STATUS] = "STATUS",
	[VNFHA__CTL_PROMOTE] = "PROMOTE", [VNFHA__CTL_DEMOTE] = "DEMOTE",
	[VNFHA__CTL_STOP] = "STOP",	  [VNFHA__CTL_SETROLE] = "SETROLE",
	[VNFHA__CTL_STATE] = "STATE",	  [VNFHA__CTL_OK] = "OK",
	[VNFHA__CTL_ERR] = "ERR",
};
static const char *const role_names[] = { "none", "standby", "active" };
static const char *const health_names[] = { "ok", "degraded", "failed" };
static const char *const state_names[] = { "running", "failed", "stopping", "reported" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *vnfha__ctl_role_name(enum vnfha__ctl_role role)
{
	return (size_t)role < N(role_names) ? role_names[role] : "none";
}

static int word_index(const char *word, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i] != NULL && strcmp(word, names[i]) == 0) {
			return (int)i;
		}
	}
	return -EINVAL;
}

static bool is_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e) {
			return false;
		}
	}
	return true;
}

static int parse_ms(const char *word, uint32_t *ret_ms)
{
	long v = 0;
	int rc = vnfha__parse_long(word, 0, 24L * 3600 * 1000, &v);

	if (rc == 0) {
		*ret_ms = (uint32_t)v;
	}
	return rc < 0 ? -EINVAL : 0;
}

/* Fills the fields of a message whose words are already split. */
static int parse_words(char **w, size_t n, const char *rest, struct vnfha__ctl_msg *m)
{
	int i;
	long v = 0;

	i = word_index(w[0], type_names, N(type_names));
	if (i < 0) {
		return -EINVAL;
	}
	m->type = (enum vnfha__ctl_type)i;
	switch (m->type) {
	case VNFHA__CTL_HEARTBEAT:
	case VNFHA__CTL_STATUS:
	case VNFHA__CTL_OK:
		return n == 1 ? 0 : -EINVAL;
	case VNFHA__CTL_HELLO:
		if (n != 2 || vnfha__parse_long(w[1], 1, INT32_MAX, &v) < 0) {
			return -EINVAL;
		}
		m->pid = v;
		return 0;
	case VNFHA__CTL_READY:
	case VNFHA__CTL_ROLE:
	case VNFHA__CTL_SETROLE:
		i = n == 2 ? word_index(w[1], role_names, N(role_names)) : -EINVAL;
		if (i <= VNFHA__ROLE_NONE) {
			return -EINVAL;
		}
		m->role = (enum vnfha__ctl_role)i;
		return 0;
	case VNFHA__CTL_PROMOTE:
	case VNFHA__CTL_DEMOTE:
	case VNFHA__CTL_STOP:
		return n == 2 ? parse_ms(w[1], &m->ms) : -EINVAL;
	case VNFHA__CTL_HEALTH:
		i = n >= 2 ? word_index(w[1], health_names, N(health_names)) : -EINVAL;
		if (i < 0) {
			return -EINVAL;
		}
		m->health = (enum vnfha__ctl_health)i;
		snprintf(m->text, sizeof(m->text), "%s", rest);
		return 0;
	case VNFHA__CTL_ERR:
		snprintf(m->text, sizeof(m->text), "%s", rest);
		return 0;
	case VNFHA__CTL_STATE: {
		int state = n == 7 ? word_index(w[1], state_names, N(state_names)) : -EINVAL;
		int want = n == 7 ? word_index(w[2], role_names, N(role_names)) : -EINVAL;
		int ready = n == 7 ? word_index(w[3], role_names, N(role_names)) : -EINVAL;
		int health = n == 7 ? word_index(w[5], health_names, N(health_names)) : -EINVAL;

		if (state < 0 || want < 0 || ready < 0 || health < 0 || parse_ms(w[4], &m->ms) < 0 ||
		    vnfha__parse_long(w[6], 0, INT32_MAX, &v) < 0) {
			return -EINVAL;
		}
		m->state = (enum vnfha__ctl_state)state;
		m->role = (enum vnfha__ctl_role)want;
		m->ready = (enum vnfha__ctl_role)ready;
		m->health = (enum vnfha__ctl_health)health;
		m->pid = v;
		return 0;
	}
	}
	return -EINVAL;
}

int vnfha__ctl_parse(const char *buf, size_t len, struct vnfha__ctl_msg *ret_msg)
{
	char copy[VNFHA__CTL_MAX + 1];
	char *words[MAX_WORDS];
	const char *rest = "";
	struct vnfha__ctl_msg m;
	size_t n = 0;
	char *p;
	int rc;

	if (len > VNFHA__CTL_MAX) {
		return -EMSGSIZE;
	}
	if (len == 0 || !is_printable(buf, len)) {
		return -EINVAL;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	memset(&m, 0, sizeof(m));
	/* Words are separated by exactly one space; free text follows the
	 * second word of HEALTH and the first of ERR. */
	p = copy;
	while (n < MAX_WORDS) {
		char *space = strchr(p, ' ');

		words[n++] = p;
		if (space == NULL) {
			break;
		}
		*space = '\0';
		p = space + 1;
		if ((n == 1 && strcmp(words[0], "ERR") == 0) ||
		    (n == 2 && strcmp(words[0], "HEALTH") == 0)) {
			rest = p;
			break;
		}
		if (*p == '\0' || *p == ' ') {
			return -EINVAL;
		}
		if (n == MAX_WORDS) {
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (*words[i] == '\0') {
			return -EINVAL;
		}
	}
	rc = parse_words(words, n, rest, &m);
	if (rc == 0) {
		*ret_msg = m;
	}
	return rc;
}

int vnfha__ctl_format(const struct vnfha__ctl_msg *m, char *buf, size_t len)
{
	const char *type = (size_t)m->type < N(type_names) ? type_names[m->type] : NULL;
	int n = -1;

	if (type == NULL || (size_t)m->health >= N(health_names) ||
	    (size_t)m->state >= N(state_names)) {
		return -EINVAL;
	}
	switch (m->type) {
	case VNFHA__CTL_HEARTBEAT:
	case VNFHA__CTL_STATUS:
	case VNFHA__CTL_OK:
		n = snprintf(buf, len, "%s", type);
		break;
	case VNFHA__CTL_HELLO:
		n = snprintf(buf, len, "%s %lld", type, (long long)m->pid);
		break;
	case VNFHA__CTL_READY:
	case VNFHA__CTL_ROLE:
	case VNFHA__CTL_SETROLE:
		n = snprintf(buf, len, "%s %s", type, vnfha__ctl_role_name(m->role));
		break;
	case VNFHA__CTL_PROMOTE:
	case VNFHA__CTL_DEMOTE:
	case VNFHA__CTL_STOP:
		n = snprintf(buf, len, "%s %u", type, m->ms);
		break;
	case VNFHA__CTL_HEALTH:
		n = snprintf(buf, len, "%s %s%s%s", type, health_names[m->health],
			     m->text[0] ? " " : "", m->text);
		break;
	case VNFHA__CTL_ERR:
		n = snprintf(buf, len, "%s %s", type, m->text[0] ? m->text : "error");
		break;
	case VNFHA__CTL_STATE:
		n = snprintf(buf, len, "%s %s %s %s %u %s %lld", type, state_names[m->state],
			     vnfha__ctl_role_name(m->role), vnfha__ctl_role_name(m->ready), m->ms,
			     health_names[m->health], (long long)m->pid);
		break;
	}
	if (n < 0 || (size_t)n >= len || n > VNFHA__CTL_MAX) {
		return -EMSGSIZE;
	}
	return n;
}
