/*
 * pcapfile.h - our own reader of classic pcap files (capture/ internal).
 *
 * libpcap reads a saved file with two fread calls per record through a
 * 4 KiB stdio buffer; on a replay that costs as much as everything else
 * the capture layer does.  For the common case (a regular file in the
 * classic format, version 2.4, micro- or nanosecond magic in either byte
 * order, a link type whose records libpcap hands over unchanged) this
 * reader takes the records straight out of a large read() buffer.  libpcap
 * still opens the file (its header checks, the DLT mapping, the snapshot
 * length and BPF stay libpcap's); every record header is checked here the
 * way libpcap checks it, with libpcap's wording in the error messages.
 */
#ifndef AUTHSCOPE_PCAPFILE_H
#define AUTHSCOPE_PCAPFILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcapfile;

/*
 * A reader for the file libpcap opened as p (classic pcap, so the next
 * record starts at byte 24), on its own descriptor of the same open file.
 * NULL when this reader does not take the file (not a regular file,
 * pcapng, another version or magic, a link type libpcap post-processes,
 * out of memory): the caller keeps reading it with libpcap.
 */
struct pcapfile *pcapfile_open(pcap_t *p);

/* keep only the records prog (pcap_compile'd, taken over) accepts */
void pcapfile_filter(struct pcapfile *f, struct bpf_program *prog);

/*
 * The next record: 1 with *h and *data (valid until the next call),
 * 0 at the end of the file, -1 on damage or a read error (message in
 * pcapfile_error; *rec_off is then where the bad record starts).  On
 * success *rec_off is where the record started.
 */
int pcapfile_next(struct pcapfile *f, struct pcap_pkthdr *h, const uint8_t **data,
		  uint64_t *rec_off);

const char *pcapfile_error(const struct pcapfile *f);
void pcapfile_close(struct pcapfile *f);

#endif
