/*
 * capdump - test driver for capture/: runs cap_open_files/cap_run on the
 * files given and prints one line per TCP flow (endpoints, bytes and gap
 * bytes per direction, close reason) and the counters, for the scripts in
 * tests/capture/ to compare with tshark.  Not part of the program.
 *   capdump [-f BPF] [-x] FILE...     -x: hex dump each direction's bytes
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/capture.h"

struct fl {
	struct flow_info fi;
	uint64_t bytes[2], gap_bytes[2], chunks[2];
	uint64_t fnv[2];               /* FNV-1a of each direction's bytes */
};

static void *on_open(void *user, const struct flow_info *fi)
{
	(void)user;
	struct fl *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->fi = *fi;
	f->fnv[0] = f->fnv[1] = 14695981039346656037ull;
	return f;
}

static void on_data(void *user, void *fu, enum cap_dir dir, const uint8_t *d,
		    size_t len, uint64_t ts)
{
	(void)user; (void)ts;
	struct fl *f = fu;
	f->bytes[dir] += len;
	f->chunks[dir]++;
	for (size_t i = 0; i < len; i++)
		f->fnv[dir] = (f->fnv[dir] ^ d[i]) * 1099511628211ull;
}

static void on_gap(void *user, void *fu, enum cap_dir dir, uint64_t n, uint64_t ts)
{
	(void)user; (void)ts;
	struct fl *f = fu;
	f->gap_bytes[dir] += n;
}

static const char *why_name(enum cap_close_reason w)
{
	switch (w) {
	case CLOSE_FIN: return "fin";
	case CLOSE_RST: return "rst";
	case CLOSE_TIMEOUT: return "timeout";
	case CLOSE_EVICTED: return "evicted";
	default: return "eof";
	}
}

static void ep(char *buf, size_t n, int fam, const uint8_t *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(fam, ip, a, sizeof(a));
	snprintf(buf, n, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void on_close(void *user, void *fu, enum cap_close_reason why, uint64_t ts)
{
	(void)user; (void)ts;
	struct fl *f = fu;
	char a[80], b[80];
	ep(a, sizeof(a), f->fi.family, f->fi.a_ip, f->fi.a_port);
	ep(b, sizeof(b), f->fi.family, f->fi.b_ip, f->fi.b_port);
	printf("flow %llu %s %s syn=%d ab=%llu ba=%llu gap_ab=%llu gap_ba=%llu "
	       "fnv_ab=%016llx fnv_ba=%016llx close=%s\n",
	       (unsigned long long)f->fi.flow_id, a, b, f->fi.syn_seen,
	       (unsigned long long)f->bytes[0], (unsigned long long)f->bytes[1],
	       (unsigned long long)f->gap_bytes[0], (unsigned long long)f->gap_bytes[1],
	       (unsigned long long)f->fnv[0], (unsigned long long)f->fnv[1],
	       why_name(why));
	free(f);
}

int main(int argc, char **argv)
{
	struct cap_config cfg = { 0 };
	int opt;
	while ((opt = getopt(argc, argv, "f:")) != -1) {
		if (opt == 'f')
			cfg.bpf = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: capdump [-f BPF] FILE...\n");
		return 2;
	}
	struct cap_callbacks cb = { .flow_open = on_open, .flow_data = on_data, .flow_gap = on_gap, .flow_close = on_close };
	char err[512];
	struct capture *c = cap_open_files((const char *const *)argv + optind,
					   argc - optind, &cfg, &cb, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "capdump: %s\n", err);
		return 2;
	}
	int rc = cap_run(c, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "capdump: %s\n", err);
	cap_flush(c);
	const struct cap_stats *s = cap_get_stats(c);
	printf("stats packets=%llu bytes=%llu not_ip=%llu not_tcp=%llu truncated=%llu "
	       "bad_link=%llu tunnels=%llu ip_fragments=%llu ip_reassembled=%llu "
	       "ip_frag_dropped=%llu flows=%llu timed_out=%llu evicted=%llu "
	       "retransmit=%llu overlap_conflict=%llu ooo_held=%llu ooo_dropped=%llu "
	       "gaps=%llu gap_bytes=%llu\n",
	       (unsigned long long)s->packets, (unsigned long long)s->bytes,
	       (unsigned long long)s->not_ip, (unsigned long long)s->not_tcp,
	       (unsigned long long)s->truncated, (unsigned long long)s->bad_link,
	       (unsigned long long)s->tunnels, (unsigned long long)s->ip_fragments,
	       (unsigned long long)s->ip_reassembled, (unsigned long long)s->ip_frag_dropped,
	       (unsigned long long)s->flows, (unsigned long long)s->flows_timed_out,
	       (unsigned long long)s->flows_evicted, (unsigned long long)s->tcp_retransmit,
	       (unsigned long long)s->tcp_overlap_conflict, (unsigned long long)s->tcp_ooo_held,
	       (unsigned long long)s->tcp_ooo_dropped, (unsigned long long)s->tcp_gaps,
	       (unsigned long long)s->tcp_gap_bytes);
	cap_close(c);
	return rc < 0 ? 1 : 0;
}
