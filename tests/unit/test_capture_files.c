/*
 * test_capture_files.c - capture/'s saved-file sources: cap_open_files,
 * cap_run, merging several files in time order, BPF filters, damaged
 * files, cap_break.
 *
 * The pcap files are hand-built here (libpcap's classic format: 24-byte
 * file header, 16-byte record headers) into temporary files, holding the
 * hand-built packets of test_capture_util.h.
 */
#include <unistd.h>

#include "test_capture_util.h"

static struct rec R;

#define SEC 1000000ull
#define LT_ETHERNET 1
#define LT_RAW 101

struct pfile {
	char path[256];
	FILE *f;
};

static void pf_open(struct pfile *pf, uint32_t linktype)
{
	const char *dir = getenv("TMPDIR");
	snprintf(pf->path, sizeof(pf->path), "%s/test_capture_XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(pf->path);
	assert_true(fd >= 0);
	pf->f = fdopen(fd, "wb");
	assert_non_null(pf->f);
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, linktype };
	assert_int_equal(fwrite(hdr, 1, 24, pf->f), 24);  /* host order: libpcap swaps */
}

/* one record; returns its size in the file */
static size_t pf_write(struct pfile *pf, const struct pkt *p, uint64_t ts_us)
{
	uint32_t rh[4] = { (uint32_t)(ts_us / SEC), (uint32_t)(ts_us % SEC),
			   (uint32_t)p->len, (uint32_t)p->len };
	assert_int_equal(fwrite(rh, 1, 16, pf->f), 16);
	assert_int_equal(fwrite(p->b, 1, p->len, pf->f), p->len);
	return 16 + p->len;
}

static void pf_close(struct pfile *pf)
{
	assert_int_equal(fclose(pf->f), 0);
}

static struct pkt eth_seg(int from_server, uint32_t seq, uint8_t flags, const char *s)
{
	struct pkt ip = seg4(from_server, seq, flags, s, strlen(s));
	return eth_wrap(0x0800, &ip);
}

static struct capture *open1(const char *path, const struct cap_config *cfg,
			     char *err, size_t errlen)
{
	struct cap_callbacks cb = { .user = &R, .flow_open = rec_open, .flow_data = rec_data, .flow_gap = rec_gap, .flow_close = rec_close };
	memset(&R, 0, sizeof(R));
	const char *paths[1] = { path };
	return cap_open_files(paths, 1, cfg, &cb, err, errlen);
}

