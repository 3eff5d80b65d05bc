/*
 * ipfrag.c - IPv4 and IPv6 fragment reassembly.
 *
 * Bounded three ways: CAP_FRAG_MAX_DGRAMS datagrams in progress (the
 * oldest is dropped for a new one), the shared memory cap, and
 * CAP_FRAG_TIMEOUT_US of capture time.  Overlapping fragments are the
 * classic evasion trick (and RFC 5722 forbids them for IPv6): the whole
 * datagram is dropped and counted instead of picking a winner.  An exact
 * duplicate (same range, same bytes, e.g. a span port seeing it twice)
 * is dropped alone.  Fragments are rare, so a linear table is enough.
 */
#include <stdlib.h>
#include <string.h>

#include "cap_int.h"

#define FRAG_MAX_BYTES 65535u          /* no IP datagram is larger */

struct frag_range {
	uint32_t off, end;
};

struct frag_dgram {
	struct pkt_tuple t;
	uint32_t id;
	int proto;                     /* IPv4 protocol; IPv6: from offset 0 */
	bool have_first, have_last;
	uint32_t total;                /* known once the last fragment came */
	uint64_t first_us;
	int depth;
	int nfrags;                    /* fragments held, for the drop count */
	int nranges;                   /* sorted, disjoint, adjacent merged */
	struct frag_range ranges[CAP_FRAG_MAX_PIECES];
	uint8_t *buf;
	size_t cap;
};

static uint64_t dgram_mem(const struct frag_dgram *d)
{
	return sizeof(*d) + d->cap;
}

static void dgram_free(struct capture *c, struct frag_dgram *d)
{
	c->mem_bytes -= dgram_mem(d);
	free(d->buf);
	free(d);
}

static void slot_remove(struct capture *c, int i)
{
	c->frags.slot[i] = c->frags.slot[--c->frags.count];
	c->frags.slot[c->frags.count] = NULL;
}

static void slot_drop(struct capture *c, int i)
{
	struct frag_dgram *d = c->frags.slot[i];
	c->st.ip_frag_dropped += (uint64_t)d->nfrags;
	slot_remove(c, i);
	dgram_free(c, d);
}

/* the datagram begun longest ago, other than keep; -1 if none */
static int slot_oldest(const struct capture *c, const struct frag_dgram *keep)
{
	int best = -1;
	for (int i = 0; i < c->frags.count; i++) {
		if (c->frags.slot[i] == keep)
			continue;
		if (best < 0 || c->frags.slot[i]->first_us < c->frags.slot[best]->first_us)
			best = i;
	}
	return best;
}

static int slot_find(const struct capture *c, const struct pkt_tuple *t,
		     int proto, uint32_t id)
{
	for (int i = 0; i < c->frags.count; i++) {
		const struct frag_dgram *d = c->frags.slot[i];
		if (d->id == id && d->t.family == t->family &&
		    (t->family == 6 || d->proto == proto) &&
		    memcmp(d->t.src, t->src, 16) == 0 &&
		    memcmp(d->t.dst, t->dst, 16) == 0)
			return i;
	}
	return -1;
}

/* room for more bytes under the shared cap, dropping old datagrams first */
static bool frag_reserve(struct capture *c, const struct frag_dgram *keep, uint64_t add)
{
	while (c->mem_bytes + add > c->cfg.memcap_bytes) {
		int old = slot_oldest(c, keep);
		if (old >= 0)
			slot_drop(c, old);
		else if (!cap_flows_evict_one(c, NULL))
			return false;
	}
	return true;
}

static int slot_new(struct capture *c, const struct pkt_tuple *t, int proto,
		    uint32_t id, uint64_t ts_us, int depth)
{
	if (c->frags.count == CAP_FRAG_MAX_DGRAMS)
		slot_drop(c, slot_oldest(c, NULL));
	if (!frag_reserve(c, NULL, sizeof(struct frag_dgram)))
		return -1;
	struct frag_dgram *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->t = *t;
	d->id = id;
	d->proto = proto;
	d->first_us = ts_us;
	d->depth = depth;
	c->mem_bytes += dgram_mem(d);
	c->frags.slot[c->frags.count] = d;
	return c->frags.count++;
}

static bool dgram_grow(struct capture *c, struct frag_dgram *d, uint32_t end)
{
	if (end <= d->cap)
		return true;
	size_t ncap = d->cap ? d->cap : 2048;
	while (ncap < end)
		ncap *= 2;
	if (ncap > FRAG_MAX_BYTES)
		ncap = FRAG_MAX_BYTES;
	if (!frag_reserve(c, d, ncap - d->cap))
		return false;
	uint8_t *nb = realloc(d->buf, ncap);
	if (!nb)
		return false;
	c->mem_bytes += ncap - d->cap;
	d->buf = nb;
	d->cap = ncap;
	return true;
}

enum add_result { ADD_OK, ADD_DUP, ADD_OVERLAP, ADD_FULL };

