/*
 * fuzz_pcapfile.c - libFuzzer target for capture/pcapfile.c, differential:
 * the input is a whole file; when libpcap opens it and pcapfile.c takes
 * it, both must give the same records (time stamp, lengths, bytes) and
 * the same error message, in the same place.  Any difference aborts.
 * The file lives in a memfd (a regular file to fstat, never on disk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/pcapfile.h"

/* a reader of its own (own file offset: not a dup) of the memfd fd */
static pcap_t *open_fd(int fd)
{
	char err[PCAP_ERRBUF_SIZE], path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int d = open(path, O_RDONLY);
	FILE *fp = d >= 0 ? fdopen(d, "rb") : NULL;
	if (!fp) {
		if (d >= 0)
			close(d);
		return NULL;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!p)
		fclose(fp);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_pcapfile", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	pcap_t *a = open_fd(fd);
	pcap_t *b = open_fd(fd);
	struct pcapfile *f = b ? pcapfile_open(b) : NULL;
	if (a && f) {
		for (;;) {
			struct pcap_pkthdr *ha, hb;
			const u_char *da;
			const uint8_t *db;
			uint64_t off;
			int ra = pcap_next_ex(a, &ha, &da);
			int rb = pcapfile_next(f, &hb, &db, &off);
			int want = ra == 1 ? 1 : ra == PCAP_ERROR_BREAK ? 0 : -1;
			if (rb != want)
				abort();
			if (rb == -1 && strcmp(pcap_geterr(a), pcapfile_error(f)) != 0)
				abort();
			if (rb != 1)
				break;
			if (hb.ts.tv_sec != ha->ts.tv_sec || hb.ts.tv_usec != ha->ts.tv_usec ||
			    hb.caplen != ha->caplen || hb.len != ha->len ||
			    memcmp(db, da, ha->caplen) != 0)
				abort();
		}
	}
	pcapfile_close(f);
	if (a)
		pcap_close(a);
	if (b)
		pcap_close(b);
	close(fd);
	return 0;
}
