// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-lbwatch's pure half: HAProxy rows to pool states, states to
 * events (one per change, none twice), the state file round trip and its
 * hostile input, and the events' JSON/VES text.
 */
#include <errno.h>

#include "lbwatch/lbwatch_event.h"
#include "lbwatch/lbwatch_state.h"
#include "unit.h"

static struct vnfha_haproxy_stat row(const char *server, const char *status, const char *check,
				     const char *agent)
{
	struct vnfha_haproxy_stat r = { 0 };

	snprintf(r.server, sizeof(r.server), "%s", server);
	snprintf(r.status, sizeof(r.status), "%s", status);
	snprintf(r.check_status, sizeof(r.check_status), "%s", check);
	snprintf(r.agent_status, sizeof(r.agent_status), "%s", agent);
	snprintf(r.addr, sizeof(r.addr), "192.0.2.1:8001");
	return r;
}

static void test_classify(void)
{
	static const struct {
		const char *status, *check, *agent;
		enum lbw_cond want;
	} cases[] = {
		{ "UP", "L4OK", "L7OK", LBW_IN },	  { "no check", "", "", LBW_IN },
		{ "DOWN", "L4CON", "", LBW_DOWN },	  { "DOWN (agent)", "L4OK", "L7STS", LBW_DOWN },
		{ "DRAIN (agent)", "L4OK", "L7OK", LBW_DRAIN }, { "DRAIN", "L4OK", "", LBW_DRAIN },
		{ "NOLB", "L7OK", "", LBW_DRAIN },	  { "MAINT", "", "L7OK", LBW_MAINT },
		{ "MAINT (resolution)", "", "", LBW_MAINT }, { "UP", "INI", "", LBW_UNKNOWN },
		{ "UP", "L4OK", "INI", LBW_UNKNOWN },	  { "UP", "L4OK", "* INI", LBW_UNKNOWN },
		{ "UP", "* INI", "L7OK", LBW_UNKNOWN },	  { "UP", "* L4OK", "* L7OK", LBW_IN },	  { "UP 1/3", "L4CON", "", LBW_UNKNOWN },
		{ "DOWN 1/2", "L4OK", "", LBW_UNKNOWN },  { "STRANGE", "L4OK", "", LBW_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vnfha_haproxy_stat r = row("n1", cases[i].status, cases[i].check,
						  cases[i].agent);

		CHECK_INT(vnfha__lbw_classify(&r), cases[i].want);
	}
}

/* Feeds one row; the kind of the event made, or -1 for none. */
static int feed(struct lbw_state *s, const char *server, const char *status, int64_t now)
{
	struct vnfha_haproxy_stat r = row(server, status, "L4OK", "L7OK");
	const struct lbw_event *e = NULL;
	int rc = vnfha__lbw_observe(s, "demo vnf", "be", &r, now, &e);

	CHECK(rc == 0 || rc == 1);
	return rc == 1 ? (int)e->kind : -1;
}

static void test_transitions(void)
{
	struct lbw_state s = { .next_seq = 7 };

	CHECK_INT(feed(&s, "n1", "UP", 1000), -1);	     /* first sight, in the pool */
	CHECK_INT(feed(&s, "n2", "DOWN", 1000), LBW_RAISE); /* first sight, already out */
	CHECK_INT(feed(&s, "n1", "UP", 2000), -1);
	CHECK_INT(feed(&s, "n1", "DRAIN (agent)", 3000), LBW_RAISE);
	CHECK_INT(feed(&s, "n1", "DRAIN (agent)", 3100), -1); /* never twice */
	CHECK_INT(feed(&s, "n1", "UP 1/3", 3200), -1);	      /* not judged yet */
	CHECK_INT(feed(&s, "n1", "DOWN (agent)", 4000), LBW_CHANGE);
	CHECK_INT(feed(&s, "n1", "UP", 5000), LBW_CLEAR);
	CHECK_INT(feed(&s, "n1", "UP", 5100), -1);
	CHECK_INT(feed(&s, "n1", "MAINT", 6000), LBW_RAISE); /* a new alarm */
	CHECK_INT(s.n_queue, 5);
	if (s.n_queue == 5) {
		const struct lbw_event *q = s.queue;

		/* one sequence, growing; raise, change and clear share id and since */
		for (size_t i = 0; i < 5; i++) {
			CHECK_INT(q[i].seq, 7 + i);
		}
		CHECK(strcmp(q[1].event_id, q[2].event_id) == 0);
		CHECK(strcmp(q[1].event_id, q[3].event_id) == 0);
		CHECK(strcmp(q[1].event_id, q[4].event_id) != 0);
		CHECK(strcmp(q[1].event_id, "vnfha:demo_vnf:lbMemberOutOfPool:be/n1:3000") == 0);
		CHECK_INT(q[3].since_us, 3000);
		CHECK_INT(q[3].at_us, 5000);
		CHECK_INT(q[2].cond, LBW_DOWN);
		CHECK_INT(q[3].cond, LBW_DOWN); /* the clear names what ended */
		CHECK(strstr(q[2].why, "DOWN (agent); check L4OK; agent L7OK") == q[2].why);
	}
	vnfha__lbw_pop(&s);
	CHECK_INT(s.n_queue, 4);
	CHECK_INT(s.queue[0].seq, 8);
	vnfha__lbw_free(&s);
}

static void test_file(void)
{
	struct lbw_state s = { .next_seq = 1 }, back = { 0 };
	char *text, *again;
	size_t line = 0;

	feed(&s, "n1", "UP", 10);
	feed(&s, "n2", "DOWN", 20);
	feed(&s, "n1", "DRAIN", 30);
	text = vnfha__lbw_format(&s);
	CHECK(text != NULL);
	CHECK_INT(vnfha__lbw_parse(text, strlen(text), &back, &line), 0);
	again = vnfha__lbw_format(&back);
	CHECK(again != NULL && strcmp(text, again) == 0);
	CHECK_INT(back.n_members, 2);
	CHECK_INT(back.n_queue, 2);
	CHECK_INT(back.next_seq, 3);
	/* a restarted watcher sees the same states: nothing new to say */
	CHECK_INT(feed(&back, "n2", "DOWN", 40), -1);
	CHECK_INT(feed(&back, "n1", "DRAIN", 40), -1);
	CHECK_INT(feed(&back, "n1", "UP", 50), LBW_CLEAR);
	CHECK_INT(back.queue[2].seq, 3);
	free(again);
	vnfha__lbw_free(&back);

	/* a torn last line (no newline) is refused */
	CHECK_INT(vnfha__lbw_parse(text, strlen(text) - 1, &back, &line), -EBADMSG);
	free(text);
	vnfha__lbw_free(&s);
}

static void test_file_hostile(void)
{
	static const char *const bad[] = {
		"",
		"vnfha-lbwatch-state 2\n",
		"vnfha-lbwatch-state 1\nnext_seq -1\n",
		"vnfha-lbwatch-state 1\nnext_seq x\n",
		"vnfha-lbwatch-state 1\nmember be n1 in - 0 extra\n",
		"vnfha-lbwatch-state 1\nmember be n1 sideways - 0\n",
		"vnfha-lbwatch-state 1\nmember be n1 in id 0\n",	 /* in with an alarm */
		"vnfha-lbwatch-state 1\nmember be n1 down - 0\n",	 /* out without one */
		"vnfha-lbwatch-state 1\nmember be n1 in - 0\nmember be n1 in - 0\n",
		"vnfha-lbwatch-state 1\nevent 0 raise down be n1 - id 1 2 why\n", /* seq >= next */
		"vnfha-lbwatch-state 1\nnext_seq 5\nevent 0 raise in be n1 - id 1 2 why\n",
		"vnfha-lbwatch-state 1\nnext_seq 5\nevent 0 shout down be n1 - id 1 2 why\n",
		"vnfha-lbwatch-state 1\nnext_seq 5\nevent 0 raise down be n1 - id 1\n",
		"vnfha-lbwatch-state 1\nnext_seq 5\nevent 0 raise down be  n1 - id 1 2 x\n",
		"vnfha-lbwatch-state 1\nnext_seq 5\n\n",
		"vnfha-lbwatch-state 1\nfuture 1\n",
	};
	struct lbw_state s;
	char big[LBW_LINE_MAX + 64];
	size_t line = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vnfha__lbw_parse(bad[i], strlen(bad[i]), &s, &line) != -EBADMSG) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			unit_failures++;
		}
	}
	CHECK_INT(vnfha__lbw_parse("vnfha-lbwatch-state 1\nnext_seq 5\nbad\n", 37, &s, &line),
		  -EBADMSG);
	CHECK_INT(line, 3);
	snprintf(big, sizeof(big), "vnfha-lbwatch-state 1\n%0*d\n", LBW_LINE_MAX + 1, 0);
	CHECK_INT(vnfha__lbw_parse(big, strlen(big), &s, &line), -EBADMSG);
	CHECK_INT(vnfha__lbw_parse("vnfha-lbwatch-state 1\n\0", 23, &s, &line), -EBADMSG);
}

