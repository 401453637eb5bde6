// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnfha-ckpt: command line client of vnfha-ckptd (see vnfha-ckpt(1)).
 * Exit status: 0 done, 1 failed, 2 usage, 3 stored but not confirmed by a
 * replica in time (sync/durable put).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt_admin.h"
#include "ckpt/ckpt_io.h"
#include "ckpt/ckpt_wire.h"
#include "common/fs.h"
#include "common/parse.h"
#include "vnfha/vnfha.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnfha-ckpt [--socket PATH] [--mode async|sync|durable] [--timeout MS] COMMAND\n"
		"Commands:\n"
		"  put NAME FILE          store FILE as the next version of NAME\n"
		"  get NAME FILE          write the latest version of NAME to FILE (- for stdout)\n"
		"  list                   NAME EPOCH GEN SIZE of each checkpoint\n"
		"  latest [NAME]          EPOCH GEN of the newest complete version (0 0: none)\n"
		"  status                 role, peers, each replica's acked version and lag\n"
		"  role primary|replica   switch the daemon's role\n"
		"  peers set [HOST:PORT]...  replace the replica list\n"
		"  export FILE            write every checkpoint to one archive file\n"
		"  import FILE            put every checkpoint of an archive\n");
}

static int die(const char *what, int rc)
{
	fprintf(stderr, "vnfha-ckpt: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	return 1;
}

static void print_result(const struct vnfha_ckpt_result *r)
{
	static const char *const states[] = { "none", "memory", "durable" };
	struct vnfha_ckpt_version v = vnfha_ckpt_result_version(r);
	const char *peer;
	enum vnfha_ckpt_state state;

	printf("version %" PRIu64 " %" PRIu64 "\n", v.epoch, v.gen);
	for (unsigned int i = 0; vnfha_ckpt_result_replica(r, i, &peer, &state) == 0; i++) {
		printf("replica %s %s\n", peer,
		       (unsigned int)state < sizeof(states) / sizeof(states[0]) ? states[state] : "?");
	}
	if (vnfha_ckpt_result_message(r)[0] != '\0') {
		fprintf(stderr, "vnfha-ckpt: %s\n", vnfha_ckpt_result_message(r));
	}
}

static int put_file(struct vnfha_ckpt_client *c, const char *name, const char *path, int mode,
		    unsigned int timeout_ms)
{
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	struct stat st;
	void *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (res == NULL) {
		if (fd >= 0) {
			close(fd);
		}
		return die(name, -ENOMEM);
	}
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "vnfha-ckpt: cannot read '%s': %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		vnfha_ckpt_result_free(res);
		return 1;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			rc = -errno;
			close(fd);
			vnfha_ckpt_result_free(res);
			return die(path, rc);
		}
	}
	close(fd);
	rc = vnfha_ckpt_put(c, name, p, (size_t)st.st_size, (enum vnfha_ckpt_mode)mode, timeout_ms,
			    res);
	if (p != NULL) {
		munmap(p, (size_t)st.st_size);
	}
	if (rc == 0 || rc == -ETIMEDOUT) {
		print_result(res);
		rc = rc == 0 ? 0 : 3;
	} else {
		rc = die(name, rc);
	}
	vnfha_ckpt_result_free(res);
	return rc;
}

static int write_out(const char *path, const void *buf, size_t len)
{
	if (strcmp(path, "-") == 0) {
		return fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
	}
	return vnfha__write_file_atomic(path, buf, len, 0600, true);
}

static int get_file(struct vnfha_ckpt_client *c, const char *name, const char *path)
{
	void *buf = NULL;
	size_t len = 0;
	int rc = vnfha_ckpt_get(c, name, &buf, &len, NULL);

	if (rc != 0) {
		return die(name, rc);
	}
	rc = write_out(path, buf, len);
	free(buf);
	return rc == 0 ? 0 : die(path, rc);
}

static int simple_req(struct vnfha_ckpt_client *c, uint16_t type, const char *name, uint32_t role)
{
	struct vnfha__ckpt_req r = { .role = role };
	uint8_t buf[256];
	int n;

	if (name != NULL) {
		snprintf(r.name, sizeof(r.name), "%s", name);
	}
	n = vnfha__ckpt_req_encode(&r, buf, sizeof(buf));
	return n < 0 ? n : vnfha__ckpt_io_send(vnfha__ckpt_client_conn(c), type, buf, (uint32_t)n);
}

