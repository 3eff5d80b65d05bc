/*
 * test_capture.c - TCP reassembly and the flow table of capture/.
 *
 * Hand-built IPv4/TCP packets (test_capture_util.h) go through cap_new +
 * cap_feed, the same per-packet path cap_run uses; recording callbacks
 * keep each direction's bytes with gaps marked as "<GAP n>".
 */
#include "test_capture_util.h"

static struct rec R;

#define ISN_C 1000u
#define ISN_S 5000u
#define SEC 1000000ull

static const char REQ[] = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n"
			  "Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAFASgKAAAADw==\r\n\r\n";
#define REQ_LEN (sizeof(REQ) - 1)

static void feed4(struct capture *c, int from_server, uint32_t seq, uint8_t flags,
		  const void *data, size_t len, uint64_t ts)
{
	struct pkt p = seg4(from_server, seq, flags, data, len);
	feed_raw(c, &p, ts);
}

static void handshake(struct capture *c, uint64_t ts)
{
	feed4(c, 0, ISN_C, F_SYN, NULL, 0, ts);
	feed4(c, 1, ISN_S, F_SYN | F_ACK, NULL, 0, ts + 1);
	feed4(c, 0, ISN_C + 1, F_ACK, NULL, 0, ts + 2);
}

static void test_in_order(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, 1 * SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "GET / HTTP/1.1\r\n", 16, 2 * SEC);
	feed4(c, 0, ISN_C + 17, F_ACK, "\r\n", 2, 2 * SEC + 1);
	feed4(c, 1, ISN_S + 1, F_ACK, "HTTP/1.1 200 OK\r\n\r\n", 19, 2 * SEC + 2);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	struct rec_flow *f = &R.f[0];
	assert_int_equal(f->fi.flow_id, 1);
	assert_true(f->fi.syn_seen);
	assert_int_equal(f->fi.a_port, CPORT);
	assert_int_equal(f->fi.b_port, SPORT);
	assert_memory_equal(f->fi.a_ip, CLI4, 4);
	assert_int_equal(f->fi.first_ts_us, 1 * SEC);
	assert_string_equal(f->trace[0], "GET / HTTP/1.1\r\n\r\n");
	assert_string_equal(f->trace[1], "HTTP/1.1 200 OK\r\n\r\n");
	assert_int_equal(f->why, CLOSE_EOF);
	rec_check_closed(&R);
	const struct cap_stats *st = cap_get_stats(c);
	assert_int_equal(st->packets, 6);
	assert_int_equal(st->flows, 1);
	assert_int_equal(st->tcp_gaps, 0);
	assert_int_equal(st->tcp_retransmit, 0);
	cap_close(c);
}

/* Heap's algorithm over n segment indexes: each order fed to a fresh flow */
static int perms_tried;

static void run_order(const int *order, int n, const uint32_t *off, const uint32_t *len,
		      const char *msg, size_t msglen)
{
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	for (int i = 0; i < n; i++)
		feed4(c, 0, ISN_C + 1 + off[order[i]], F_ACK, msg + off[order[i]],
		      len[order[i]], 2 * SEC + (uint64_t)i);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_int_equal(R.f[0].tlen[0], msglen);
	assert_memory_equal(R.f[0].trace[0], msg, msglen);
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 0);
	rec_check_closed(&R);
	cap_close(c);
	perms_tried++;
}

static void permute(int *a, int k, int n, const uint32_t *off, const uint32_t *len,
		    const char *msg, size_t msglen)
{
	if (k == 1) {
		run_order(a, n, off, len, msg, msglen);
		return;
	}
	for (int i = 0; i < k; i++) {
		permute(a, k - 1, n, off, len, msg, msglen);
		int j = (k % 2) ? 0 : i;
		int t = a[j];
		a[j] = a[k - 1];
		a[k - 1] = t;
	}
}

