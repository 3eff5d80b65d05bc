/*
 * pcapfile_floor.c - authscope's own read-only floor for `make bench`.
 *
 *   pcapfile_floor FILE
 *
 * The same work as pcap_floor (every packet touched once per 64 bytes,
 * packets and bytes counted), through capture/pcapfile.c, the reader
 * authscope -r uses for classic pcap files.  The gap between this and
 * pcap_floor is what authscope saves by not reading through libpcap's
 * stdio path; the gap between this and authscope is the analysis itself.
 * Prints "packets=N bytes=N touch=X" on stdout.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/pcapfile.h"

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: pcapfile_floor FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!p) {
		fprintf(stderr, "pcapfile_floor: %s\n", err);
		return 1;
	}
	struct pcapfile *f = pcapfile_open(p);
	if (!f) {
		fprintf(stderr, "pcapfile_floor: %s: not a file pcapfile.c reads\n", argv[1]);
		pcap_close(p);
		return 1;
	}
	uint64_t packets = 0, bytes = 0, off;
	uint8_t touch = 0;
	struct pcap_pkthdr h;
	const uint8_t *d;
	int rc;
	while ((rc = pcapfile_next(f, &h, &d, &off)) == 1) {
		packets++;
		bytes += h.caplen;
		for (uint32_t i = 0; i < h.caplen; i += 64)
			touch ^= d[i];
	}
	if (rc < 0)
		fprintf(stderr, "pcapfile_floor: %s at byte offset %llu\n", pcapfile_error(f),
			(unsigned long long)off);
	pcapfile_close(f);
	pcap_close(p);
	printf("packets=%llu bytes=%llu touch=%u\n", (unsigned long long)packets,
	       (unsigned long long)bytes, touch);
	return rc < 0;
}
