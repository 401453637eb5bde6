// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvnfha's checkpoint regions: the shared-memory map, range submits with
 * tickets and the event-loop descriptor (src/ckptd/README.md, "Range
 * commits"). A region has its own Unix connection to the daemon: submits
 * go out on it and results (DONE frames) come back on it, read by whichever
 * thread waits (ckpt_results.c). A small submit is copied into the staging
 * buffer and sent by the region's sender thread (ckpt_stage.c); a large one
 * is sent here, one sendmsg per frame, the bytes straight from the region.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/unix_sock.h"
#include "ckpt/ckpt_client_internal.h"
#include "ckpt/ckpt_patch.h"
#include "ckpt/ckpt_track.h"

#define FRAME_IOV 1000 /* pieces per COMMITV frame (IOV_MAX is 1024) */
#define DRAIN_EVERY 64 /* direct submits between two looks at the results (a power of 2) */

int vnfha_ckpt_open_flags(struct vnfha_ckpt_client *client, const char *name, size_t size,
			  unsigned int flags, struct vnfha_ckpt_region **ret_region)
{
	struct vnfha_ckpt_region *r;
	struct vnfha__ckpt_obj o;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd;
	int rc;

	/* Checked before sending: a refused request leaves no answer unread. */
	if (client == NULL || ret_region == NULL || !vnfha__ckpt_name_is_valid(name) ||
	    (flags & ~(VNFHA_CKPT_OPEN_TRACK | VNFHA_CKPT_OPEN_TRACK_FAULTS)) != 0) {
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		return -ENOMEM;
	}
	if (vnfha__ckpt_spin_init(&r->spin, getenv("VNFHA_CKPT_SPIN_US")) != 0) {
		free(r);
		return -EINVAL;
	}
	r->data = MAP_FAILED;
	r->sent_upto = 1;
	fd = vnfha__unix_connect(client->path, SOCK_STREAM);
	if (fd < 0) {
		free(r);
		return fd;
	}
	vnfha__ckpt_conn_init_fd(&r->conn, fd);
	rc = vnfha__ckpt_client_send_req(&r->conn, VNFHA_CKPT_OPEN, name, size, 0, 0);
	if (rc == 0) {
		rc = vnfha__ckpt_client_recv_info(&r->conn, &o);
	}
	if (rc == 0 && (r->conn.recv_fd < 0 || o.size == 0 || o.size > SIZE_MAX - page)) {
		rc = -EPROTO;
	}
	if (rc == 0) {
		r->size = (size_t)o.size;
		r->map_len = (r->size + page - 1) / page * page;
		r->data = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->conn.recv_fd, 0);
		rc = r->data == MAP_FAILED ? -errno : 0;
	}
	if (rc == 0 && (flags & (VNFHA_CKPT_OPEN_TRACK | VNFHA_CKPT_OPEN_TRACK_FAULTS))) {
		const char *how = getenv("VNFHA_CKPT_TRACK");
		unsigned int tf = how != NULL && strcmp(how, "scan") == 0
					  ? VNFHA_CKPT_TRACK_F_FORCE_SCAN
					  : 0;

		if (flags & VNFHA_CKPT_OPEN_TRACK_FAULTS) {
			tf |= VNFHA_CKPT_TRACK_F_FAULTS;
		}

		rc = vnfha__ckpt_track_new(r->data, r->map_len, tf, &r->track);
	}
	if (r->conn.recv_fd >= 0) {
		close(r->conn.recv_fd);
		r->conn.recv_fd = -1;
	}
	if (rc != 0) {
		if (r->data != MAP_FAILED) {
			munmap(r->data, r->map_len);
		}
		vnfha__ckpt_conn_close(&r->conn);
		free(r);
		return rc;
	}
	r->client = client;
	memcpy(r->name, o.name, sizeof(r->name));
	r->version.epoch = o.epoch;
	r->version.gen = o.gen;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->send_lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	vnfha__ckpt_stage_init(r);
	r->next = client->regions;
	if (client->regions != NULL) {
		client->regions->prev = r;
	}
	client->regions = r;
	*ret_region = r;
	return 0;
}

void vnfha__ckpt_region_detach(struct vnfha_ckpt_region *r)
{
	pthread_mutex_lock(&r->lock);
	r->client = NULL;
	r->prev = NULL;
	r->next = NULL;
	/* The daemon forgets the region with its client: so does this side. */
	vnfha__ckpt_region_go_dead(r, -ENOTCONN);
	shutdown(r->conn.fd, SHUT_RDWR);
	pthread_mutex_unlock(&r->lock);
}

int vnfha_ckpt_open(struct vnfha_ckpt_client *client, const char *name, size_t size,
		    struct vnfha_ckpt_region **ret_region)
{
	return vnfha_ckpt_open_flags(client, name, size, 0, ret_region);
}