static void test_every_permutation_of_five(void **state)
{
	(void)state;
	/* uneven pieces, two of them overlapping their neighbours */
	static const uint32_t off[5] = { 0, 10, 25, 30, 60 };
	static const uint32_t len[5] = { 10, 17, 5, 30, (uint32_t)REQ_LEN - 60 };
	int a[5] = { 0, 1, 2, 3, 4 };
	perms_tried = 0;
	permute(a, 5, 5, off, len, REQ, REQ_LEN);
	assert_int_equal(perms_tried, 120);
}

static void test_split_at_every_offset(void **state)
{
	(void)state;
	for (size_t cut = 1; cut < REQ_LEN; cut++) {
		for (int rev = 0; rev < 2; rev++) {
			struct capture *c = rec_cap(&R, NULL);
			handshake(c, SEC);
			uint32_t s1 = ISN_C + 1, s2 = ISN_C + 1 + (uint32_t)cut;
			if (!rev) {
				feed4(c, 0, s1, F_ACK, REQ, cut, 2 * SEC);
				feed4(c, 0, s2, F_ACK, REQ + cut, REQ_LEN - cut, 2 * SEC + 1);
			} else {
				feed4(c, 0, s2, F_ACK, REQ + cut, REQ_LEN - cut, 2 * SEC);
				feed4(c, 0, s1, F_ACK, REQ, cut, 2 * SEC + 1);
			}
			cap_flush(c);
			assert_int_equal(R.f[0].tlen[0], REQ_LEN);
			assert_memory_equal(R.f[0].trace[0], REQ, REQ_LEN);
			assert_int_equal(cap_get_stats(c)->tcp_ooo_held, rev ? 1 : 0);
			cap_close(c);
		}
	}
}

static void test_retransmission_dropped(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "abcdef", 6, 2 * SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "abcdef", 6, 3 * SEC);   /* whole copy */
	feed4(c, 0, ISN_C + 4, F_ACK, "defghi", 6, 4 * SEC);   /* partly old */
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "abcdefghi");
	assert_int_equal(cap_get_stats(c)->tcp_retransmit, 2);
	assert_int_equal(cap_get_stats(c)->tcp_overlap_conflict, 0);
	cap_close(c);
}

static void test_partial_overlap_out_of_order(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 11, F_ACK, "klmnopqrst", 10, 2 * SEC);  /* held */
	feed4(c, 0, ISN_C + 6, F_ACK, "fghijklmno", 10, 2 * SEC + 1);/* held, overlaps */
	feed4(c, 0, ISN_C + 1, F_ACK, "abcdefgh", 8, 2 * SEC + 2);  /* fills the hole */
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "abcdefghijklmnopqrst");
	assert_int_equal(cap_get_stats(c)->tcp_overlap_conflict, 0);
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 0);
	cap_close(c);
}

static void test_conflicting_overlap_first_copy_wins(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	/* held first: bytes 10..19 = "KLMNOPQRST" */
	feed4(c, 0, ISN_C + 11, F_ACK, "KLMNOPQRST", 10, 2 * SEC);
	/* a later copy of 5..14 says "fghijXXXXX": the held bytes must win */
	feed4(c, 0, ISN_C + 6, F_ACK, "fghijXXXXX", 10, 2 * SEC + 1);
	assert_int_equal(cap_get_stats(c)->tcp_overlap_conflict, 1);
	/* the in-order segment overlaps the held ones with different bytes too */
	feed4(c, 0, ISN_C + 1, F_ACK, "abcdeYYYYY", 10, 2 * SEC + 2);
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "abcdefghijKLMNOPQRST");
	assert_int_equal(cap_get_stats(c)->tcp_overlap_conflict, 2);
	cap_close(c);
}