/* LIST: calls fn for each checkpoint. */
static int list_each(struct vnfha_ckpt_client *c,
		     int (*fn)(void *ctx, const struct vnfha__ckpt_obj *o), void *ctx)
{
	int rc = simple_req(c, VNFHA_CKPT_LIST, NULL, 0);

	while (rc == 0) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_obj o;
		uint8_t buf[4096];
		size_t got = 0;

		rc = vnfha__ckpt_io_recv(vnfha__ckpt_client_conn(c), &h, buf, sizeof(buf), &got);
		if (rc != 0 || h.type == VNFHA_CKPT_INV_END) {
			break;
		}
		if (h.type != VNFHA_CKPT_INFO || vnfha__ckpt_obj_decode(buf, got, &o) != 0) {
			return -EPROTO;
		}
		if (fn != NULL) {
			rc = fn(ctx, &o);
		}
	}
	return rc;
}

static int print_obj(void *ctx, const struct vnfha__ckpt_obj *o)
{
	(void)ctx;
	printf("%s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", o->name, o->epoch, o->gen, o->size);
	return 0;
}

struct names {
	char (*v)[VNFHA_CKPT_NAME_MAX + 1];
	size_t n;
};

static int collect(void *ctx, const struct vnfha__ckpt_obj *o)
{
	struct names *ns = ctx;
	void *p = realloc(ns->v, (ns->n + 1) * sizeof(*ns->v));

	if (p == NULL) {
		return -ENOMEM;
	}
	ns->v = p;
	snprintf(ns->v[ns->n++], VNFHA_CKPT_NAME_MAX + 1, "%s", o->name);
	return 0;
}

/* Archive: per checkpoint an INFO frame (name, version, size), the bytes
 * as BLOCK frames, an END frame; the whole file is one frame stream. */
static int do_export(struct vnfha_ckpt_client *c, const char *path)
{
	struct names ns = { 0 };
	FILE *f = NULL;
	int rc = list_each(c, collect, &ns);

	if (rc != 0) {
		free(ns.v);
		return die("list", rc);
	}
	f = fopen(path, "we");
	if (f == NULL) {
		free(ns.v);
		return die(path, -errno);
	}
	for (size_t i = 0; i < ns.n && rc == 0; i++) {
		struct vnfha__ckpt_obj o = { .block_size = VNFHA_CKPT_BLOCK_SIZE };
		struct vnfha_ckpt_version v;
		struct vnfha__ckpt_hdr h = { .version = VNFHA_CKPT_FRAME_VERSION };
		uint8_t frame[VNFHA_CKPT_HDR_LEN + 256];
		uint8_t *buf = NULL;
		size_t len = 0;
		int n;

		rc = vnfha_ckpt_get(c, ns.v[i], (void **)&buf, &len, &v);
		if (rc == -ENOENT) {
			rc = 0;
			continue;
		}
		if (rc != 0) {
			break;
		}
		snprintf(o.name, sizeof(o.name), "%s", ns.v[i]);
		o.epoch = v.epoch;
		o.gen = v.gen;
		o.size = len;
		n = vnfha__ckpt_obj_encode(&o, frame + VNFHA_CKPT_HDR_LEN, 256);
		h.type = VNFHA_CKPT_INFO;
		h.length = (uint32_t)n;
		vnfha__ckpt_hdr_encode(&h, frame, VNFHA_CKPT_HDR_LEN);
		fwrite(frame, 1, VNFHA_CKPT_HDR_LEN + (size_t)n, f);
		for (size_t off = 0, idx = 0; off < len; off += VNFHA_CKPT_BLOCK_SIZE, idx++) {
			struct vnfha__ckpt_block b = { .index = idx };

			b.length = len - off < VNFHA_CKPT_BLOCK_SIZE ? (uint32_t)(len - off)
								     : VNFHA_CKPT_BLOCK_SIZE;
			h.type = VNFHA_CKPT_BLOCK;
			h.length = VNFHA_CKPT_BLOCK_HDR_LEN + b.length;
			vnfha__ckpt_hdr_encode(&h, frame, VNFHA_CKPT_HDR_LEN);
			vnfha__ckpt_block_encode(&b, frame + VNFHA_CKPT_HDR_LEN, VNFHA_CKPT_BLOCK_HDR_LEN);
			fwrite(frame, 1, VNFHA_CKPT_HDR_LEN + VNFHA_CKPT_BLOCK_HDR_LEN, f);
			fwrite(buf + off, 1, b.length, f);
		}
		h.type = VNFHA_CKPT_END;
		h.length = 0;
		vnfha__ckpt_hdr_encode(&h, frame, VNFHA_CKPT_HDR_LEN);
		fwrite(frame, 1, VNFHA_CKPT_HDR_LEN, f);
		printf("exported %s %" PRIu64 " %" PRIu64 " %zu\n", ns.v[i], v.epoch, v.gen, len);
		free(buf);
	}
	free(ns.v);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = rc != 0 ? rc : -errno;
	}
	fclose(f);
	return rc == 0 ? 0 : die("export", rc);
}

