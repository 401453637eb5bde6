// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Gratuitous ARP and unsolicited NA over PF_PACKET (see announce.h). The
 * frames come from the pure codecs in arp_frame.c and ndisc_frame.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_packet.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "announce/announce.h"
#include "announce/announce_internal.h"
#include "announce/ndisc_frame.h"

int vnfha__link_open(int ifindex, uint16_t proto, struct vnfha__link *ret_link)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};
	socklen_t sll_len = sizeof(sll);
	struct ifreq ifr = { .ifr_ifindex = ifindex };
	int fd = -1;
	int r = 0;

	if (ifindex <= 0) {
		return -ENODEV;
	}
	/* Protocol 0 until bind(): no frame of another interface is queued. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (ioctl(fd, SIOCGIFNAME, &ifr) < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = errno == ENXIO ? -ENODEV : -errno;
		goto close_fd;
	}
	if (ifr.ifr_flags & IFF_NOARP) {
		r = -ENOTSUP; /* the admin said: no address resolution here */
		goto close_fd;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		r = -errno;
		goto close_fd;
	}
	/* The bound socket's name carries the link type and hardware address. */
	if (getsockname(fd, (struct sockaddr *)&sll, &sll_len) < 0) {
		r = -errno;
		goto close_fd;
	}
	if (sll.sll_hatype != ARPHRD_ETHER || sll.sll_halen != VNFHA_ETH_ALEN) {
		r = -ENOTSUP;
		goto close_fd;
	}
	ret_link->fd = fd;
	memcpy(ret_link->mac, sll.sll_addr, VNFHA_ETH_ALEN);
	return 0;

close_fd:
	close(fd);
	return r;
}

int vnfha__link_send(const struct vnfha__link *link, const uint8_t *frame, int len)
{
	ssize_t n;

	if (len < 0) {
		return len;
	}
	do {
		n = send(link->fd, frame, (size_t)len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return -errno;
	}
	return n == len ? 0 : -EIO;
}

/*
 * Sleeps until the absolute deadline t (the time spent sending does not
 * stretch the pace). Woken late, on a loaded host, the deadline moves to
 * the wake-up time: the next announcement still comes a full interval
 * later, never back to back to catch up.
 */
static void sleep_until(struct timespec *t)
{
	struct timespec now;

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR) {
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec > t->tv_nsec)) {
		*t = now;
	}
}

static int check_struct(const struct vnfha_announce *a)
{
	static const struct in6_addr any6;

	if (a->count < 1 || a->arp_kind > VNFHA_ARP_REPLY) {
		return -EINVAL;
	}
	if (a->family == AF_INET) {
		uint32_t v4 = ntohl(a->addr.v4.s_addr);

		return v4 == INADDR_ANY || v4 == INADDR_BROADCAST || IN_MULTICAST(v4) ? -EINVAL : 0;
	}
	if (a->family == AF_INET6) {
		return memcmp(&a->addr.v6, &any6, sizeof(any6)) == 0 ||
				       IN6_IS_ADDR_MULTICAST(&a->addr.v6)
			       ? -EINVAL
			       : 0;
	}
	return -EINVAL;
}

/* Is the address still this host's? bind() answers without text parsing;
 * for IPv6 it also refuses a tentative (non-optimistic) address. */
static int check_local(const struct vnfha_announce *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a->addr.v4 };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = a->addr.v6 };
	const struct sockaddr *sa = (const struct sockaddr *)&sin;
	socklen_t sa_len = sizeof(sin);
	int fd = -1;
	int r = 0;

	if (a->absent_ok) {
		return 0;
	}
	if (a->family == AF_INET6) {
		if (IN6_IS_ADDR_LINKLOCAL(&a->addr.v6)) {
			sin6.sin6_scope_id = (uint32_t)a->ifindex;
		}
		sa = (const struct sockaddr *)&sin6;
		sa_len = sizeof(sin6);
	}
	fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	if (bind(fd, sa, sa_len) < 0) {
		r = -errno;
	}
	close(fd);
	return r;
}

/* One announcement: ARP request and/or reply (IPv4), or one NA (IPv6). */
static int send_one(const struct vnfha__link *link, const struct vnfha_announce *a)
{
	uint8_t frame[VNFHA_ND_FRAME_MAX];
	int r = check_local(a);

	if (r < 0) {
		return r;
	}
	if (a->family == AF_INET6) {
		return vnfha__link_send(link, frame,
					vnfha__ndisc_build_unsolicited_na(link->mac, &a->addr.v6,
									  a->router, frame,
									  sizeof(frame)));
	}
	if (a->arp_kind != VNFHA_ARP_REPLY) {
		r = vnfha__link_send(link, frame,
				     vnfha__arp_build_announce(link->mac, a->addr.v4, false, frame,
							       sizeof(frame)));
	}
	if (r < 0 || a->arp_kind == VNFHA_ARP_REQUEST) {
		return r;
	}
	return vnfha__link_send(link, frame,
				vnfha__arp_build_announce(link->mac, a->addr.v4, true, frame,
							  sizeof(frame)));
}

static bool has_rest(const struct vnfha_announce *a)
{
	return a->count > 1 || a->repeat_delay_ms > 0;
}

/* Everything after the first announcement, on an open link: count - 1 more,
 * then the second burst, on absolute deadlines (sleep_until). */
static int send_rest(const struct vnfha__link *link, const struct vnfha_announce *a)
{
	struct timespec next;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (unsigned int i = 1; i < a->count && r == 0; i++) {
		vnfha__timespec_add_ms(&next, a->interval_ms);
		sleep_until(&next);
		r = send_one(link, a);
	}
	if (a->repeat_delay_ms > 0) {
		/* The second burst heals caches that missed the first one (a
		 * switch port still learning, a neighbour that was busy). */
		vnfha__timespec_add_ms(&next, a->repeat_delay_ms);
		for (unsigned int i = 0; i < a->count && r == 0; i++) {
			if (i > 0) {
				vnfha__timespec_add_ms(&next, a->interval_ms);
			}
			sleep_until(&next);
			r = send_one(link, a);
		}
	}
	return r;
}