static void test_render(void)
{
	struct lbw_state s = { 0 };
	char buf[8192];
	int n;

	feed(&s, "n1", "UP", 1795000000000005);
	feed(&s, "n1", "DOWN (agent)", 1795000000000005);
	feed(&s, "n1", "UP", 1795000001500000);
	n = vnfha__lbw_render(&s.queue[0], "demo", "lb1", false, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK(strstr(buf, "{\"vnf\":\"demo\",\"event\":\"member-down\",\"kind\":\"lb\","
			  "\"resource\":\"be/n1\",\"node\":\"n1\",") == buf);
	CHECK(strstr(buf, "\"time\":\"2026-11-18T11:06:40.000005Z\",\"sequence\":\"0\","
			  "\"address\":\"192.0.2.1:8001\",\"state\":\"down\",\"change\":\"raise\"") !=
	      NULL);
	n = vnfha__lbw_render(&s.queue[1], "demo", "lb1", true, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK(strstr(buf, "\"eventSeverity\":\"NORMAL\"") != NULL);
	CHECK(strstr(buf, "\"startEpochMicrosec\":1795000000000005") != NULL);
	CHECK(strstr(buf, "\"lastEpochMicrosec\":1795000001500000") != NULL);
	CHECK(strstr(buf, "\"sourceName\":\"n1\"") != NULL);
	CHECK(strstr(buf, "\"reportingEntityName\":\"lb1\"") != NULL);
	CHECK_INT(vnfha__lbw_render(&s.queue[1], "demo", "lb1", true, buf, 100), -ENOSPC);
	vnfha__lbw_free(&s);
}

static int count_row(const struct vnfha_haproxy_stat *r, void *ctx)
{
	struct vnfha_haproxy_stat *last = ctx;

	*last = *r;
	last->lastchg++; /* count the rows in an unused field of the copy */
	return 0;
}

static void test_parse_stat(void)
{
	static const char csv[] =
		"# pxname,svname,status,lastchg,chkdown,type,check_status,last_chk,last_agt,"
		"agent_status,addr,\n"
		"be,BACKEND,UP,5,0,1,,,,,,\n"
		"be,n1,UP,5,0,2,L4OK,,via agent : up,L7OK,127.0.0.1:8001,\n"
		"be,n2,DOWN (agent),1,1,2,L4OK,,\"via agent : down (a, b)\",L7STS,127.0.0.2:8002,\n"
		"other,n3,UP,1,1,2,L4OK,,,L7OK,127.0.0.3:8003,\n";
	struct vnfha_haproxy_stat last = { 0 };

	CHECK_INT(vnfha_haproxy_parse_stat_servers(csv, strlen(csv), "be", count_row, &last), 0);
	CHECK(strcmp(last.server, "n2") == 0);
	CHECK(strcmp(last.status, "DOWN (agent)") == 0);
	CHECK(strcmp(last.last_agt, "via agent : down (a, b)") == 0);
	CHECK(strcmp(last.addr, "127.0.0.2:8002") == 0);
	CHECK_INT(last.chkdown, 1);
	CHECK_INT(vnfha_haproxy_parse_stat_servers("No such proxy.\n", 15, "be", count_row, &last),
		  -ESRCH);
	CHECK_INT(vnfha_haproxy_parse_stat_servers("# pxname,svname,\nbe,n1,\n", 24, "be",
						   count_row, &last),
		  -EBADMSG);
}

int main(void)
{
	test_classify();
	test_transitions();
	test_file();
	test_file_hostile();
	test_render();
	test_parse_stat();
	return UNIT_DONE();
}