static int read_frame(FILE *f, struct vnfha__ckpt_hdr *h, uint8_t *buf, size_t cap)
{
	uint8_t raw[VNFHA_CKPT_HDR_LEN];

	if (fread(raw, 1, sizeof(raw), f) != sizeof(raw)) {
		return feof(f) ? -ENODATA : -EIO;
	}
	if (vnfha__ckpt_hdr_decode(raw, sizeof(raw), h) != 0 || h->length > cap ||
	    fread(buf, 1, h->length, f) != h->length) {
		return -EBADMSG;
	}
	return 0;
}

static int do_import(struct vnfha_ckpt_client *c, const char *path, int mode,
		     unsigned int timeout_ms)
{
	uint8_t *frame = malloc(VNFHA_CKPT_BLOCK_HDR_LEN + VNFHA_CKPT_MAX_BLOCK_SIZE);
	struct vnfha_ckpt_result *res = vnfha_ckpt_result_new();
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (f == NULL || frame == NULL || res == NULL) {
		rc = f == NULL ? -errno : -ENOMEM;
		free(frame);
		vnfha_ckpt_result_free(res);
		if (f != NULL) {
			fclose(f);
		}
		return die(path, rc);
	}
	for (;;) {
		struct vnfha__ckpt_hdr h;
		struct vnfha__ckpt_obj o;
		uint8_t *data = NULL;

		rc = read_frame(f, &h, frame, VNFHA_CKPT_BLOCK_HDR_LEN + VNFHA_CKPT_MAX_BLOCK_SIZE);
		if (rc == -ENODATA) {
			rc = 0;
			break;
		}
		if (rc != 0 || h.type != VNFHA_CKPT_INFO ||
		    vnfha__ckpt_obj_decode(frame, h.length, &o) != 0 || o.size > SIZE_MAX / 2) {
			rc = rc != 0 ? rc : -EBADMSG;
			break;
		}
		data = o.size > 0 ? malloc(o.size) : NULL;
		if (o.size > 0 && data == NULL) {
			rc = -ENOMEM;
			break;
		}
		for (;;) {
			struct vnfha__ckpt_block b;

			rc = read_frame(f, &h, frame,
					VNFHA_CKPT_BLOCK_HDR_LEN + VNFHA_CKPT_MAX_BLOCK_SIZE);
			if (rc != 0 || h.type == VNFHA_CKPT_END) {
				break;
			}
			if (h.type != VNFHA_CKPT_BLOCK ||
			    vnfha__ckpt_block_decode(frame, h.length, h.length, &b) != 0 ||
			    b.index * o.block_size + b.length > o.size) {
				rc = -EBADMSG;
				break;
			}
			memcpy(data + b.index * o.block_size, frame + VNFHA_CKPT_BLOCK_HDR_LEN,
			       b.length);
		}
		if (rc == 0) {
			rc = vnfha_ckpt_put(c, o.name, data, o.size, (enum vnfha_ckpt_mode)mode,
					    timeout_ms, res);
			if (rc == -ETIMEDOUT) {
				rc = 0;
			}
			if (rc == 0) {
				struct vnfha_ckpt_version v = vnfha_ckpt_result_version(res);

				printf("imported %s as %" PRIu64 " %" PRIu64 "\n", o.name, v.epoch,
				       v.gen);
			}
		}
		free(data);
		if (rc != 0) {
			break;
		}
	}
	free(frame);
	vnfha_ckpt_result_free(res);
	fclose(f);
	return rc == 0 ? 0 : die("import", rc);
}