static int open_checked(const struct vnfha_announce *a, struct vnfha__link *ret_link)
{
	int r = check_struct(a);

	if (r < 0) {
		return r;
	}
	return vnfha__link_open(a->ifindex, 0, ret_link);
}

int vnfha_announce_first(const struct vnfha_announce *a)
{
	struct vnfha__link link = { .fd = -1 };
	int r = open_checked(a, &link);

	if (r < 0) {
		return r;
	}
	r = send_one(&link, a);
	close(link.fd);
	return r;
}

int vnfha_announce_rest(const struct vnfha_announce *a)
{
	struct vnfha__link link = { .fd = -1 };
	int r = 0;

	if (!has_rest(a)) {
		return check_struct(a);
	}
	r = open_checked(a, &link);
	if (r < 0) {
		return r;
	}
	r = send_rest(&link, a);
	close(link.fd);
	return r;
}

int vnfha_announce_all(const struct vnfha_announce *a)
{
	struct vnfha__link link = { .fd = -1 };
	int r = open_checked(a, &link);

	if (r < 0) {
		return r;
	}
	r = send_one(&link, a);
	if (r == 0) {
		r = send_rest(&link, a);
	}
	close(link.fd);
	return r;
}

static void close_from(unsigned int first, unsigned int last)
{
	if (first > last) {
		return;
	}
	if (close_range(first, last, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long i = first; i <= (long)last && i < (max > 0 ? max : 1024); i++) {
			close((int)i);
		}
	}
}

/* In the child: nothing of the caller's may keep it attached; keep_fd
 * (or -1) is the one descriptor it goes on using. */
static void detach(int keep_fd)
{
	static const int defaults[] = { SIGTERM, SIGINT, SIGHUP };
	sigset_t none;
	int fd;

	setsid();
	if (chdir("/") < 0) {
		/* "/" always exists; nothing holds a mount busy either way */
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	/* Also closes the /dev/null descriptor (>= 3, never keep_fd). */
	if (keep_fd < 3) {
		close_from(3, ~0U);
	} else {
		close_from(3, (unsigned int)keep_fd - 1);
		close_from((unsigned int)keep_fd + 1, ~0U);
	}
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		signal(defaults[i], SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Forks the child that sends the rest, on link when open (link->fd >= 0),
 * else on a link of its own. */
static int fork_rest(const struct vnfha__link *link, const struct vnfha_announce *a,
		     pid_t *ret_pid)
{
	pid_t pid = fork();

	if (pid < 0) {
		return -errno;
	}
	if (pid == 0) {
		detach(link->fd);
		_exit((link->fd >= 0 ? send_rest(link, a) : vnfha_announce_rest(a)) == 0 ? 0 : 1);
	}
	if (ret_pid != NULL) {
		*ret_pid = pid;
	}
	return 0;
}

int vnfha_announce_spawn(const struct vnfha_announce *a, pid_t *ret_pid)
{
	const struct vnfha__link none = { .fd = -1 };
	int r = check_struct(a);

	if (r < 0) {
		return r;
	}
	if (!has_rest(a)) {
		if (ret_pid != NULL) {
			*ret_pid = 0;
		}
		return 0;
	}
	return fork_rest(&none, a, ret_pid);
}

int vnfha_announce_background(const struct vnfha_announce *a)
{
	return vnfha_announce_spawn(a, NULL);
}

int vnfha_announce_start(const struct vnfha_announce *a, pid_t *ret_pid)
{
	struct vnfha__link link = { .fd = -1 };
	pid_t pid = 0;
	int r = open_checked(a, &link);

	if (r < 0) {
		return r;
	}
	r = send_one(&link, a);
	if (r == 0 && has_rest(a)) {
		r = fork_rest(&link, a, &pid);
	}
	/* With a child holding the socket too, this close is cheap: the
	 * kernel's packet_release() (an RCU grace period, ~10 ms) runs when
	 * the child's last reference goes, not in the caller's action. */
	close(link.fd);
	if (r == 0 && ret_pid != NULL) {
		*ret_pid = pid;
	}
	return r;
}

static int netconf_attr_cb(const struct nlattr *attr, void *data)
{
	int *forwarding = data;

	if (mnl_attr_get_type(attr) == NETCONFA_FORWARDING &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
		*forwarding = (int)mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int netconf_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWNETCONF) {
		return MNL_CB_OK;
	}
	return mnl_attr_parse(nlh, sizeof(struct netconfmsg), netconf_attr_cb, data);
}

bool vnfha_announce_is_router(int ifindex)
{
	uint8_t buf[8192];
	struct mnl_socket *nl = NULL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct netconfmsg *ncm = NULL;
	unsigned int seq = (unsigned int)time(NULL);
	unsigned int portid;
	int forwarding = 0;
	ssize_t n;

	nlh->nlmsg_type = RTM_GETNETCONF;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	ncm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ncm));
	ncm->ncm_family = AF_INET6;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, (uint32_t)ifindex);

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL) {
		return false;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		goto close_nl;
	}
	portid = mnl_socket_get_portid(nl);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n > 0) {
		/* An error reply (no such interface) leaves forwarding 0. */
		mnl_cb_run(buf, (size_t)n, seq, portid, netconf_cb, &forwarding);
	}
close_nl:
	mnl_socket_close(nl);
	return forwarding != 0;
}
