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

#define PF_MAGIC_US   0xa1b2c3d4u
#define PF_MAGIC_NS   0xa1b23c4du
#define PF_MAX_SNAP   262144u          /* libpcap's MAXIMUM_SNAPLEN */
#define PF_BUF        (512u * 1024u)   /* > one record of PF_MAX_SNAP */

struct pcapfile {
	int fd;
	bool swapped, nano;
	uint32_t snapshot;
	uint8_t *buf;
	size_t have, pos;              /* unread bytes are buf[pos, have) */
	uint64_t off;                  /* file offset of buf[pos] */
	bool eof;
	struct bpf_program prog;
	bool filtered;
	char err[PCAP_ERRBUF_SIZE + 64];
};

static uint32_t get32(const uint8_t *b, bool swapped)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swapped ? __builtin_bswap32(v) : v;
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

struct pcapfile *pcapfile_open(pcap_t *p, int fd)
{
	uint8_t fh[24];
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, fh, sizeof(fh), 0) != (ssize_t)sizeof(fh) ||
	    !dlt_plain(pcap_datalink(p)) || pcap_snapshot(p) <= 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	uint32_t m;
	memcpy(&m, fh, 4);
	bool swapped = m == __builtin_bswap32(PF_MAGIC_US) || m == __builtin_bswap32(PF_MAGIC_NS);
	bool nano = m == PF_MAGIC_NS || m == __builtin_bswap32(PF_MAGIC_NS);
	uint16_t major, minor;
	memcpy(&major, fh + 4, 2);
	memcpy(&minor, fh + 6, 2);
	if (swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	struct pcapfile *f = NULL;
	if ((swapped || nano || m == PF_MAGIC_US) && major == 2 && minor == 4 &&
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
	f->swapped = swapped;
	f->nano = nano;
	f->snapshot = (uint32_t)pcap_snapshot(p);
	f->off = 24;
	return f;
}

bool pcapfile_filter(struct pcapfile *f, pcap_t *p, const char *bpf)
{
	if (!bpf || !*bpf)
		return true;
	if (pcap_compile(p, &f->prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return false;
	f->filtered = true;
	return true;
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
	size_t avail = f->have - f->pos;
	if (avail == 0)
		return 0;
	if (avail < 16) {
		snprintf(f->err, sizeof(f->err),
			 "truncated dump file; tried to read 16 header bytes, only got %zu", avail);
		return -1;
	}
	const uint8_t *r = f->buf + f->pos;
	/* as libpcap: signed 32-bit fields, but byte-swapped ones unsigned */
	int64_t sec = f->swapped ? (int64_t)get32(r, true) : (int32_t)get32(r, false);
	int64_t frac = f->swapped ? (int64_t)get32(r + 4, true) : (int32_t)get32(r + 4, false);
	uint32_t caplen = get32(r + 8, f->swapped);
	uint32_t len = get32(r + 12, f->swapped);
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
	avail = f->have - f->pos - 16;
	if (avail < caplen) {
		/* libpcap first reads up to the snapshot length, then skips */
		uint32_t want = caplen > f->snapshot && avail < f->snapshot ? f->snapshot : caplen;
		snprintf(f->err, sizeof(f->err), "truncated dump file; "
			 "tried to read %u captured bytes, only got %zu", want, avail);
		return -1;
	}
	h->ts.tv_sec = sec;
	h->ts.tv_usec = f->nano ? frac / 1000 : frac;
	h->caplen = caplen > f->snapshot ? f->snapshot : caplen;
	h->len = len;
	*data = f->buf + f->pos + 16;
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