static int do_status(struct vnfha_ckpt_client *c)
{
	char *text = NULL;
	int rc = vnfha__ckpt_admin_status(c, &text);

	if (rc != 0) {
		return die("status", rc);
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

static int do_peers(struct vnfha_ckpt_client *c, int argc, char **argv)
{
	char why[256] = "";
	int rc;

	if (argc > VNFHA_CKPT_MAX_PEERS) {
		fprintf(stderr, "vnfha-ckpt: peers set: more than %d replicas; list at most %d\n",
			VNFHA_CKPT_MAX_PEERS, VNFHA_CKPT_MAX_PEERS);
		return 2;
	}
	rc = vnfha__ckpt_admin_set_peers(c, argv, (size_t)argc, why, sizeof(why));
	if (rc != 0 && why[0] != '\0') {
		fprintf(stderr, "vnfha-ckpt: peers set: %s\n", why);
		return 1;
	}
	return rc == 0 ? 0 : die("peers set", rc);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vnfha_ckpt_client *c = NULL;
	const char *sock = NULL;
	const char *cmd;
	int mode = VNFHA_CKPT_SYNC;
	unsigned int timeout_ms = 5000;
	int ch;
	int rc;

	while ((ch = getopt_long(argc, argv, "+s:m:t:h", longopts, NULL)) != -1) {
		long v = 0;

		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "async") == 0) {
				mode = VNFHA_CKPT_ASYNC;
			} else if (strcmp(optarg, "sync") == 0) {
				mode = VNFHA_CKPT_SYNC;
			} else if (strcmp(optarg, "durable") == 0) {
				mode = VNFHA_CKPT_DURABLE;
			} else {
				fprintf(stderr, "vnfha-ckpt: --mode '%s': want async, sync or durable\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			if (vnfha__parse_long(optarg, 1, 86400000, &v) != 0) {
				fprintf(stderr, "vnfha-ckpt: --timeout '%s': want 1..86400000 ms\n",
					optarg);
				return 2;
			}
			timeout_ms = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	rc = vnfha_ckpt_connect(sock, &c);
	if (rc != 0) {
		return die("cannot reach vnfha-ckptd", rc);
	}
	if (strcmp(cmd, "put") == 0 && argc == 2) {
		rc = put_file(c, argv[0], argv[1], mode, timeout_ms);
	} else if (strcmp(cmd, "get") == 0 && argc == 2) {
		rc = get_file(c, argv[0], argv[1]);
	} else if (strcmp(cmd, "list") == 0 && argc == 0) {
		rc = list_each(c, print_obj, NULL);
		rc = rc == 0 ? 0 : die("list", rc);
	} else if (strcmp(cmd, "latest") == 0 && argc <= 1) {
		struct vnfha_ckpt_version v = { 0 };

		rc = vnfha_ckpt_latest(c, argc == 1 ? argv[0] : NULL, &v);
		if (rc == 0 || rc == -ENOENT) {
			printf("%" PRIu64 " %" PRIu64 "\n", v.epoch, v.gen);
			rc = 0;
		} else {
			rc = die("latest", rc);
		}
	} else if (strcmp(cmd, "status") == 0 && argc == 0) {
		rc = do_status(c);
	} else if (strcmp(cmd, "role") == 0 && argc == 1 &&
		   (strcmp(argv[0], "primary") == 0 || strcmp(argv[0], "replica") == 0)) {
		rc = vnfha__ckpt_admin_set_role(c, strcmp(argv[0], "primary") == 0
							   ? VNFHA_CKPT_ROLE_PRIMARY
							   : VNFHA_CKPT_ROLE_REPLICA);
		rc = rc == 0 ? 0 : die("role", rc);
	} else if (strcmp(cmd, "peers") == 0 && argc >= 1 && strcmp(argv[0], "set") == 0) {
		rc = do_peers(c, argc - 1, argv + 1);
	} else if (strcmp(cmd, "export") == 0 && argc == 1) {
		rc = do_export(c, argv[0]);
	} else if (strcmp(cmd, "import") == 0 && argc == 1) {
		rc = do_import(c, argv[0], mode, timeout_ms);
	} else {
		usage(stderr);
		rc = 2;
	}
	vnfha_ckpt_disconnect(c);
	return rc;
}
