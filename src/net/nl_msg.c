// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pure rtnetlink encoders and decoders (see nl_msg.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "net/nl_msg.h"

static size_t addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	default:
		return 0;
	}
}

/* Header plus fixed part, or -ENOSPC. */
static struct nlmsghdr *put_header(void *buf, size_t len, size_t extra, uint16_t type,
				   uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (buf == NULL || len < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra)) {
		return NULL;
	}
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(extra));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

int vnfha_nl_addr_build(void *buf, size_t len, uint16_t type, uint32_t seq,
			const struct vnfha_addr *a)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	size_t alen = addr_len(a->family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	bool ok;

	if (alen == 0 || a->ifindex <= 0 || a->prefixlen > alen * 8 ||
	    (type != RTM_NEWADDR && type != RTM_DELADDR)) {
		return -EINVAL;
	}
	if (type == RTM_NEWADDR) {
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	}
	nlh = put_header(buf, len, sizeof(*ifa), type, flags, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_flags = (uint8_t)(a->flags & 0xff);
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (uint32_t)a->ifindex;
	/* IPv4 needs IFA_LOCAL (the address) and IFA_ADDRESS (the peer, here the
	 * same); IPv6 takes IFA_ADDRESS (rtnetlink(7)). */
	ok = mnl_attr_put_check(nlh, len, IFA_LOCAL, alen, &a->addr) &&
	     mnl_attr_put_check(nlh, len, IFA_ADDRESS, alen, &a->addr);
	if (ok && type == RTM_NEWADDR) {
		struct ifa_cacheinfo ci = {
			.ifa_prefered = a->preferred_lft,
			.ifa_valid = a->valid_lft,
		};

		ok = mnl_attr_put_check(nlh, len, IFA_FLAGS, sizeof(uint32_t), &a->flags);
		if (ok && a->family == AF_INET && a->has_broadcast) {
			ok = mnl_attr_put_check(nlh, len, IFA_BROADCAST, sizeof(a->broadcast),
						&a->broadcast);
		}
		if (ok && a->family == AF_INET && a->label[0] != '\0') {
			ok = mnl_attr_put_check(nlh, len, IFA_LABEL,
						strnlen(a->label, sizeof(a->label) - 1) + 1,
						a->label);
		}
		if (ok && (ci.ifa_prefered != VNFHA_NL_LIFE_FOREVER ||
			   ci.ifa_valid != VNFHA_NL_LIFE_FOREVER)) {
			ok = mnl_attr_put_check(nlh, len, IFA_CACHEINFO, sizeof(ci), &ci);
		}
	}
	return ok ? (int)nlh->nlmsg_len : -ENOSPC;
}

int vnfha_nl_addr_dump_build(void *buf, size_t len, uint32_t seq, int family, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (addr_len(family) == 0 || ifindex < 0) {
		return -EINVAL;
	}
	nlh = put_header(buf, len, sizeof(*ifa), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (uint8_t)family;
	/* With NETLINK_GET_STRICT_CHK the kernel filters the dump on ifa_index. */
	ifa->ifa_index = (uint32_t)ifindex;
	return (int)nlh->nlmsg_len;
}

/* Checks one message of len bytes and its fixed part; the header or NULL. */
static const struct nlmsghdr *msg_check(const void *buf, size_t len, size_t extra)
{
	const struct nlmsghdr *nlh = buf;

	/* Not mnl_nlmsg_ok(): it compares nlmsg_len as an int, so a length
	 * with the top bit set passes; and mnl_attr_parse() walks up to the
	 * aligned length, so that must fit too (both found by fuzz_nl). */
	if (buf == NULL || len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > len - (len % MNL_ALIGNTO) || mnl_nlmsg_get_payload_len(nlh) < extra) {
		return NULL;
	}
	return nlh;
}

struct addr_parse {
	struct vnfha_addr *a;
	size_t alen;
	bool have_local, have_address;
	struct in6_addr address;
	int bad;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_parse *p = data;
	uint16_t len = mnl_attr_get_payload_len(attr);
	const void *v = mnl_attr_get_payload(attr);

	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		if (len != p->alen) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&p->a->addr, v, len);
		p->have_local = true;
		break;
	case IFA_ADDRESS:
		if (len != p->alen) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&p->address, v, len);
		p->have_address = true;
		break;
	case IFA_BROADCAST:
		if (len != sizeof(struct in_addr)) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&p->a->broadcast, v, len);
		p->a->has_broadcast = true;
		break;
	case IFA_LABEL:
		if (len == 0 || len > sizeof(p->a->label)) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(p->a->label, v, len);
		p->a->label[len - 1] = '\0';
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		p->a->flags = mnl_attr_get_u32(attr);
		break;
	case IFA_CACHEINFO: {
		struct ifa_cacheinfo ci;

		if (len < sizeof(ci)) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&ci, v, sizeof(ci));
		p->a->preferred_lft = ci.ifa_prefered;
		p->a->valid_lft = ci.ifa_valid;
		break;
	}
	default:
		break;
	}
	return MNL_CB_OK;
}

