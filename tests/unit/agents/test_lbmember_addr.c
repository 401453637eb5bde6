// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>

#include "lbmember.h"
#include "unit.h"

static void test_check(void)
{
	CHECK_INT(vnfha__lbmember_address_check("198.51.100.11"), 0);
	CHECK_INT(vnfha__lbmember_address_check("2001:db8::11"), 0);
	CHECK_INT(vnfha__lbmember_address_check("n1=198.51.100.11 n2=198.51.100.12"), 0);
	CHECK_INT(vnfha__lbmember_address_check("n1=198.51.100.11,n2=2001:db8::2"), 0);
	CHECK_INT(vnfha__lbmember_address_check(" n1=198.51.100.11 , "), 0);
	CHECK_INT(vnfha__lbmember_address_check(""), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("   "), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check(NULL), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("host.example"), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("198.51.100.300"), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("198.51.100.1 198.51.100.2"), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("n1=198.51.100.1 198.51.100.2"), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("=198.51.100.1"), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("n1="), -EINVAL);
	CHECK_INT(vnfha__lbmember_address_check("n1=x"), -EINVAL);
}

static void test_for(void)
{
	char buf[64] = "";
	int fam = 0;

	CHECK_INT(vnfha__lbmember_address_for("198.51.100.9", "n3", buf, sizeof(buf), &fam), 0);
	CHECK(strcmp(buf, "198.51.100.9") == 0);
	CHECK_INT(fam, AF_INET);
	CHECK_INT(vnfha__lbmember_address_for("n1=198.51.100.11 n2=2001:db8::12", "n2", buf,
					      sizeof(buf), &fam),
		  0);
	CHECK(strcmp(buf, "2001:db8::12") == 0);
	CHECK_INT(fam, AF_INET6);
	/* a node name that is a prefix of another does not match it */
	CHECK_INT(vnfha__lbmember_address_for("n10=198.51.100.10", "n1", buf, sizeof(buf), &fam),
		  -ENOENT);
	CHECK_INT(vnfha__lbmember_address_for("n1=198.51.100.11", "n1", buf, 4, &fam),
		  -ENAMETOOLONG);
	CHECK_INT(vnfha__lbmember_address_for("n1=bad", "n1", buf, sizeof(buf), &fam), -EINVAL);
}

int main(void)
{
	test_check();
	test_for();
	return UNIT_DONE();
}