/* record [off,end) in the sorted range list, merging neighbours */
static enum add_result ranges_add(struct frag_dgram *d, const uint8_t *data,
				  uint32_t off, uint32_t end)
{
	int i = 0;
	while (i < d->nranges && d->ranges[i].end < off)
		i++;
	/* ranges[i] is the first that ends at or after off */
	if (i < d->nranges && d->ranges[i].off < end && d->ranges[i].end > off) {
		if (off >= d->ranges[i].off && end <= d->ranges[i].end &&
		    memcmp(d->buf + off, data, end - off) == 0)
			return ADD_DUP;
		return ADD_OVERLAP;
	}
	bool join_prev = i < d->nranges && d->ranges[i].end == off;
	int nxt = join_prev ? i + 1 : i;
	bool join_next = nxt < d->nranges && d->ranges[nxt].off == end;
	if (join_prev && join_next) {
		d->ranges[i].end = d->ranges[nxt].end;
		memmove(&d->ranges[nxt], &d->ranges[nxt + 1],
			(size_t)(d->nranges - nxt - 1) * sizeof(d->ranges[0]));
		d->nranges--;
	} else if (join_prev) {
		d->ranges[i].end = end;
	} else if (join_next) {
		d->ranges[nxt].off = off;
	} else {
		if (d->nranges == CAP_FRAG_MAX_PIECES)
			return ADD_FULL;
		memmove(&d->ranges[i + 1], &d->ranges[i],
			(size_t)(d->nranges - i) * sizeof(d->ranges[0]));
		d->ranges[i].off = off;
		d->ranges[i].end = end;
		d->nranges++;
	}
	memcpy(d->buf + off, data, end - off);
	return ADD_OK;
}

static bool dgram_complete(const struct frag_dgram *d)
{
	return d->have_last && d->have_first && d->nranges == 1 &&
	       d->ranges[0].off == 0 && d->ranges[0].end == d->total;
}

static void dgram_deliver(struct capture *c, int i, uint64_t ts_us)
{
	struct frag_dgram *d = c->frags.slot[i];
	/* out of the table first: the payload may carry fragments of its own */
	slot_remove(c, i);
	c->st.ip_reassembled++;
	if (d->t.family == 4)
		cap_decode_ip_payload(c, &d->t, d->proto, d->buf, d->total, ts_us, d->depth);
	else
		cap_decode_ipv6_chain(c, &d->t, d->proto, d->buf, d->total, ts_us,
				      d->depth, true);
	dgram_free(c, d);
}

/* a fragment that contradicts the datagram's known end */
static bool bad_end(const struct frag_dgram *d, bool more, uint32_t end)
{
	uint32_t max_end = d->nranges ? d->ranges[d->nranges - 1].end : 0;
	if (d->have_last)
		return more ? end > d->total : end != d->total;
	return !more && end < max_end;
}

void cap_frag_input(struct capture *c, const struct pkt_tuple *t, int proto,
		    uint32_t id, uint32_t off_bytes, bool more,
		    const uint8_t *data, size_t len, uint64_t ts_us, int depth)
{
	uint32_t end = off_bytes + (uint32_t)len;

	c->st.ip_fragments++;
	/* empty, past 64 KiB, or a middle piece not in 8-byte units */
	if (!data || len == 0 || end > FRAG_MAX_BYTES || (more && (len & 7))) {
		c->st.ip_frag_dropped++;
		return;
	}
	int i = slot_find(c, t, proto, id);
	if (i < 0)
		i = slot_new(c, t, t->family == 4 ? proto : -1, id, ts_us, depth);
	if (i < 0) {
		c->st.ip_frag_dropped++;
		return;
	}
	struct frag_dgram *d = c->frags.slot[i];
	if (bad_end(d, more, end) || !dgram_grow(c, d, end)) {
		c->st.ip_frag_dropped++;
		slot_drop(c, slot_find(c, t, d->proto, id));
		return;
	}
	enum add_result res = ranges_add(d, data, off_bytes, end);
	if (res == ADD_DUP) {
		c->st.ip_frag_dropped++;
		return;
	}
	if (res != ADD_OK) {
		c->st.ip_frag_dropped++;
		slot_drop(c, slot_find(c, t, d->proto, id));
		return;
	}
	d->nfrags++;
	if (off_bytes == 0) {
		d->have_first = true;
		if (t->family == 6)
			d->proto = proto;
	}
	if (!more) {
		d->have_last = true;
		d->total = end;
	}
	if (dgram_complete(d))
		dgram_deliver(c, slot_find(c, t, d->proto, id), ts_us);
}

void cap_frag_expire(struct capture *c)
{
	for (int i = 0; i < c->frags.count;) {
		if (c->frags.slot[i]->first_us + CAP_FRAG_TIMEOUT_US < c->now_us)
			slot_drop(c, i);
		else
			i++;
	}
}

void cap_frag_free_all(struct capture *c)
{
	while (c->frags.count > 0) {
		struct frag_dgram *d = c->frags.slot[0];
		slot_remove(c, 0);
		dgram_free(c, d);
	}
}