static void test_read_file(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	struct pkt p = eth_seg(0, 100, F_SYN, "");
	pf_write(&pf, &p, 10 * SEC);
	p = eth_seg(0, 101, F_ACK, "hello ");
	pf_write(&pf, &p, 10 * SEC + 5);
	p = eth_seg(0, 107, F_ACK, "world");
	pf_write(&pf, &p, 10 * SEC + 9);
	pf_close(&pf);

	char err[256] = "";
	struct capture *c = open1(pf.path, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(cap_run(c, err, sizeof(err)), 0);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_string_equal(R.f[0].trace[0], "hello world");
	assert_int_equal(R.f[0].fi.first_ts_us, 10 * SEC);
	assert_int_equal(cap_get_stats(c)->packets, 3);
	cap_close(c);
	unlink(pf.path);
}

/* "-" reads standard input, as tcpdump -r - does */
static void test_read_stdin(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	struct pkt p = eth_seg(0, 101, F_ACK, "from stdin");
	pf_write(&pf, &p, SEC);
	pf_close(&pf);
	assert_non_null(freopen(pf.path, "rb", stdin));
	char err[256] = "";
	struct capture *c = open1("-", NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(cap_run(c, err, sizeof(err)), 0);
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "from stdin");
	cap_close(c);
	unlink(pf.path);
}

static void test_truncated_file_reports_offset(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	size_t off = 24;
	struct pkt p = eth_seg(0, 100, F_SYN, "");
	off += pf_write(&pf, &p, SEC);
	p = eth_seg(0, 101, F_ACK, "before the damage");
	off += pf_write(&pf, &p, SEC + 1);
	/* a record header promising more bytes than the file holds */
	p = eth_seg(0, 118, F_ACK, "lost");
	uint32_t rh[4] = { 1, 2, (uint32_t)p.len, (uint32_t)p.len };
	fwrite(rh, 1, 16, pf.f);
	fwrite(p.b, 1, 10, pf.f);
	pf_close(&pf);

	char err[512] = "";
	struct capture *c = open1(pf.path, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(cap_run(c, err, sizeof(err)), -1);
	char want[300];
	snprintf(want, sizeof(want), "%s: truncated at byte offset %zu", pf.path, off);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got '%s', want '%s...'", err, want);
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "before the damage");
	cap_close(c);
	unlink(pf.path);
}

static void test_truncated_record_header(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	struct pkt p = eth_seg(0, 101, F_ACK, "x");
	size_t off = 24 + pf_write(&pf, &p, SEC);
	fwrite("\1\2\3\4\5", 1, 5, pf.f);            /* 5 bytes of a 16-byte header */
	pf_close(&pf);
	char err[512] = "", want[300];
	struct capture *c = open1(pf.path, NULL, err, sizeof(err));
	assert_int_equal(cap_run(c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "truncated at byte offset %zu", off);
	assert_non_null(strstr(err, want));
	assert_int_equal(cap_get_stats(c)->packets, 1);
	cap_close(c);
	unlink(pf.path);
}

static uint64_t last_ts;
static int out_of_time_order;

static void ts_data(void *user, void *fu, enum cap_dir dir, const uint8_t *d,
		    size_t n, uint64_t ts)
{
	if (ts < last_ts)
		out_of_time_order++;
	last_ts = ts;
	rec_data(user, fu, dir, d, n, ts);
}

/* client packets in an Ethernet file, server packets in a raw-IP file */
static void test_merge_two_files_by_time(void **state)
{
	(void)state;
	struct pfile a, b;
	pf_open(&a, LT_ETHERNET);
	pf_open(&b, LT_RAW);
	struct pkt p = eth_seg(0, 100, F_SYN, "");
	pf_write(&a, &p, 1 * SEC);
	p = seg4(1, 500, F_SYN | F_ACK, NULL, 0);
	pf_write(&b, &p, 2 * SEC);
	p = eth_seg(0, 101, F_ACK, "req1;");
	pf_write(&a, &p, 3 * SEC);
	p = seg4(1, 501, F_ACK, "resp1;", 6);
	pf_write(&b, &p, 4 * SEC);
	p = eth_seg(0, 106, F_ACK, "req2;");
	pf_write(&a, &p, 5 * SEC);
	p = seg4(1, 507, F_ACK, "resp2;", 6);
	pf_write(&b, &p, 6 * SEC);
	pf_close(&a);
	pf_close(&b);

	struct cap_callbacks cb = { .user = &R, .flow_open = rec_open, .flow_data = ts_data, .flow_gap = rec_gap, .flow_close = rec_close };
	memset(&R, 0, sizeof(R));
	last_ts = 0;
	out_of_time_order = 0;
	char err[256];
	/* the later file first: order on the command line must not matter */
	const char *paths[2] = { b.path, a.path };
	struct capture *c = cap_open_files(paths, 2, NULL, &cb, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(cap_run(c, err, sizeof(err)), 0);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_true(R.f[0].fi.syn_seen);
	assert_int_equal(R.f[0].fi.a_port, CPORT);
	assert_string_equal(R.f[0].trace[0], "req1;req2;");
	assert_string_equal(R.f[0].trace[1], "resp1;resp2;");
	assert_int_equal(out_of_time_order, 0);
	assert_int_equal(cap_get_stats(c)->packets, 6);
	cap_close(c);
	unlink(a.path);
	unlink(b.path);
}

static void test_bpf_filter(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	struct pkt p = eth_seg(0, 101, F_ACK, "port 80");
	pf_write(&pf, &p, SEC);
	struct pkt t = tcp_hdr(40001, 8080, 1, F_ACK, "port 8080", 9);
	struct pkt ip = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
	p = eth_wrap(0x0800, &ip);
	pf_write(&pf, &p, SEC + 1);
	pf_close(&pf);

	char err[256] = "";
	struct cap_config cfg = { .bpf = "tcp port 8080" };
	struct capture *c = open1(pf.path, &cfg, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(cap_run(c, err, sizeof(err)), 0);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_string_equal(R.f[0].trace[0], "port 8080");
	assert_int_equal(cap_get_stats(c)->packets, 1);
	cap_close(c);

	cfg.bpf = "tcp port (((";
	err[0] = 0;
	c = open1(pf.path, &cfg, err, sizeof(err));
	assert_null(c);
	assert_non_null(strstr(err, "bad filter"));
	assert_non_null(strstr(err, "tcp port ((("));
	unlink(pf.path);
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[256] = "";
	struct capture *c = open1("no/such/file.pcap", NULL, err, sizeof(err));
	assert_null(c);
	assert_non_null(strstr(err, "no/such/file.pcap"));
}

static struct capture *break_cap;
static void *break_open(void *u, const struct flow_info *fi)
{
	(void)u; (void)fi;
	cap_break(break_cap);           /* as a signal handler would */
	return NULL;
}

static void test_cap_break_stops_the_run(void **state)
{
	(void)state;
	struct pfile pf;
	pf_open(&pf, LT_ETHERNET);
	for (int i = 0; i < 50; i++) {
		struct pkt t = tcp_hdr((uint16_t)(41000 + i), 80, 1, F_ACK, "x", 1);
		struct pkt ip = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
		struct pkt p = eth_wrap(0x0800, &ip);
		pf_write(&pf, &p, SEC + (uint64_t)i);
	}
	pf_close(&pf);
	struct cap_callbacks cb = { .flow_open = break_open };
	char err[256];
	const char *paths[1] = { pf.path };
	break_cap = cap_open_files(paths, 1, NULL, &cb, err, sizeof(err));
	assert_non_null(break_cap);
	assert_int_equal(cap_run(break_cap, err, sizeof(err)), 0);
	assert_true(cap_get_stats(break_cap)->packets < 50);
	cap_close(break_cap);
	unlink(pf.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_stdin),
		cmocka_unit_test(test_truncated_file_reports_offset),
		cmocka_unit_test(test_truncated_record_header),
		cmocka_unit_test(test_merge_two_files_by_time),
		cmocka_unit_test(test_bpf_filter),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_cap_break_stops_the_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
