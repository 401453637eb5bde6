// SPDX-License-Identifier: GPL-2.0-or-later
/* The HAProxy runtime API parsers on answers captured from HAProxy 2.6. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "haproxy/haproxy_api.h"
#include "unit.h"

#define STATE_HDR                                                                                  \
	"1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "   \
	"srv_iweight srv_time_since_last_change srv_check_status srv_check_result "               \
	"srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "        \
	"srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "   \
	"srv_agent_port\n"

static const char state_ok[] = STATE_HDR
	"3 be 1 s0 127.0.0.1 0 0 1 1 0 8 2 0 6 0 0 0 - 8001 - 0 0 - - 0\n"
	"3 be 2 n1 198.51.100.11 2 8 50 50 0 1 0 0 0 0 0 0 - 8002 - 0 0 - - 0\n"
	"3 be 3 n2 2001:db8::2 0 1 1 1 0 1 0 0 0 0 0 0 - 8003 - 0 0 - - 0\n\n";

static void test_servers_state(void)
{
	struct vnfha_haproxy_server s = { .id = 99 };
	size_t len = sizeof(state_ok) - 1;

	CHECK_INT(vnfha_haproxy_parse_servers_state(state_ok, len, "n1", &s), 0);
	CHECK(strcmp(s.name, "n1") == 0);
	CHECK(strcmp(s.addr, "198.51.100.11") == 0);
	CHECK_INT(s.id, 2);
	CHECK_INT(s.port, 8002);
	CHECK_INT(s.op_state, VNFHA_HAPROXY_OP_RUNNING);
	CHECK_INT(s.admin_state, VNFHA_HAPROXY_ADMF_FDRAIN);
	CHECK_INT(s.uweight, 50);
	CHECK_INT(vnfha_haproxy_parse_servers_state(state_ok, len, "n2", &s), 0);
	CHECK(strcmp(s.addr, "2001:db8::2") == 0);
	CHECK(s.admin_state & VNFHA_HAPROXY_ADMF_MAINT);
	s.id = 99;
	CHECK_INT(vnfha_haproxy_parse_servers_state(state_ok, len, "n", &s), -ENODATA);
	CHECK_INT(vnfha_haproxy_parse_servers_state(state_ok, len, "n11", &s), -ENODATA);
	CHECK_INT(s.id, 99); /* untouched */
	/* the empty backend */
	CHECK_INT(vnfha_haproxy_parse_servers_state(STATE_HDR "\n", sizeof(STATE_HDR), "n1", &s),
		  -ENODATA);
	CHECK_INT(vnfha_haproxy_parse_servers_state("Can't find backend.\n\n", 21, "n1", &s),
		  -ESRCH);
	/* refusals and truncations are malformed, never read past */
	CHECK_INT(vnfha_haproxy_parse_servers_state("", 0, "n1", &s), -EBADMSG);
	CHECK_INT(vnfha_haproxy_parse_servers_state("Permission denied\n", 18, "n1", &s),
		  -EBADMSG);
	CHECK_INT(vnfha_haproxy_parse_servers_state("2\n# srv_name\n", 13, "n1", &s), -EBADMSG);
	CHECK_INT(vnfha_haproxy_parse_servers_state(state_ok, 40, "n1", &s), -EBADMSG);
	/* a row cut short */
	{
		static const char cut[] = STATE_HDR "3 be 2 n1 198.51.100.11 2 8\n";

		CHECK_INT(vnfha_haproxy_parse_servers_state(cut, sizeof(cut) - 1, "n1", &s),
			  -EBADMSG);
	}
	/* a number that is not one */
	{
		static const char bad[] =
			STATE_HDR "3 be 2 n1 198.51.100.11 2 x 50 50 0 1 0 0 0 0 0 0 - 8002 - 0 0 - - 0\n";

		CHECK_INT(vnfha_haproxy_parse_servers_state(bad, sizeof(bad) - 1, "n1", &s),
			  -EBADMSG);
	}
	/* columns found by name: a reordered header still parses */
	{
		static const char re[] = "1\n# srv_port srv_name srv_id srv_addr srv_op_state "
					 "srv_admin_state srv_uweight extra\n"
					 "80 n1 7 198.51.100.1 2 0 3 x\r\n";

		CHECK_INT(vnfha_haproxy_parse_servers_state(re, sizeof(re) - 1, "n1", &s), 0);
		CHECK_INT(s.port, 80);
		CHECK_INT(s.id, 7);
		CHECK_INT(s.uweight, 3);
	}
}

static const char stat_ok[] =
	"# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,check_desc,addr,\n"
	"be,s0,0,0,0,0,,0,DOWN,\"Layer4, refused\",127.0.0.1:8001,\n"
	"be,n1,0,0,17,20,,40,DRAIN,,198.51.100.11:8002,\n\n";