void *vnfha_ckpt_region_data(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->data : NULL;
}

size_t vnfha_ckpt_region_size(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->size : 0;
}

struct vnfha_ckpt_version vnfha_ckpt_region_version(const struct vnfha_ckpt_region *region)
{
	struct vnfha_ckpt_version none = { 0, 0 };

	return region != NULL ? region->version : none;
}

const char *vnfha_ckpt_region_tracking(const struct vnfha_ckpt_region *region)
{
	return region != NULL && region->track != NULL ? vnfha__ckpt_track_kind_name(region->track)
						       : "off";
}

int vnfha_ckpt_region_fd(const struct vnfha_ckpt_region *region)
{
	return region != NULL ? region->conn.fd : -EINVAL;
}

/* Writes all of iov (send_lock held). */
static int send_iov(struct vnfha_ckpt_region *r, struct iovec *iov, int n)
{
	while (n > 0) {
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t w = sendmsg(r->conn.fd, &msg, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * The COMMITV frames of one ticket (send_lock held): as many pieces per
 * frame as fit 16 MiB and FRAME_IOV; a range longer than a wire range or
 * than the room left is cut; every frame but the last says MORE.
 */
static int send_commitv(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			size_t n, uint32_t mode, uint32_t timeout_ms, uint32_t flags,
			uint64_t ticket)
{
	struct vnfha_ckpt_range piece[FRAME_IOV];
	struct iovec iov[FRAME_IOV + 1];
	uint8_t *head = malloc(VNFHA_CKPT_HDR_LEN + vnfha__ckpt_commitv_head_len(FRAME_IOV));
	size_t i = 0;
	uint64_t done_in_range = 0; /* bytes of ranges[i] already sent */
	int rc = head != NULL ? 0 : -ENOMEM;

	do {
		struct vnfha__ckpt_commitv cv = { .ticket = ticket, .mode = mode,
						  .timeout_ms = timeout_ms, .flags = flags };
		uint64_t room = VNFHA_CKPT_MAX_PAYLOAD - vnfha__ckpt_commitv_head_len(0);
		uint64_t bytes = 0;
		uint32_t k = 0;
		int hl;

		if (rc != 0) {
			break;
		}
		memcpy(cv.name, r->name, sizeof(cv.name));
		while (i < n && k < FRAME_IOV && room > VNFHA_CKPT_RANGE_LEN) {
			uint64_t left = ranges[i].length - done_in_range;
			uint64_t take = left;

			if (left == 0) {
				i++;
				done_in_range = 0;
				continue;
			}
			take = take > VNFHA_CKPT_RANGE_MAX ? VNFHA_CKPT_RANGE_MAX : take;
			take = take > room - VNFHA_CKPT_RANGE_LEN ? room - VNFHA_CKPT_RANGE_LEN : take;
			piece[k].offset = ranges[i].offset + done_in_range;
			piece[k].length = take;
			iov[k + 1].iov_base = r->data + piece[k].offset;
			iov[k + 1].iov_len = (size_t)take;
			k++;
			bytes += take;
			room -= VNFHA_CKPT_RANGE_LEN + take;
			done_in_range += take;
		}
		while (i < n && ranges[i].length == done_in_range) {
			i++;
			done_in_range = 0;
		}
		cv.n_ranges = k;
		if (i < n) {
			cv.flags |= VNFHA_CKPT_CV_MORE;
		}
		hl = vnfha__ckpt_commitv_head_encode(&cv, piece, head + VNFHA_CKPT_HDR_LEN,
						     vnfha__ckpt_commitv_head_len(FRAME_IOV));
		if (hl < 0) {
			rc = hl;
			break;
		}
		vnfha__ckpt_io_frame_hdr(head, VNFHA_CKPT_COMMITV, (uint32_t)(hl + bytes));
		iov[0].iov_base = head;
		iov[0].iov_len = VNFHA_CKPT_HDR_LEN + (size_t)hl;
		rc = send_iov(r, iov, (int)k + 1);
	} while (rc == 0 && i < n);
	free(head);
	return rc;
}

/* A large submit (send_lock held): what is staged first, then its ticket,
 * slot, frames. */
static int submit_locked(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			 size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
			 uint32_t flags, bool tracked, uint64_t *ret_ticket)
{
	uint64_t ticket;
	int rc;

	rc = vnfha__ckpt_stage_ticket(r, &ticket);
	if (rc != 0) {
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	rc = r->dead;
	if (rc == 0 && (ret_ticket != NULL || tracked)) {
		rc = vnfha__ckpt_region_add_slot(r, ticket, ret_ticket != NULL, tracked);
	}
	r->sent_upto = ticket + 1;
	pthread_mutex_unlock(&r->lock);
	if (rc != 0) {
		return rc;
	}
	rc = send_commitv(r, ranges, n, (uint32_t)mode, timeout_ms, flags, ticket);
	if (rc != 0) {
		pthread_mutex_lock(&r->lock);
		vnfha__ckpt_region_forget(r, ticket);
		vnfha__ckpt_region_go_dead(r, rc);
		pthread_mutex_unlock(&r->lock);
		return rc;
	}
	if (ret_ticket != NULL) {
		*ret_ticket = ticket;
	}
	/* An application that never waits (NULL tickets) still gets DONE
	 * frames: read what arrived now and then, so its socket never fills
	 * and the daemon never has to drop it. */
	if ((ticket & (DRAIN_EVERY - 1)) == 0) {
		pthread_mutex_lock(&r->lock);
		if (!r->reading && r->dead == 0) {
			vnfha__ckpt_region_pump(r, (uint64_t)vnfha__now_ms());
		}
		pthread_mutex_unlock(&r->lock);
	}
	return 0;
}

/* A submit: staged if small (no system call), else sent here. */
static int submit(struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges, size_t n,
		  enum vnfha_ckpt_mode mode, unsigned int timeout_ms, uint32_t flags, bool tracked,
		  uint64_t *ret_ticket)
{
	size_t frame_len = vnfha__ckpt_stage_frame_len(ranges, n);
	int rc;

	if (frame_len > 0) {
		return vnfha__ckpt_stage_submit(r, ranges, n, (uint32_t)mode, timeout_ms, flags,
						tracked, frame_len, ret_ticket);
	}
	pthread_mutex_lock(&r->send_lock);
	rc = submit_locked(r, ranges, n, mode, timeout_ms, flags, tracked, ret_ticket);
	pthread_mutex_unlock(&r->send_lock);
	return rc;
}

static int check_ranges(const struct vnfha_ckpt_region *r, const struct vnfha_ckpt_range *ranges,
			size_t n, enum vnfha_ckpt_mode mode)
{
	if (r == NULL || (n > 0 && ranges == NULL) || !vnfha__ckpt_mode_is_valid(mode)) {
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].offset > r->size || ranges[i].length > r->size - ranges[i].offset) {
			return -ERANGE;
		}
	}
	return 0;
}

int vnfha_ckpt_submit(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		      size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		      uint64_t *ret_ticket)
{
	int rc = check_ranges(region, ranges, n, mode);

	return rc != 0 ? rc : submit(region, ranges, n, mode, timeout_ms, 0, false, ret_ticket);
}

int vnfha_ckpt_write(struct vnfha_ckpt_region *region, uint64_t offset, const void *buf,
		     size_t len, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		     uint64_t *ret_ticket)
{
	struct vnfha_ckpt_range one = { .offset = offset, .length = len };
	int rc = check_ranges(region, &one, 1, mode);

	if (rc == 0 && buf == NULL && len > 0) {
		rc = -EINVAL;
	}
	if (rc != 0) {
		return rc;
	}
	if (len > 0) {
		memcpy(region->data + offset, buf, len);
	}
	return submit(region, &one, 1, mode, timeout_ms, 0, false, ret_ticket);
}

int vnfha_ckpt_submit_tracked(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
			      unsigned int timeout_ms, uint64_t *ret_ticket)
{
	const struct vnfha_ckpt_range *found = NULL;
	struct vnfha_ckpt_range *copy = NULL;
	size_t n = 0;
	int rc = check_ranges(region, NULL, 0, mode);

	if (rc != 0) {
		return rc;
	}
	if (region->track == NULL) {
		return submit(region, NULL, 0, mode, timeout_ms, VNFHA_CKPT_CV_SCAN, false,
			      ret_ticket);
	}
	pthread_mutex_lock(&region->lock);
	rc = vnfha__ckpt_track_collect(region->track, &found, &n);
	if (rc == 0 && n > 0) {
		copy = malloc(n * sizeof(*copy));
		if (copy == NULL) {
			vnfha__ckpt_track_redirty(region->track, found, n);
			rc = -ENOMEM;
		} else {
			memcpy(copy, found, n * sizeof(*copy));
		}
	}
	pthread_mutex_unlock(&region->lock);
	/* The last page may reach past the region's end: cut it there. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (copy[i].offset + copy[i].length > region->size) {
			copy[i].length = copy[i].offset < region->size ? region->size - copy[i].offset
								       : 0;
		}
	}
	if (rc == 0) {
		/* The flag tells the daemon how the pages were found (its status
		 * says which tracking a checkpoint's submits use). */
		enum vnfha__ckpt_track_kind kind = vnfha__ckpt_track_kind(region->track);
		uint32_t how = kind == VNFHA_CKPT_TRACK_UFFD_FAULT ? VNFHA_CKPT_CV_FAULT
			       : kind == VNFHA_CKPT_TRACK_UFFD_WP  ? VNFHA_CKPT_CV_UFFD
								    : VNFHA_CKPT_CV_HASHED;

		rc = submit(region, copy, n, mode, timeout_ms, how, true, ret_ticket);
		if (rc != 0) {
			pthread_mutex_lock(&region->lock);
			vnfha__ckpt_track_redirty(region->track, copy, n);
			pthread_mutex_unlock(&region->lock);
		}
	}
	free(copy);
	return rc;
}


int vnfha_ckpt_commitv(struct vnfha_ckpt_region *region, const struct vnfha_ckpt_range *ranges,
		       size_t n, enum vnfha_ckpt_mode mode, unsigned int timeout_ms,
		       struct vnfha_ckpt_result *ret_result)
{
	uint64_t ticket = 0;
	int rc = vnfha_ckpt_submit(region, ranges, n, mode, timeout_ms, &ticket);


	return rc != 0 ? rc : vnfha_ckpt_wait(region, ticket, VNFHA_CKPT_WAIT_FOREVER, ret_result);
}


int vnfha_ckpt_commit(struct vnfha_ckpt_region *region, enum vnfha_ckpt_mode mode,
		      unsigned int timeout_ms, struct vnfha_ckpt_result *ret_result)
{
	int rc;

	if (region == NULL || !vnfha__ckpt_mode_is_valid(mode)) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	pthread_mutex_lock(&region->send_lock);
	rc = vnfha__ckpt_stage_flush(region); /* submits staged before it go first */
	if (rc == 0) {
		rc = vnfha__ckpt_client_send_req(&region->conn, VNFHA_CKPT_COMMIT, region->name,
						 region->size, mode, timeout_ms);
	}
	pthread_mutex_lock(&region->lock);
	if (rc != 0) {
		vnfha__ckpt_region_go_dead(region, rc);
	}
	while (rc == 0 && !region->reply_have && region->dead == 0) {
		vnfha__ckpt_region_pump(region, UINT64_MAX);
	}
	if (rc == 0 && !region->reply_have) {
		rc = region->dead;
	} else if (rc == 0) {
		rc = region->reply_status;
		region->reply_have = false;
		if (rc == 0 || rc == -ETIMEDOUT) {
			region->version = region->reply.version;
			if (ret_result != NULL) {
				*ret_result = region->reply;
			}
		}
	}
	pthread_mutex_unlock(&region->lock);
	pthread_mutex_unlock(&region->send_lock);
	return rc;
}

int vnfha_ckpt_restore(struct vnfha_ckpt_region *region)
{
	struct vnfha__ckpt_obj o;
	uint8_t *dst;
	int rc = -EAGAIN;

	if (region == NULL) {
		return -EINVAL;
	}
	if (region->client == NULL) {
		return -ENOTCONN;
	}
	dst = region->data;
	/* The bytes are read(2) into the region: a region tracked by faults
	 * opens to the kernel (else EFAULT), and no tracked submit protects it
	 * again until they are in (the region's lock held). */
	pthread_mutex_lock(&region->lock);
	if (region->track != NULL) {
		rc = vnfha__ckpt_track_before_kernel_writes(region->track);
		rc = rc != 0 ? rc : -EAGAIN;
	}
	/* On the client's own connection: the region's carries results. */
	for (int attempt = 0; attempt < 4 && rc == -EAGAIN; attempt++) {
		rc = vnfha__ckpt_client_get_into(&region->client->conn, region->name, &dst,
						 region->size, false, &o);
	}
	if (rc == 0) {
		region->version.epoch = o.epoch;
		region->version.gen = o.gen;
	}
	pthread_mutex_unlock(&region->lock);
	return rc;
}

void vnfha_ckpt_close(struct vnfha_ckpt_region *region)
{
	if (region == NULL) {
		return;
	}
	if (region->client != NULL) {
		if (region->prev != NULL) {
			region->prev->next = region->next;
		} else {
			region->client->regions = region->next;
		}
		if (region->next != NULL) {
			region->next->prev = region->prev;
		}
	}
	vnfha__ckpt_stage_stop(region); /* what is staged is sent first */
	vnfha__ckpt_track_free(region->track);
	munmap(region->data, region->map_len);
	vnfha__ckpt_conn_close(&region->conn);
	vnfha__ckpt_region_free_slots(region);
	pthread_cond_destroy(&region->cond);
	pthread_mutex_destroy(&region->lock);
	pthread_mutex_destroy(&region->send_lock);
	free(region);
}