static void test_gap_at_flow_end(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "0123456789", 10, 2 * SEC);
	feed4(c, 0, ISN_C + 31, F_ACK, "tail", 4, 2 * SEC + 1);   /* 20 missing */
	assert_int_equal(R.f[0].tlen[0], 10);                      /* held */
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "0123456789<GAP 20>tail");
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 1);
	assert_int_equal(cap_get_stats(c)->tcp_gap_bytes, 20);
	rec_check_closed(&R);
	cap_close(c);
}

static void test_gap_when_ooo_cap_reached(void **state)
{
	(void)state;
	struct cap_config cfg = { .flow_ooo_cap_bytes = 100 };
	struct capture *c = rec_cap(&R, &cfg);
	char blk[50];
	handshake(c, SEC);
	/* bytes 0..9 never come; 40-byte blocks pile up behind the hole */
	for (int i = 0; i < 3; i++) {
		memset(blk, 'a' + i, sizeof(blk));
		feed4(c, 0, ISN_C + 11 + 40 * (uint32_t)i, F_ACK, blk, 40, 2 * SEC + (uint64_t)i);
	}
	/* the third block went over the 100-byte cap: the hole was given up */
	assert_int_equal(cap_get_stats(c)->tcp_ooo_dropped, 1);
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 1);
	assert_int_equal(R.f[0].gap_bytes[0], 10);
	assert_int_equal(R.f[0].bytes[0], 120);
	assert_memory_equal(R.f[0].trace[0], "<GAP 10>aaaa", 12);
	/* the missing bytes arriving now are old news */
	feed4(c, 0, ISN_C + 1, F_ACK, "0123456789", 10, 3 * SEC);
	assert_int_equal(R.f[0].bytes[0], 120);
	/* one segment alone larger than the cap, beyond a hole */
	char big[150];
	memset(big, 'z', sizeof(big));
	feed4(c, 0, ISN_C + 131 + 5, F_ACK, big, sizeof(big), 4 * SEC);
	assert_int_equal(R.f[0].gap_bytes[0], 15);
	assert_int_equal(R.f[0].bytes[0], 270);
	cap_flush(c);
	cap_close(c);
}

static void test_syn_less_pickup(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	/* the server's bytes are seen first: A is still the high port */
	feed4(c, 1, 777777, F_ACK | F_PSH, "HTTP/1.1 200 OK\r\n", 17, SEC);
	feed4(c, 0, 123456, F_ACK | F_PSH, "GET / HTTP/1.1\r\n", 16, SEC + 1);
	feed4(c, 1, 777777 + 17, F_ACK, "\r\n", 2, SEC + 2);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_false(R.f[0].fi.syn_seen);
	assert_int_equal(R.f[0].fi.a_port, CPORT);
	assert_memory_equal(R.f[0].fi.a_ip, CLI4, 4);
	assert_string_equal(R.f[0].trace[0], "GET / HTTP/1.1\r\n");
	assert_string_equal(R.f[0].trace[1], "HTTP/1.1 200 OK\r\n\r\n");
	rec_check_closed(&R);
	cap_close(c);
}

static void test_synack_first_sets_initiator(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	/* SYN lost; the SYN-ACK comes from the server, so the receiver is A.
	   Ports chosen so the high-port guess would be wrong. */
	struct pkt t = tcp_hdr(50000, 1024, ISN_S, F_SYN | F_ACK, NULL, 0);
	struct pkt p = ipv4_wrap(SRV4, CLI4, 6, 1, 0, &t);
	feed_raw(c, &p, SEC);
	t = tcp_hdr(1024, 50000, ISN_C + 1, F_ACK, "hi", 2);
	p = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
	feed_raw(c, &p, SEC + 1);
	cap_flush(c);
	assert_true(R.f[0].fi.syn_seen);
	assert_int_equal(R.f[0].fi.a_port, 1024);
	assert_memory_equal(R.f[0].fi.a_ip, CLI4, 4);
	assert_string_equal(R.f[0].trace[0], "hi");
	cap_close(c);
}

