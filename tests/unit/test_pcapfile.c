/*
 * test_pcapfile.c - capture/pcapfile.c, our reader of classic pcap files,
 * against libpcap itself: for every file, every record (time stamp,
 * lengths, bytes) and every error message must be what pcap_next_ex gives.
 *
 * The files are hand-built by this test (labelled as such: they are not
 * traffic, only record framing), in both byte orders, with micro- and
 * nanosecond magic, records longer than the snapshot length, and every
 * truncation of the file; plus the real captures in pcaps/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "capture/pcapfile.h"

struct hb {                            /* a hand-built file in memory */
	uint8_t b[1 << 16];
	size_t n;
	bool swap;
};

static void put32(struct hb *f, uint32_t v)
{
	if (f->swap)
		v = __builtin_bswap32(v);
	memcpy(f->b + f->n, &v, 4);
	f->n += 4;
}

static void put16(struct hb *f, uint16_t v)
{
	if (f->swap)
		v = __builtin_bswap16(v);
	memcpy(f->b + f->n, &v, 2);
	f->n += 2;
}

static void hb_header(struct hb *f, bool swap, uint32_t magic, uint32_t snaplen, uint32_t dlt)
{
	f->n = 0;
	f->swap = swap;
	put32(f, magic);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, snaplen);
	put32(f, dlt);
}

static void hb_record(struct hb *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len)
{
	put32(f, sec);
	put32(f, frac);
	put32(f, caplen);
	put32(f, len);
	for (uint32_t i = 0; i < caplen; i++)
		f->b[f->n++] = (uint8_t)(i * 7 + caplen);
}

static char *write_tmp(const uint8_t *b, size_t n)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/test_pcapfile.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
	return path;
}

/* read path with libpcap and with pcapfile.c: the same records and errors */
static int same_as_libpcap(const char *path, bool must_take)
{
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *a = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, e);
	pcap_t *b = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, e);
	if (!a) {
		assert_null(b);
		return -2;                     /* libpcap refuses the header */
	}
	assert_non_null(b);
	struct pcapfile *f = pcapfile_open(b);
	if (!f) {
		assert_false(must_take);
		pcap_close(a);
		pcap_close(b);
		return -3;
	}
	int records = 0;
	for (;;) {
		struct pcap_pkthdr *ha, hb;
		const u_char *da;
		const uint8_t *db;
		uint64_t off;
		int ra = pcap_next_ex(a, &ha, &da);
		int rb = pcapfile_next(f, &hb, &db, &off);
		int want = ra == 1 ? 1 : ra == PCAP_ERROR_BREAK ? 0 : -1;
		if (want != rb)
			fail_msg("%s: record %d: libpcap %d (%s), pcapfile %d (%s)", path,
				 records, ra, pcap_geterr(a), rb, pcapfile_error(f));
		if (rb == -1)
			assert_string_equal(pcapfile_error(f), pcap_geterr(a));
		if (rb != 1)
			break;
		assert_int_equal(hb.ts.tv_sec, ha->ts.tv_sec);
		assert_int_equal(hb.ts.tv_usec, ha->ts.tv_usec);
		assert_int_equal(hb.caplen, ha->caplen);
		assert_int_equal(hb.len, ha->len);
		assert_memory_equal(db, da, ha->caplen);
		records++;
	}
	pcapfile_close(f);
	pcap_close(a);
	pcap_close(b);
	return records;
}

/* a file cut at every length from its header on reads as libpcap reads it */
static void every_cut(const struct hb *f)
{
	for (size_t n = 24; n <= f->n; n++) {
		char *p = write_tmp(f->b, n);
		same_as_libpcap(p, true);
		unlink(p);
	}
}

static void build(struct hb *f, bool swap, uint32_t magic)
{
	hb_header(f, swap, magic, 200, 1);
	hb_record(f, 1700000000u, 999999u, 60, 60);
	hb_record(f, 1700000001u, 123456789u, 0, 0);        /* nano: .123456 */
	hb_record(f, 0x90000000u, 5u, 33, 1500);            /* past 2038: signed */
	hb_record(f, 1700000002u, 7u, 250, 250);            /* longer than snaplen */
	hb_record(f, 1700000003u, 8u, 1, 1);
}

static void test_micro_native(void **state)
{
	(void)state;
	static struct hb f;
	build(&f, false, 0xa1b2c3d4u);
	char *p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, true), 5);
	unlink(p);
	every_cut(&f);
}

static void test_nano_swapped(void **state)
{
	(void)state;
	static struct hb f;
	build(&f, true, 0xa1b23c4du);
	char *p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, true), 5);
	unlink(p);
	every_cut(&f);
}

static void test_nano_native_swapped_micro(void **state)
{
	(void)state;
	static struct hb f;
	build(&f, false, 0xa1b23c4du);
	char *p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, true), 5);
	unlink(p);
	build(&f, true, 0xa1b2c3d4u);
	p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, true), 5);
	unlink(p);
}

/* caplen beyond what libpcap considers sane: the same refusal, same words */
static void test_insane_caplen(void **state)
{
	(void)state;
	static struct hb f;
	hb_header(&f, false, 0xa1b2c3d4u, 262144, 1);
	hb_record(&f, 1, 2, 10, 10);
	put32(&f, 3);
	put32(&f, 4);
	put32(&f, 300000);
	put32(&f, 300000);
	char *p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, true), 1);  /* one record, then the refusal */
	unlink(p);
	/* and with a file snaplen above it: "bigger than snaplen" wording */
	hb_header(&f, false, 0xa1b2c3d4u, 65535, 1);
	put32(&f, 3);
	put32(&f, 4);
	put32(&f, 0x7fffffffu);
	put32(&f, 10);
	p = write_tmp(f.b, f.n);
	same_as_libpcap(p, true);
	unlink(p);
}

/* formats this reader leaves to libpcap: refused, never misread */
static void test_leaves_others_to_libpcap(void **state)
{
	(void)state;
	static struct hb f;
	hb_header(&f, false, 0xa1b2c3d4u, 65535, 189);      /* Linux USB */
	hb_record(&f, 1, 2, 64, 64);
	char *p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, false), -3);
	unlink(p);
	hb_header(&f, false, 0xa1b2c3d4u, 65535, 1);
	f.b[6] = 3;                                          /* version 2.3 */
	hb_record(&f, 1, 2, 64, 64);
	p = write_tmp(f.b, f.n);
	assert_int_equal(same_as_libpcap(p, false), -3);
	unlink(p);
}

/* every classic pcap capture shipped in pcaps/: record for record */
static void test_real_captures(void **state)
{
	(void)state;
	DIR *d = opendir("pcaps");
	assert_non_null(d);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".pcap") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "pcaps/%s", de->d_name);
		FILE *fp = fopen(path, "rb");
		uint8_t m[4] = { 0 };
		assert_non_null(fp);
		size_t got = fread(m, 1, 4, fp);
		fclose(fp);
		if (got == 4 && m[0] == 0x0a && m[1] == 0x0d)
			continue;                      /* pcapng: libpcap's */
		assert_true(same_as_libpcap(path, true) > 0);
		files++;
	}
	closedir(d);
	assert_true(files >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_micro_native),
		cmocka_unit_test(test_nano_swapped),
		cmocka_unit_test(test_nano_native_swapped_micro),
		cmocka_unit_test(test_insane_caplen),
		cmocka_unit_test(test_leaves_others_to_libpcap),
		cmocka_unit_test(test_real_captures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