static void test_stat(void)
{
	unsigned long scur = 5;

	CHECK_INT(vnfha_haproxy_parse_stat_scur(stat_ok, sizeof(stat_ok) - 1, "be", "n1", &scur),
		  0);
	CHECK_INT(scur, 17);
	CHECK_INT(vnfha_haproxy_parse_stat_scur(stat_ok, sizeof(stat_ok) - 1, "be", "s0", &scur),
		  0);
	CHECK_INT(scur, 0);
	CHECK_INT(vnfha_haproxy_parse_stat_scur(stat_ok, sizeof(stat_ok) - 1, "fe", "n1", &scur),
		  -ENODATA);
	CHECK_INT(vnfha_haproxy_parse_stat_scur("No such proxy.\n\n", 16, "be", "n1", &scur),
		  -ESRCH);
	CHECK_INT(vnfha_haproxy_parse_stat_scur("# pxname,svname,\nbe,n1,\n", 25, "be", "n1",
						&scur),
		  -EBADMSG);
	{
		static const char q[] = "# pxname,svname,scur,\nbe,\"n1,5\n";

		CHECK_INT(vnfha_haproxy_parse_stat_scur(q, sizeof(q) - 1, "be", "n1", &scur),
			  -EBADMSG);
	}
}

static void test_names(void)
{
	CHECK(vnfha_haproxy_name_is_valid("n1"));
	CHECK(vnfha_haproxy_name_is_valid("web-pool_2.a:b"));
	CHECK(!vnfha_haproxy_name_is_valid(""));
	CHECK(!vnfha_haproxy_name_is_valid(NULL));
	CHECK(!vnfha_haproxy_name_is_valid("be/n1"));
	CHECK(!vnfha_haproxy_name_is_valid("n1;shutdown"));
	CHECK(!vnfha_haproxy_name_is_valid("n1 state"));
	CHECK(!vnfha_haproxy_name_is_valid("n1\nx"));
	CHECK(!vnfha_haproxy_name_is_valid(
		"a234567890123456789012345678901234567890123456789012345678901234"));
	CHECK(vnfha_haproxy_reply_is_empty("\n", 1));
	CHECK(vnfha_haproxy_reply_is_empty("", 0));
	CHECK(!vnfha_haproxy_reply_is_empty("No such server.\n\n", 17));
}

static void test_addr(void)
{
	struct vnfha_haproxy_addr a;

	CHECK_INT(vnfha_haproxy_addr_parse("/run/haproxy/admin.sock", &a), 0);
	CHECK_INT(a.sa.ss_family, AF_UNIX);
	CHECK_INT(vnfha_haproxy_addr_parse("unix:/run/haproxy/admin.sock", &a), 0);
	CHECK_INT(vnfha_haproxy_addr_parse("198.51.100.10:9999", &a), 0);
	CHECK_INT(a.sa.ss_family, AF_INET);
	CHECK_INT(ntohs(((struct sockaddr_in *)&a.sa)->sin_port), 9999);
	CHECK_INT(vnfha_haproxy_addr_parse("[2001:db8::10]:9999", &a), 0);
	CHECK_INT(a.sa.ss_family, AF_INET6);
	CHECK_INT(vnfha_haproxy_addr_parse("2001:db8::10:9999", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("lb.example:9999", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("198.51.100.10:0", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("198.51.100.10:65536", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("198.51.100.10", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("relative.sock", &a), -EINVAL);
	CHECK_INT(vnfha_haproxy_addr_parse("", &a), -EINVAL);
	{
		char longpath[200];

		memset(longpath, 'a', sizeof(longpath) - 1);
		longpath[0] = '/';
		longpath[sizeof(longpath) - 1] = '\0';
		CHECK_INT(vnfha_haproxy_addr_parse(longpath, &a), -ENAMETOOLONG);
	}
}

static void test_exchange_refused(void)
{
	struct vnfha_haproxy_addr a;
	char buf[64];
	size_t len = 0;

	CHECK_INT(vnfha_haproxy_addr_parse("/nonexistent/vnfha/admin.sock", &a), 0);
	CHECK_INT(vnfha_haproxy_exchange(&a, 1000, "show info", buf, sizeof(buf), &len), -ENOENT);
	CHECK(vnfha_haproxy_err_is_unreachable(-ENOENT));
	CHECK_INT(vnfha_haproxy_exchange(&a, 1000, "two\nlines", buf, sizeof(buf), &len),
		  -EINVAL);
}

int main(void)
{
	test_servers_state();
	test_stat();
	test_names();
	test_addr();
	test_exchange_refused();
	return UNIT_DONE();
}
