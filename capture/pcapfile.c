/*
 * pcapfile.c - records of a classic pcap file out of one large buffer.
 * See pcapfile.h for when it is used and why.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapfile.h"
#include "rd.h"

#define PF_MAGIC_US   0xa1b2c3d4u
#define PF_MAGIC_NS   0xa1b23c4du
#define PF_MAX_SNAP   262144u          /* libpcap's MAXIMUM_SNAPLEN */
#define PF_BUF        (512u * 1024u)   /* > one record of PF_MAX_SNAP */

struct pcapfile {
	int fd;
	bool big;                      /* the file's byte order */
	bool swapped;                  /* not this machine's byte order */
	bool nano;
	uint32_t snapshot;
	uint8_t *buf;
	size_t have, pos;              /* unread bytes are buf[pos, have) */
	uint64_t off;                  /* file offset of buf[pos] */
	bool eof;
	struct bpf_program prog;
	bool filtered;
	char err[PCAP_ERRBUF_SIZE + 64];
};

/* fields in the file's byte order: one load, then a swap if big */
static inline uint32_t rd32(struct rd *r, bool big)
{
	uint32_t v = rd_le32(r);
	return big ? __builtin_bswap32(v) : v;
}

static inline uint16_t rd16(struct rd *r, bool big)
{
	uint16_t v = rd_le16(r);
	return big ? __builtin_bswap16(v) : v;
}

/* the link types decode.c reads; libpcap hands their records over as stored */
static bool dlt_plain(int dlt)
{
	switch (dlt) {
	case 0: case 1: case 12: case 14: case 101: case 108:
	case 113: case 228: case 229: case 276:
		return true;
	default:
		return false;
	}
}

struct pcapfile *pcapfile_open(pcap_t *p)
{
	uint8_t fh[24];
	struct stat st;
	FILE *fp = pcap_file(p);
	int fd = fp ? dup(fileno(fp)) : -1;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, fh, sizeof(fh), 0) != (ssize_t)sizeof(fh) ||
	    !dlt_plain(pcap_datalink(p)) || pcap_snapshot(p) <= 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	struct rd r = rd_init(fh, sizeof(fh));
	uint32_t m = rd_le32(&r);
	bool big = m == __builtin_bswap32(PF_MAGIC_US) || m == __builtin_bswap32(PF_MAGIC_NS);
	bool nano = m == PF_MAGIC_NS || m == __builtin_bswap32(PF_MAGIC_NS);
	uint16_t major = rd16(&r, big), minor = rd16(&r, big);
	struct pcapfile *f = NULL;
	if ((big || m == PF_MAGIC_US || m == PF_MAGIC_NS) && major == 2 && minor == 4 &&
	    lseek(fd, 24, SEEK_SET) == 24)
		f = calloc(1, sizeof(*f));
	if (f)
		f->buf = malloc(PF_BUF);
	if (!f || !f->buf) {
		free(f);
		close(fd);
		return NULL;
	}
	f->fd = fd;
	f->big = big;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	f->swapped = !big;
#else
	f->swapped = big;
#endif
	f->nano = nano;
	f->snapshot = (uint32_t)pcap_snapshot(p);
	f->off = 24;
	return f;
}

void pcapfile_filter(struct pcapfile *f, struct bpf_program *prog)
{
	if (f->filtered)
		pcap_freecode(&f->prog);
	f->prog = *prog;
	f->filtered = true;
}

/* at least need unread bytes in the buffer, unless the file ends first */
static int fill(struct pcapfile *f, size_t need)
{
	if (f->have - f->pos >= need || f->eof)
		return 0;
	memmove(f->buf, f->buf + f->pos, f->have - f->pos);
	f->have -= f->pos;
	f->pos = 0;
	while (f->have < need && !f->eof) {
		ssize_t n = read(f->fd, f->buf + f->have, PF_BUF - f->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(f->err, sizeof(f->err), "error reading dump file: %s",
				 strerror(errno));
			return -1;
		}
		if (n == 0)
			f->eof = true;
		f->have += (size_t)n;
	}
	return 0;
}

static int next_record(struct pcapfile *f, struct pcap_pkthdr *h,
		       const uint8_t **data, uint64_t *rec_off)
{
	*rec_off = f->off;
	if (fill(f, 16) < 0)
		return -1;
	struct rd r = rd_init(f->buf + f->pos, f->have - f->pos);
	if (!rd_left(&r))
		return 0;
	if (rd_left(&r) < 16) {
		snprintf(f->err, sizeof(f->err),
			 "truncated dump file; tried to read 16 header bytes, only got %zu",
			 rd_left(&r));
		return -1;
	}
	/* as libpcap: signed 32-bit fields, but byte-swapped ones unsigned */
	struct rd rh = rd_take(&r, 16);        /* one check for the four */
	uint32_t sec = rd32(&rh, f->big), frac = rd32(&rh, f->big);
	uint32_t caplen = rd32(&rh, f->big), len = rd32(&rh, f->big);
	if (caplen > PF_MAX_SNAP) {
		if (caplen > f->snapshot)
			snprintf(f->err, sizeof(f->err), "invalid packet capture length %u, "
				 "bigger than snaplen of %u", caplen, f->snapshot);
		else
			snprintf(f->err, sizeof(f->err), "invalid packet capture length %u, "
				 "bigger than maximum of %u", caplen, PF_MAX_SNAP);
		return -1;
	}
	if (fill(f, 16 + (size_t)caplen) < 0)
		return -1;
	/* the record's bytes (fill may have moved the buffer) */
	r = rd_init(f->buf + f->pos + 16, f->have - f->pos - 16);
	size_t avail = rd_left(&r);
	if (avail < caplen) {
		/* libpcap first reads up to the snapshot length, then skips */
		uint32_t want = caplen > f->snapshot && avail < f->snapshot ? f->snapshot : caplen;
		snprintf(f->err, sizeof(f->err), "truncated dump file; "
			 "tried to read %u captured bytes, only got %zu", want, avail);
		return -1;
	}
	h->ts.tv_sec = f->swapped ? (int64_t)sec : (int32_t)sec;
	h->ts.tv_usec = f->swapped ? (int64_t)frac : (int32_t)frac;
	if (f->nano)
		h->ts.tv_usec /= 1000;
	h->caplen = caplen > f->snapshot ? f->snapshot : caplen;
	h->len = len;
	*data = rd_bytes(&r, caplen);
	f->pos += 16 + (size_t)caplen;
	f->off += 16 + (uint64_t)caplen;
	return 1;
}

int pcapfile_next(struct pcapfile *f, struct pcap_pkthdr *h, const uint8_t **data,
		  uint64_t *rec_off)
{
	for (;;) {
		int rc = next_record(f, h, data, rec_off);
		if (rc != 1 || !f->filtered ||
		    pcap_offline_filter(&f->prog, h, *data))
			return rc;
	}
}

const char *pcapfile_error(const struct pcapfile *f)
{
	return f->err;
}

void pcapfile_close(struct pcapfile *f)
{
	if (!f)
		return;
	if (f->filtered)
		pcap_freecode(&f->prog);
	close(f->fd);
	free(f->buf);
	free(f);
}