static void test_fin_close_once(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "req", 3, 2 * SEC);
	feed4(c, 1, ISN_S + 1, F_ACK | F_FIN, "resp", 4, 2 * SEC + 1);
	assert_int_equal(R.f[0].closes, 0);           /* one side still open */
	feed4(c, 0, ISN_C + 4, F_ACK | F_FIN, NULL, 0, 2 * SEC + 2);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_FIN);
	/* the last ACK, a retransmitted FIN and a late RST open nothing */
	feed4(c, 1, ISN_S + 6, F_ACK, NULL, 0, 2 * SEC + 3);
	feed4(c, 1, ISN_S + 1, F_ACK | F_FIN, "resp", 4, 2 * SEC + 4);
	feed4(c, 0, ISN_C + 5, F_RST, NULL, 0, 2 * SEC + 5);
	cap_flush(c);
	assert_int_equal(R.n, 1);
	assert_string_equal(R.f[0].trace[0], "req");
	assert_string_equal(R.f[0].trace[1], "resp");
	rec_check_closed(&R);
	assert_int_equal(cap_get_stats(c)->flows, 1);
	cap_close(c);
}

static void test_fin_after_hole(void **state)
{
	(void)state;
	/* the FIN overtook a segment: the late segment still counts */
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 1, ISN_S + 1, F_ACK, "12345", 5, 2 * SEC);
	feed4(c, 1, ISN_S + 11, F_ACK | F_FIN, "end", 3, 2 * SEC + 1);
	assert_string_equal(R.f[0].trace[1], "12345");
	feed4(c, 1, ISN_S + 6, F_ACK, "abcde", 5, 2 * SEC + 2);
	assert_string_equal(R.f[0].trace[1], "12345abcdeend");
	feed4(c, 0, ISN_C + 1, F_ACK | F_FIN, NULL, 0, 2 * SEC + 3);
	assert_int_equal(R.f[0].why, CLOSE_FIN);
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 0);
	cap_close(c);

	/* both sides done and the hole still open: it is a gap, up to the FIN */
	c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 1, ISN_S + 1, F_ACK, "12345", 5, 2 * SEC);
	feed4(c, 1, ISN_S + 11, F_ACK | F_FIN, "end", 3, 2 * SEC + 1);
	feed4(c, 0, ISN_C + 1, F_ACK, "req", 3, 2 * SEC + 2);
	feed4(c, 0, ISN_C + 6, F_ACK | F_FIN, NULL, 0, 2 * SEC + 3);  /* 2 lost */
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_FIN);
	assert_string_equal(R.f[0].trace[1], "12345<GAP 5>end");
	assert_string_equal(R.f[0].trace[0], "req<GAP 2>");
	rec_check_closed(&R);
	cap_close(c);
}

static void test_rst_close(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "abc", 3, 2 * SEC);
	feed4(c, 0, ISN_C + 9, F_ACK, "held", 4, 2 * SEC + 1);
	feed4(c, 1, ISN_S + 1, F_RST | F_ACK, NULL, 0, 2 * SEC + 2);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_RST);
	assert_string_equal(R.f[0].trace[0], "abc<GAP 5>held");
	feed4(c, 1, ISN_S + 1, F_RST | F_ACK, NULL, 0, 2 * SEC + 3);
	cap_flush(c);
	rec_check_closed(&R);
	assert_int_equal(R.n, 1);
	cap_close(c);
}

static void test_syn_on_closed_tuple_is_new_flow(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "one", 3, 2 * SEC);
	feed4(c, 1, ISN_S + 1, F_RST, NULL, 0, 2 * SEC + 1);
	feed4(c, 0, 90000, F_SYN, NULL, 0, 3 * SEC);
	feed4(c, 0, 90001, F_ACK, "two", 3, 3 * SEC + 1);
	cap_flush(c);
	assert_int_equal(R.n, 2);
	assert_int_equal(R.f[1].fi.flow_id, 2);
	assert_string_equal(R.f[0].trace[0], "one");
	assert_string_equal(R.f[1].trace[0], "two");
	rec_check_closed(&R);
	cap_close(c);
}

