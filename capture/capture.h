/*
 * capture.h - packets in, ordered TCP bytes out.
 *
 * capture/ opens packet sources (saved pcap/pcapng files merged in time
 * order, or a live interface), strips link layers and tunnels, reassembles
 * IP fragments and TCP, and hands each direction of each TCP connection to
 * the layer above through callbacks, in order, exactly once.
 *
 * What a caller may rely on:
 *  - flow_open is called once per TCP connection before any other callback
 *    for it; flow_close exactly once after the last one (FIN/RST, idle
 *    timeout, eviction under the memory cap, or the end of input).
 *  - flow_data delivers each direction's bytes in sequence order with no
 *    byte twice; a hole that will never fill is reported by flow_gap with
 *    its length before the bytes that follow it.
 *  - endpoint A is the connection's initiator when a SYN (or SYN-ACK) was
 *    seen; on mid-stream pick-up A is a guess (the higher port) and the
 *    layer above may swap roles once it sees which side sends requests.
 *  - timestamps are microseconds since the Unix epoch, UTC.
 *  - nothing is dropped without a counter in struct cap_stats.
 *
 * Decoded: Ethernet with 802.1Q/802.1ad tags (0x8100, 0x88a8, 0x9100,
 * stacked), Linux SLL and SLL2, BSD NULL/LOOP (either byte order), raw
 * IPv4/IPv6; MPLS label stacks and PPPoE sessions; IPv4 (options) and
 * IPv6 (hop-by-hop, routing, destination options, AH, fragment headers);
 * IPv4/IPv6 fragments reassembled; tunnels GRE (RFC 2784/2890: IP, MPLS,
 * transparent Ethernet bridging, ERSPAN I/II/III), VXLAN (UDP 4789),
 * IP-in-IP, nested up to CAP_MAX_TUNNEL_DEPTH (6) deep.
 */
#ifndef AUTHSCOPE_CAPTURE_H
#define AUTHSCOPE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

enum cap_dir { DIR_A_TO_B = 0, DIR_B_TO_A = 1 };

enum cap_close_reason {
	CLOSE_FIN = 0,   /* both sides sent FIN; a hole still open before a
			    FIN is then delivered as a gap (a half-closed
			    flow stays open: the other side may still send) */
	CLOSE_RST,
	CLOSE_TIMEOUT,   /* idle longer than the idle timeout */
	CLOSE_EVICTED,   /* dropped to stay under the memory cap */
	CLOSE_EOF,       /* end of input, or shutdown on a signal; also a
			    new SYN (other ISN) on the 4-tuple of an open
			    flow whose end was not captured */
};

struct flow_info {
	uint64_t flow_id;          /* 1, 2, 3... in order of first packet */
	int family;                /* AF_INET or AF_INET6 */
	uint8_t a_ip[16], b_ip[16];/* IPv4 in the first 4 bytes */
	uint16_t a_port, b_port;
	bool syn_seen;             /* A is known to be the initiator */
	uint64_t first_ts_us;
};

struct cap_callbacks {
	void *user;
	/* returns the upper layer's per-flow pointer (may be NULL) */
	void *(*flow_open)(void *user, const struct flow_info *fi);
	void (*flow_data)(void *user, void *flow_user, enum cap_dir dir,
			  const uint8_t *data, size_t len, uint64_t ts_us);
	void (*flow_gap)(void *user, void *flow_user, enum cap_dir dir,
			 uint64_t gap_bytes, uint64_t ts_us);
	void (*flow_close)(void *user, void *flow_user,
			   enum cap_close_reason why, uint64_t ts_us);
	/* optional (NULL = unused), added for the live sensor and workers
	   (report/pipeline.c): tick runs from cap_run's loop between
	   batches of packets (at most 4096 apart; live, when packets came
	   or the wait timed out, and at once after cap_wakeup), so the caller acts on signal flags in its
	   own thread; raw_packet, when set, takes every packet cap_feed is
	   given instead of decoding it (counted in packets/bytes only) */
	void (*tick)(void *user);
	void (*raw_packet)(void *user, int dlt, const uint8_t *pkt, size_t caplen,
			   size_t wirelen, uint64_t ts_us);
	/* optional: bytes the layers above hold right now (beyond
	   flow_user_bytes), counted with capture/'s own whenever room is made
	   under memcap_bytes, so their growth also evicts the idlest flows */
	uint64_t (*user_mem_bytes)(void *user);
};