int vnfha_nl_addr_parse(const void *buf, size_t len, struct vnfha_addr *ret_addr)
{
	const struct nlmsghdr *nlh = msg_check(buf, len, sizeof(struct ifaddrmsg));
	const struct ifaddrmsg *ifa;
	struct vnfha_addr a = { .preferred_lft = VNFHA_NL_LIFE_FOREVER,
				.valid_lft = VNFHA_NL_LIFE_FOREVER };
	struct addr_parse p = { .a = &a };

	if (nlh == NULL) {
		return -EINVAL;
	}
	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) {
		return -ENOMSG;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	p.alen = addr_len(ifa->ifa_family);
	if (p.alen == 0) {
		return -ENOMSG;
	}
	a.family = ifa->ifa_family;
	a.ifindex = (int)ifa->ifa_index;
	a.prefixlen = ifa->ifa_prefixlen;
	a.scope = ifa->ifa_scope;
	a.flags = ifa->ifa_flags;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &p) < 0 || p.bad) {
		return -EINVAL;
	}
	/* IFA_LOCAL is the address itself when present (IPv4, point-to-point);
	 * otherwise IFA_ADDRESS is (IPv6). */
	if (!p.have_local) {
		if (!p.have_address) {
			return -EINVAL;
		}
		memcpy(&a.addr, &p.address, p.alen);
	}
	*ret_addr = a;
	return 0;
}