static void test_new_syn_on_open_tuple(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "old", 3, 2 * SEC);
	feed4(c, 0, ISN_C, F_SYN, NULL, 0, 2 * SEC + 1);     /* a retransmitted SYN */
	assert_int_equal(R.f[0].closes, 0);
	/* the FIN/RST of the first connection was never captured */
	feed4(c, 0, 777, F_SYN, NULL, 0, 3 * SEC);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_EOF);
	feed4(c, 0, 778, F_ACK, "new", 3, 3 * SEC + 1);
	cap_flush(c);
	assert_int_equal(R.n, 2);
	assert_string_equal(R.f[0].trace[0], "old");
	assert_string_equal(R.f[1].trace[0], "new");
	assert_true(R.f[1].fi.syn_seen);
	rec_check_closed(&R);
	cap_close(c);
}

/* a busy flow never times out, an idle one beside it does */
static void test_busy_flow_outlives_idle_one(void **state)
{
	(void)state;
	struct cap_config cfg = { .idle_timeout_us = 10 * SEC };
	struct capture *c = rec_cap(&R, &cfg);
	struct pkt t = tcp_hdr(1234, 443, 1, F_ACK, "i", 1);
	struct pkt idle = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
	feed_raw(c, &idle, SEC);
	handshake(c, SEC + 1);
	uint32_t seq = ISN_C + 1;
	for (uint64_t ms = 1500; ms <= 60000; ms += 500, seq++)
		feed4(c, 0, seq, F_ACK, "b", 1, ms * 1000);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_TIMEOUT);
	assert_int_equal(R.f[1].closes, 0);
	assert_int_equal(R.f[1].bytes[0], 118);
	assert_int_equal(cap_get_stats(c)->flows_timed_out, 1);
	cap_flush(c);
	cap_close(c);
}

static void test_sequence_wraparound(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	uint32_t isn = 0xfffffff8u;
	feed4(c, 0, isn, F_SYN, NULL, 0, SEC);
	/* bytes at 2^32-7 .. 2^32+12, fed out of order across the wrap */
	feed4(c, 0, isn + 11, F_ACK, "KLMNOPQRST", 10, SEC + 1);     /* wraps to 3 */
	feed4(c, 0, isn + 1, F_ACK, "ABCDEFGHIJ", 10, SEC + 2);
	feed4(c, 0, isn + 6, F_ACK, "FGHIJKLM", 8, SEC + 3);          /* retransmit */
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "ABCDEFGHIJKLMNOPQRST");
	assert_int_equal(cap_get_stats(c)->tcp_gaps, 0);
	assert_int_equal(cap_get_stats(c)->tcp_retransmit, 1);
	cap_close(c);
}

static void test_zero_window_probe_and_keepalive(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "abc", 3, 2 * SEC);
	feed4(c, 0, ISN_C + 3, F_ACK, "c", 1, 3 * SEC);      /* probe: 1 old byte */
	feed4(c, 0, ISN_C + 3, F_ACK, NULL, 0, 4 * SEC);     /* keep-alive */
	feed4(c, 0, ISN_C + 4, F_ACK, "d", 1, 5 * SEC);
	cap_flush(c);
	assert_string_equal(R.f[0].trace[0], "abcd");
	assert_int_equal(cap_get_stats(c)->tcp_retransmit, 1);
	cap_close(c);
}

