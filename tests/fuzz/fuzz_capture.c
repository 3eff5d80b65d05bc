/*
 * fuzz_capture.c - libFuzzer target for capture/: packets fed through
 * cap_new/cap_feed on several link types, with a small memory cap so
 * eviction, out-of-order holding and fragment reassembly all get hit.
 *
 * Input: byte 0 = config (bits 0-1: memcap 16 KiB / 64 KiB / 1 MiB /
 * default; bit 2: 4 KiB out-of-order cap per flow; bits 3-4: idle timeout
 * 1 ms / 1 s / default / 1 h), then records
 *   dlt selector (1 byte, index into the table below)
 *   time step (1 byte, in units of 256 us)
 *   len (2 bytes, little endian), then len packet bytes (clipped)
 *   wirelen extra (1 byte): wirelen = caplen + this (snaplen cut)
 * Every callback is checked against what capture.h promises: open before
 * data, close exactly once, no data after close, ordered directions; a
 * broken promise aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/rd.h"

#define FZ_MAX_FLOWS 4096

struct fz_flow {
	uint64_t id;
	int open;
	uint64_t bytes[2];
};

struct fz {
	struct fz_flow flows[FZ_MAX_FLOWS];
	int nflows;
	uint64_t opened, closed;
};

static void *fz_open(void *user, const struct flow_info *fi)
{
	struct fz *f = user;

	f->opened++;
	if (fi->flow_id == 0)
		abort();
	if (f->nflows == FZ_MAX_FLOWS)
		return NULL;            /* NULL flow_user is allowed */
	f->flows[f->nflows].id = fi->flow_id;
	f->flows[f->nflows].open = 1;
	return &f->flows[f->nflows++];
}

static void fz_data(void *user, void *fu, enum cap_dir dir,
		    const uint8_t *data, size_t len, uint64_t ts_us)
{
	struct fz_flow *fl = fu;
	volatile uint8_t sink = 0;

	(void)user;
	(void)ts_us;
	if (dir != DIR_A_TO_B && dir != DIR_B_TO_A)
		abort();
	if (len == 0 || !data)
		abort();
	/* touch every byte: ASan sees a read past the buffer */
	for (size_t i = 0; i < len; i++)
		sink ^= data[i];
	(void)sink;
	if (fl) {
		if (!fl->open)
			abort();
		fl->bytes[dir] += len;
	}
}

static void fz_gap(void *user, void *fu, enum cap_dir dir, uint64_t gap,
		   uint64_t ts_us)
{
	struct fz_flow *fl = fu;

	(void)user;
	(void)ts_us;
	if (dir != DIR_A_TO_B && dir != DIR_B_TO_A)
		abort();
	if (gap == 0)
		abort();
	if (fl && !fl->open)
		abort();
}

static void fz_close(void *user, void *fu, enum cap_close_reason why,
		     uint64_t ts_us)
{
	struct fz *f = user;
	struct fz_flow *fl = fu;

	(void)ts_us;
	f->closed++;
	if (why > CLOSE_EOF)
		abort();
	if (fl) {
		if (!fl->open)
			abort();        /* closed twice */
		fl->open = 0;
	}
}

static const int fz_dlts[] = { 1, 0, 108, 113, 276, 12, 14, 101, 228, 229, 147 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;
	static const uint64_t memcaps[4] = { 16 << 10, 64 << 10, 1 << 20, 0 };
	static const uint64_t idles[4] = { 1000, 1000000, 0, 3600000000ull };
	struct cap_callbacks cb = { .user = &f, .flow_open = fz_open, .flow_data = fz_data,
				     .flow_gap = fz_gap, .flow_close = fz_close };
	struct cap_config cfg;
	struct rd r = rd_init(data, size);
	struct capture *c;
	uint64_t ts = 1700000000000000ull;
	uint8_t conf = rd_u8(&r);
	const struct cap_stats *st;

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	cfg.memcap_bytes = memcaps[conf & 3];
	cfg.flow_ooo_cap_bytes = (conf & 4) ? 4096 : 0;
	cfg.idle_timeout_us = idles[(conf >> 3) & 3];
	c = cap_new(&cfg, &cb);
	if (!c)
		return 0;
	while (rd_left(&r) >= 4) {
		int dlt = fz_dlts[rd_u8(&r) % (sizeof(fz_dlts) / sizeof(fz_dlts[0]))];
		size_t len, wirelen;
		const uint8_t *pkt;

		ts += (uint64_t)rd_u8(&r) << 8;
		len = rd_le16(&r);
		if (len > rd_left(&r))
			len = rd_left(&r);
		pkt = rd_bytes(&r, len);
		wirelen = len + rd_u8(&r);
		/* a private copy sized exactly: ASan catches any overread */
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			break;
		if (len)
			memcpy(copy, pkt, len);
		cap_feed(c, dlt, copy, len, wirelen, ts);
		free(copy);
	}
	cap_flush(c);
	st = cap_get_stats(c);
	if (f.opened != f.closed || f.opened != st->flows)
		abort();
	for (int i = 0; i < f.nflows; i++)
		if (f.flows[i].open)
			abort();
	cap_close(c);
	return 0;
}