struct cap_stats {
	uint64_t packets;          /* packets read from the sources */
	uint64_t bytes;            /* captured bytes read */
	uint64_t not_ip;           /* link types / ethertypes we skip (ARP...) */
	uint64_t not_tcp;          /* IP but not TCP (UDP, ICMP...) */
	uint64_t truncated;        /* shorter than its headers say (snaplen, damage) */
	uint64_t bad_link;         /* unsupported link type */
	uint64_t tunnels;          /* packets decapsulated (GRE, ERSPAN, VXLAN) */
	uint64_t ip_fragments;     /* fragments seen */
	uint64_t ip_reassembled;   /* datagrams rebuilt from fragments */
	uint64_t ip_frag_dropped;  /* fragments dropped: cap, timeout, overlap */
	uint64_t flows;            /* TCP connections opened */
	uint64_t flows_timed_out;
	uint64_t flows_evicted;    /* dropped by the memory cap */
	uint64_t tcp_retransmit;   /* segments or bytes already delivered */
	uint64_t tcp_overlap_conflict; /* overlapping bytes that differed */
	uint64_t tcp_ooo_held;     /* segments held out of order */
	uint64_t tcp_ooo_dropped;  /* out-of-order segments over the cap: the
				      hole before them became a gap */
	uint64_t tcp_gaps;         /* holes delivered as gaps */
	uint64_t tcp_gap_bytes;
	uint64_t kernel_drops;     /* live: pcap_stats ps_drop */
	uint64_t iface_drops;      /* live: pcap_stats ps_ifdrop */
};

struct cap_config {
	uint64_t memcap_bytes;        /* flows, held segments, fragments;
					 0 = default 256 MiB */
	uint64_t flow_ooo_cap_bytes;  /* out-of-order bytes held per flow and
					 direction; 0 = default 1 MiB */
	uint64_t flow_user_bytes;     /* what the layers above hold per open
					 flow, counted against memcap_bytes
					 from flow_open to flow_close (0 = none) */
	uint64_t idle_timeout_us;     /* 0 = default (5 min) */
	int snaplen;                  /* live: default 262144 */
	int buffer_kib;               /* live: -B, 0 = libpcap default */
	bool immediate;               /* live: immediate mode */
	const char *bpf;              /* NULL or the filter expression */
};

struct capture;

/* open saved files (pcap or pcapng), merged in timestamp order */
struct capture *cap_open_files(const char *const *paths, int npaths,
			       const struct cap_config *cfg,
			       const struct cap_callbacks *cb,
			       char *err, size_t errlen);
/* open a live interface with pcap_create/pcap_activate */
struct capture *cap_open_live(const char *iface, const struct cap_config *cfg,
			      const struct cap_callbacks *cb,
			      char *err, size_t errlen);

/*
 * Run until input ends, cap_break() is called (from a signal handler), or
 * a read error.  Returns 0 at the end of input or on break, -1 on error
 * (message in err: the file and the byte offset of the damage).  Packets
 * before the damage are processed.
 * The message is "FILE: truncated at byte offset N (libpcap's words)" or
 * "FILE: damaged at byte offset N (...)", N the start of the bad record
 * (pcap) or block (pcapng).  With several files, a damaged one stops
 * alone: the others are read to their end, then -1 is returned.
 */
int cap_run(struct capture *c, char *err, size_t errlen);
void cap_break(struct capture *c);       /* async-signal-safe */

/* close every open flow (CLOSE_EOF), in flow_id order, so the layers
   above flush */
void cap_flush(struct capture *c);
const struct cap_stats *cap_get_stats(struct capture *c);
/* frees everything; flows still open are first closed as by cap_flush,
   so callbacks may run here (NULL is accepted) */
void cap_close(struct capture *c);

/*
 * Feed one packet by hand (tests, fuzzing): link type as libpcap's DLT_*.
 * The same path cap_run uses for each packet.
 */
void cap_feed(struct capture *c, int dlt, const uint8_t *pkt, size_t caplen,
	      size_t wirelen, uint64_t ts_us);
struct capture *cap_new(const struct cap_config *cfg,
			const struct cap_callbacks *cb);

/*
 * Workers (capture/fanout.c).  cap_packet_hash: a hash of the outermost
 * IP address pair of a packet, the same for both directions (0 when not
 * IP), so every packet of a connection - fragments and tunnelled flows
 * included - goes to one worker.  cap_advance: move the clock to ts_us as
 * a packet of another worker would (expiry), without a packet.
 * cap_live_fanout: join a live capture's socket to Linux PACKET_FANOUT
 * group `group` (flow hash, defragmented); 0 or -1 with err.
 */
uint32_t cap_packet_hash(int dlt, const uint8_t *pkt, size_t caplen);
void cap_advance(struct capture *c, uint64_t ts_us);
int cap_live_fanout(struct capture *c, int group, char *err, size_t errlen);
int cap_datalink(struct capture *c);   /* the first source's DLT, -1 none */
/* live: make cap_run's wait return so the tick runs now (an idle link
   may otherwise block for good); async-signal-safe; no-op on files */
void cap_wakeup(struct capture *c);

#endif