static void test_idle_timeout(void **state)
{
	(void)state;
	struct cap_config cfg = { .idle_timeout_us = 10 * SEC };
	struct capture *c = rec_cap(&R, &cfg);
	handshake(c, SEC);
	feed4(c, 0, ISN_C + 1, F_ACK, "abc", 3, 2 * SEC);
	feed4(c, 0, ISN_C + 9, F_ACK, "xyz", 3, 3 * SEC);    /* beyond a hole */
	/* another flow's packets move the clock; 13 s is not yet idle > 10 s */
	struct pkt t = tcp_hdr(1234, 443, 1, F_ACK, "x", 1);
	struct pkt p = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
	feed_raw(c, &p, 13 * SEC);
	assert_int_equal(R.f[0].closes, 0);
	feed_raw(c, &p, 14 * SEC);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_TIMEOUT);
	assert_string_equal(R.f[0].trace[0], "abc<GAP 5>xyz");
	assert_int_equal(cap_get_stats(c)->flows_timed_out, 1);
	/* the same tuple again, mid-stream: a new flow */
	feed4(c, 0, ISN_C + 12, F_ACK, "more", 4, 15 * SEC);
	cap_flush(c);
	assert_int_equal(R.n, 3);
	assert_string_equal(R.f[2].trace[0], "more");
	rec_check_closed(&R);
	cap_close(c);
}

/* a packet of a flow idle too long closes it even between sweeps */
static void test_timeout_caught_at_lookup(void **state)
{
	(void)state;
	struct cap_config cfg = { .idle_timeout_us = 20000 };
	struct capture *c = rec_cap(&R, &cfg);
	struct pkt t = tcp_hdr(1234, 443, 1, F_ACK, "o", 1);
	struct pkt other = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
	feed4(c, 0, 100, F_ACK, "x", 1, SEC);
	feed_raw(c, &other, SEC + 19900);
	feed4(c, 0, 101, F_ACK, "y", 1, SEC + 24000);
	assert_int_equal(R.f[0].closes, 1);
	assert_int_equal(R.f[0].why, CLOSE_TIMEOUT);
	assert_string_equal(R.f[0].trace[0], "x");
	assert_int_equal(R.n, 3);
	assert_string_equal(R.f[2].trace[0], "y");
	assert_int_equal(cap_get_stats(c)->flows_timed_out, 1);
	cap_flush(c);
	rec_check_closed(&R);
	cap_close(c);
}

static void test_memcap_eviction(void **state)
{
	(void)state;
	/* no room for two flows: each new flow pushes out the idlest */
	struct cap_config cfg = { .memcap_bytes = 1 };
	struct capture *c = rec_cap(&R, &cfg);
	for (int i = 0; i < 4; i++) {
		struct pkt t = tcp_hdr((uint16_t)(41000 + i), 80, 1, F_ACK, "data", 4);
		struct pkt p = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
		feed_raw(c, &p, SEC + (uint64_t)i);
	}
	const struct cap_stats *st = cap_get_stats(c);
	assert_int_equal(st->flows, 4);
	assert_int_equal(st->flows_evicted, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(R.f[i].closes, 1);
		assert_int_equal(R.f[i].why, CLOSE_EVICTED);
		assert_string_equal(R.f[i].trace[0], "data");
	}
	cap_flush(c);
	rec_check_closed(&R);
	cap_close(c);
}

static void test_memcap_bounds_held_segments(void **state)
{
	(void)state;
	/* big enough for the flows, too small for every held segment */
	struct cap_config cfg = { .memcap_bytes = 16 * 1024 };
	struct capture *c = rec_cap(&R, &cfg);
	char blk[1000];
	handshake(c, SEC);
	for (uint32_t i = 0; i < 40; i++) {
		memset(blk, 'a' + (int)(i % 26), sizeof(blk));
		feed4(c, 0, ISN_C + 101 + 1000 * i, F_ACK, blk, sizeof(blk), 2 * SEC + i);
	}
	/* nothing lost silently: held or delivered after a counted gap */
	const struct cap_stats *st = cap_get_stats(c);
	assert_true(st->tcp_ooo_dropped >= 1);
	cap_flush(c);
	assert_int_equal(R.f[0].gap_bytes[0], 100);
	assert_int_equal(R.f[0].bytes[0], 40000);
	cap_close(c);
}

