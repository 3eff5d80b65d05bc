/*
 * cap_int.h - capture/'s private state, shared by its .c files only.
 *
 * Not part of any contract: nothing outside capture/ includes this.
 *   source.c  packet sources (files, live), cap_run, the public entry points
 *   decode.c  link layers, IPv4/IPv6, tunnels, the TCP header
 *   ipfrag.c  IPv4/IPv6 fragment reassembly
 *   flow.c    flow table and per-direction TCP reassembly
 */
#ifndef AUTHSCOPE_CAP_INT_H
#define AUTHSCOPE_CAP_INT_H

#include <signal.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "rd.h"

#define CAP_DEFAULT_MEMCAP_BYTES   (256ull << 20)
#define CAP_DEFAULT_OOO_CAP_BYTES  (1ull << 20)
#define CAP_DEFAULT_IDLE_US        (300ull * 1000000)
#define CAP_DEFAULT_SNAPLEN        262144
#define CAP_MAX_TUNNEL_DEPTH       6       /* encapsulations inside one packet */
#define CAP_FRAG_MAX_DGRAMS        256     /* datagrams being reassembled */
#define CAP_FRAG_MAX_PIECES        128     /* fragments in one datagram */
#define CAP_FRAG_TIMEOUT_US        (30ull * 1000000)
#define CAP_LINGER_US              (30ull * 1000000) /* closed flows absorb late packets */
#define CAP_RECENT_FLOWS           256     /* lookup cache slots, power of two */

/* one endpoint pair as decoded from a packet, before the flow lookup */
struct pkt_tuple {
	int family;
	uint8_t src[16], dst[16];      /* IPv4 in the first 4 bytes, rest 0 */
};

/* one TCP segment as decoded (decode.c), for the flow table (flow.c) */
struct tcp_seg {
	const struct pkt_tuple *t;
	const uint8_t *data;           /* the payload, len bytes */
	size_t len;
	uint64_t ts_us;
	uint32_t seq;
	uint16_t sport, dport;
	uint8_t flags;                 /* TCPF_* */
};

struct frag_dgram;                     /* ipfrag.c */
struct flow;                           /* flow.c */

struct flow_table {
	struct flow **buckets;
	uint32_t nbuckets;             /* power of two, grows with the flows */
	uint32_t nhashed;              /* flows in the buckets (live + dead) */
	uint64_t seed;                 /* hash seed, random per capture */
	uint64_t next_sweep_us;        /* capture time of the next expiry sweep */
	struct flow *free_list;        /* pooled flow structs */
	void **slabs;                  /* every slab malloc'd, freed at close */
	size_t nslabs, slabs_cap;
	/* active flows by last activity (head = oldest), and by flow_id */
	struct flow *lru_head, *lru_tail;
	struct flow *id_head, *id_tail;
	/* FIN/RST-closed flows kept a while so late ACKs don't open new ones */
	struct flow *dead_head, *dead_tail;
	struct seg *seg_free;          /* recycled small held-segment buffers */
	size_t seg_free_count;
	/* flows of recent lookups, by a cheap unseeded index (the ports):
	   a match here skips the seeded hash and the bucket walk, and the
	   worst crafted traffic can do is make it miss */
	struct flow *recent[CAP_RECENT_FLOWS];
};

struct frag_table {
	struct frag_dgram *slot[CAP_FRAG_MAX_DGRAMS];
	int count;
};

struct cap_src {
	pcap_t *p;
	struct pcapfile *pf;           /* our reader of a classic pcap file */
	const char *path;              /* NULL for live */
	int dlt;
	bool pcapng;                   /* offsets counted by us only for pcap */
	uint64_t offset;               /* byte offset of the next record (pcap) */
	bool done;
	/* merge: the packet read ahead, waiting its turn */
	bool have;
	struct pcap_pkthdr hdr;
	const u_char *data;
	uint64_t ts_us;
};

struct capture {
	struct cap_config cfg;
	struct cap_callbacks cb;
	struct cap_stats st;
	uint64_t mem_bytes;            /* flows + held segments + fragments */
	uint64_t now_us;               /* newest packet time seen */
	uint64_t next_flow_id;
	struct flow_table ft;
	struct frag_table frags;

	struct cap_src *src;
	int nsrc;
	bool live;
	volatile sig_atomic_t brk;
	struct cap_src *cur;           /* source being dispatched (offsets) */
};

/* decode.c: one packet of link type dlt, from cap_feed */
void cap_decode_packet(struct capture *c, int dlt, const uint8_t *pkt,
		       size_t caplen, uint64_t ts_us);
/* decode.c: an IP payload (after reassembly too) */
void cap_decode_ip_payload(struct capture *c, const struct pkt_tuple *t,
			   int proto, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth);
/* decode.c: walk IPv6 extension headers from next-header nh */
void cap_decode_ipv6_chain(struct capture *c, const struct pkt_tuple *t,
			   int nh, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth,
			   bool after_reassembly);

/* ipfrag.c */
void cap_frag_input(struct capture *c, const struct pkt_tuple *t, int proto,
		    uint32_t id, uint32_t off_bytes, bool more,
		    const uint8_t *data, size_t len, uint64_t ts_us, int depth);
void cap_frag_expire(struct capture *c);
void cap_frag_free_all(struct capture *c);

/* flow.c */
bool cap_flows_init(struct capture *c);
void cap_tcp_segment(struct capture *c, const struct tcp_seg *s);
void cap_flows_sweep(struct capture *c);
/* per packet while time moves: a sweep only every so often (flow.c) */
static inline void cap_flows_expire(struct capture *c)
{
	if (c->now_us >= c->ft.next_sweep_us)
		cap_flows_sweep(c);
}
void cap_flows_flush(struct capture *c);
void cap_flows_free(struct capture *c);
/* free memory by evicting the oldest idle flow other than keep; false if
   nothing could be freed */
bool cap_flows_evict_one(struct capture *c, const struct flow *keep);

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

#endif