int vnfha_nl_link_get_build(void *buf, size_t len, uint32_t seq, const char *name, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	bool ok = true;

	if ((name == NULL) == (ifindex <= 0) ||
	    (name != NULL && (name[0] == '\0' || strlen(name) >= IF_NAMESIZE))) {
		return -EINVAL;
	}
	nlh = put_header(buf, len, sizeof(*ifi), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex > 0 ? ifindex : 0;
	if (name != NULL) {
		ok = mnl_attr_put_check(nlh, len, IFLA_IFNAME, strlen(name) + 1, name);
	}
	if (ok) {
		uint32_t mask = RTEXT_FILTER_SKIP_STATS;

		ok = mnl_attr_put_check(nlh, len, IFLA_EXT_MASK, sizeof(mask), &mask);
	}
	return ok ? (int)nlh->nlmsg_len : -ENOSPC;
}

struct link_parse {
	struct vnfha_link *l;
	bool have_name;
	int bad;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_parse *p = data;
	uint16_t len = mnl_attr_get_payload_len(attr);

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (len == 0 || len > sizeof(p->l->name)) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(p->l->name, mnl_attr_get_payload(attr), len);
		p->l->name[len - 1] = '\0';
		p->have_name = true;
		break;
	case IFLA_OPERSTATE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		p->l->operstate = mnl_attr_get_u8(attr);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int vnfha_nl_link_parse(const void *buf, size_t len, struct vnfha_link *ret_link)
{
	const struct nlmsghdr *nlh = msg_check(buf, len, sizeof(struct ifinfomsg));
	const struct ifinfomsg *ifi;
	struct vnfha_link l = { 0 };
	struct link_parse p = { .l = &l };

	if (nlh == NULL) {
		return -EINVAL;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK) {
		return -ENOMSG;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	l.ifindex = ifi->ifi_index;
	l.flags = ifi->ifi_flags;
	l.type = ifi->ifi_type;
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &p) < 0 || p.bad || !p.have_name ||
	    l.ifindex <= 0) {
		return -EINVAL;
	}
	*ret_link = l;
	return 0;
}

bool vnfha_link_is_up(const struct vnfha_link *link)
{
	return (link->flags & IFF_UP) && (link->flags & IFF_RUNNING);
}

int vnfha_nl_route_get_build(void *buf, size_t len, uint32_t seq, int family, const void *dst)
{
	size_t alen = addr_len(family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (alen == 0 || dst == NULL) {
		return -EINVAL;
	}
	nlh = put_header(buf, len, sizeof(*rtm), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_ACK, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = (uint8_t)(alen * 8);
	/* The matching FIB entry (with its prefix length), not a cloned /32. */
	rtm->rtm_flags = RTM_F_FIB_MATCH;
	if (!mnl_attr_put_check(nlh, len, RTA_DST, alen, dst)) {
		return -ENOSPC;
	}
	return (int)nlh->nlmsg_len;
}

int vnfha_nl_route_dump_build(void *buf, size_t len, uint32_t seq, int family, uint32_t table)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (addr_len(family) == 0 || table == RT_TABLE_UNSPEC) {
		return -EINVAL;
	}
	nlh = put_header(buf, len, sizeof(*rtm), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (uint8_t)family;
	/* With NETLINK_GET_STRICT_CHK the kernel dumps this table alone. */
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (table >= 256 && !mnl_attr_put_check(nlh, len, RTA_TABLE, sizeof(table), &table)) {
		return -ENOSPC;
	}
	return (int)nlh->nlmsg_len;
}

int vnfha_nl_addrlabel_build(void *buf, size_t len, uint16_t type, uint32_t seq,
			     const struct in6_addr *prefix, uint8_t prefixlen, uint32_t label)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	struct nlmsghdr *nlh;
	struct ifaddrlblmsg *ifal;

	if ((type != RTM_NEWADDRLABEL && type != RTM_DELADDRLABEL) || prefix == NULL ||
	    prefixlen > 128 || label == 0xffffffffU) {
		return -EINVAL;
	}
	if (type == RTM_NEWADDRLABEL) {
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	}
	nlh = put_header(buf, len, sizeof(*ifal), type, flags, seq);
	if (nlh == NULL) {
		return -ENOSPC;
	}
	ifal = mnl_nlmsg_get_payload(nlh);
	ifal->ifal_family = AF_INET6;
	ifal->ifal_prefixlen = prefixlen;
	if (!mnl_attr_put_check(nlh, len, IFAL_ADDRESS, sizeof(*prefix), prefix) ||
	    !mnl_attr_put_u32_check(nlh, len, IFAL_LABEL, label)) {
		return -ENOSPC;
	}
	return (int)nlh->nlmsg_len;
}

struct route_parse {
	struct vnfha_route *r;
	int bad;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	struct route_parse *p = data;

	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
	case RTA_TABLE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		if (mnl_attr_get_type(attr) == RTA_OIF) {
			p->r->oif = (int)mnl_attr_get_u32(attr);
		} else {
			p->r->table = mnl_attr_get_u32(attr);
		}
		break;
	case RTA_DST:
	case RTA_PREFSRC:
		if (mnl_attr_get_payload_len(attr) != addr_len(p->r->family)) {
			p->bad = 1;
			return MNL_CB_ERROR;
		}
		if (mnl_attr_get_type(attr) == RTA_DST) {
			memcpy(&p->r->dst, mnl_attr_get_payload(attr), addr_len(p->r->family));
		} else {
			memcpy(&p->r->prefsrc, mnl_attr_get_payload(attr), addr_len(p->r->family));
			p->r->has_prefsrc = true;
		}
		break;
	case RTA_GATEWAY:
	case RTA_VIA:
		p->r->has_gateway = true;
		break;
	case RTA_MULTIPATH:
		/* Several next hops: not a connected subnet of one interface. */
		p->r->has_gateway = true;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

int vnfha_nl_route_parse(const void *buf, size_t len, struct vnfha_route *ret_route)
{
	const struct nlmsghdr *nlh = msg_check(buf, len, sizeof(struct rtmsg));
	const struct rtmsg *rtm;
	struct vnfha_route r = { 0 };
	struct route_parse p = { .r = &r };

	if (nlh == NULL) {
		return -EINVAL;
	}
	if (nlh->nlmsg_type != RTM_NEWROUTE) {
		return -ENOMSG;
	}
	rtm = mnl_nlmsg_get_payload(nlh);
	if (addr_len(rtm->rtm_family) == 0) {
		return -ENOMSG;
	}
	r.family = rtm->rtm_family;
	r.type = rtm->rtm_type;
	r.scope = rtm->rtm_scope;
	r.dst_len = rtm->rtm_dst_len;
	r.table = rtm->rtm_table;
	if (r.dst_len > addr_len(r.family) * 8 ||
	    mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &p) < 0 || p.bad) {
		return -EINVAL;
	}
	*ret_route = r;
	return 0;
}

struct err_parse {
	char *msg;
	size_t msg_len;
};

static int err_attr_cb(const struct nlattr *attr, void *data)
{
	struct err_parse *p = data;
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && len > 0 && p->msg_len > 0) {
		size_t n = strnlen(mnl_attr_get_payload(attr), len);

		if (n >= p->msg_len) {
			n = p->msg_len - 1;
		}
		memcpy(p->msg, mnl_attr_get_payload(attr), n);
		p->msg[n] = '\0';
	}
	return MNL_CB_OK;
}

int vnfha_nl_error_parse(const void *buf, size_t len, int *ret_error, char *msg, size_t msg_len)
{
	const struct nlmsghdr *nlh = msg_check(buf, len, sizeof(struct nlmsgerr));
	const struct nlmsgerr *err;
	size_t payload_len, offset = sizeof(struct nlmsgerr);
	struct err_parse p = { .msg = msg, .msg_len = msg_len };

	if (nlh == NULL) {
		return -EINVAL;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR) {
		return -ENOMSG;
	}
	err = mnl_nlmsg_get_payload(nlh);
	if (err->error > 0 || err->error < -4095) {
		return -EINVAL;
	}
	if (msg != NULL && msg_len > 0) {
		msg[0] = '\0';
	}
	payload_len = mnl_nlmsg_get_payload_len(nlh);
	/* The echoed request is whole unless NLM_F_CAPPED (NETLINK_CAP_ACK). */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr)) {
			return -EINVAL;
		}
		offset += MNL_ALIGN(err->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && offset < payload_len && msg != NULL) {
		if (mnl_attr_parse_payload((const char *)err + offset, payload_len - offset,
					   err_attr_cb, &p) < 0) {
			return -EINVAL;
		}
	}
	*ret_error = err->error;
	return 0;
}