static void test_flush_in_flow_id_order(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	for (int i = 0; i < 5; i++) {
		struct pkt t = tcp_hdr((uint16_t)(42000 + i), 80, 1, F_ACK, "d", 1);
		struct pkt p = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
		feed_raw(c, &p, SEC + (uint64_t)i);
	}
	/* touch them in another order: flush must still follow flow_id */
	for (int i = 4; i >= 0; i--) {
		struct pkt t = tcp_hdr((uint16_t)(42000 + i), 80, 2, F_ACK, "e", 1);
		struct pkt p = ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
		feed_raw(c, &p, 2 * SEC + (uint64_t)(4 - i));
	}
	cap_flush(c);
	assert_int_equal(R.ncloses, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(R.close_ids[i], (uint64_t)i + 1);
		assert_int_equal(R.f[i].fi.flow_id, (uint64_t)i + 1);
		assert_int_equal(R.f[i].why, CLOSE_EOF);
		assert_string_equal(R.f[i].trace[0], "de");
	}
	rec_check_closed(&R);
	cap_close(c);
}

/* thousands of flows: the table grows and every packet still finds its flow */
static uint64_t many_bytes[6000];
static void *many_open(void *u, const struct flow_info *fi)
{
	(void)u;
	return &many_bytes[fi->flow_id];
}
static void many_data(void *u, void *fu, enum cap_dir d, const uint8_t *p, size_t n, uint64_t ts)
{
	(void)u; (void)d; (void)p; (void)ts;
	*(uint64_t *)fu += n;
}

static void test_many_flows_table_grows(void **state)
{
	(void)state;
	struct cap_callbacks cb = { .flow_open = many_open, .flow_data = many_data };
	struct capture *c = cap_new(NULL, &cb);
	memset(many_bytes, 0, sizeof(many_bytes));
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < 5000; i++) {
			uint8_t src[4] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };
			struct pkt t = tcp_hdr((uint16_t)(30000 + i % 7), 80, 1000 + (uint32_t)round,
					       F_ACK, round ? "b" : "a", 1);
			struct pkt p = ipv4_wrap(src, SRV4, 6, 1, 0, &t);
			feed_raw(c, &p, SEC + (uint64_t)round);
		}
	}
	assert_int_equal(cap_get_stats(c)->flows, 5000);
	for (int i = 1; i <= 5000; i++)
		assert_int_equal(many_bytes[i], 2);
	cap_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_every_permutation_of_five),
		cmocka_unit_test(test_split_at_every_offset),
		cmocka_unit_test(test_retransmission_dropped),
		cmocka_unit_test(test_partial_overlap_out_of_order),
		cmocka_unit_test(test_conflicting_overlap_first_copy_wins),
		cmocka_unit_test(test_gap_at_flow_end),
		cmocka_unit_test(test_gap_when_ooo_cap_reached),
		cmocka_unit_test(test_syn_less_pickup),
		cmocka_unit_test(test_synack_first_sets_initiator),
		cmocka_unit_test(test_fin_close_once),
		cmocka_unit_test(test_fin_after_hole),
		cmocka_unit_test(test_rst_close),
		cmocka_unit_test(test_syn_on_closed_tuple_is_new_flow),
		cmocka_unit_test(test_new_syn_on_open_tuple),
		cmocka_unit_test(test_busy_flow_outlives_idle_one),
		cmocka_unit_test(test_sequence_wraparound),
		cmocka_unit_test(test_zero_window_probe_and_keepalive),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_timeout_caught_at_lookup),
		cmocka_unit_test(test_memcap_eviction),
		cmocka_unit_test(test_memcap_bounds_held_segments),
		cmocka_unit_test(test_flush_in_flow_id_order),
		cmocka_unit_test(test_many_flows_table_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
