/*
 * pcap_floor.c - the libpcap read-only floor for `make bench`.
 *
 *   pcap_floor FILE
 *
 * pcap_open_offline + pcap_dispatch over the whole file, touching every
 * packet (one byte per 64, so each cache line of packet data is read, as
 * any decoder must) and counting packets and captured bytes.  No tool that
 * reads the file through libpcap can be faster than this.  Prints
 * "packets=N bytes=N touch=X" on stdout.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

struct floor_count {
	uint64_t packets, bytes;
	uint8_t touch;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct floor_count *c = (struct floor_count *)user;
	c->packets++;
	c->bytes += h->caplen;
	for (uint32_t i = 0; i < h->caplen; i += 64)
		c->touch ^= data[i];
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_floor: %s\n", err);
		return 1;
	}
	struct floor_count c = { 0, 0, 0 };
	int rc;
	while ((rc = pcap_dispatch(p, 4096, on_packet, (u_char *)&c)) > 0)
		;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets=%llu bytes=%llu touch=%u\n", (unsigned long long)c.packets,
	       (unsigned long long)c.bytes, c.touch);
	return 0;
}
