/*
 * flow.c - the flow table and per-direction TCP reassembly.
 *
 * Flows live in a chained hash over structs taken from slabs (a free
 * list, no malloc per packet).  Both directions of a 4-tuple hash alike.
 * Three intrusive lists keep the bookkeeping O(1) per packet:
 *   lru   active flows by last packet (head = idle longest): timeouts and
 *         eviction under the memory cap take from the head;
 *   id    active flows by flow_id: cap_flush closes in that order;
 *   dead  flows closed by FIN/RST, kept CAP_LINGER_US so the last ACKs
 *         and a late RST do not open a new mid-stream flow.
 *
 * Reassembly: each direction has next_seq (the next byte to deliver) and a
 * sorted list of disjoint held segments beyond it.  In-order bytes are
 * handed up straight from the packet buffer; only out-of-order bytes are
 * copied.  The first copy of a byte wins: later copies are retransmissions,
 * and if they differ, an overlap conflict.  Sequence numbers compare with
 * serial-number arithmetic (RFC 1982), so wraparound at 2^32 is invisible.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "cap_int.h"

#define FLOW_SLAB_COUNT 1024
#define FLOW_BUCKETS_MIN 1024u
#define FLOW_BUCKETS_MAX (1u << 24)
#define SEG_SMALL_CAP   2048           /* one MTU-sized segment */
#define SEG_FREE_MAX    1024           /* small buffers kept for reuse */

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)

struct seg {
	struct seg *next;
	uint32_t seq, len, cap;
	uint64_t ts_us;                /* when it was captured: delivered with it */
	uint8_t data[];
};

struct half {
	struct seg *held;              /* sorted by seq, disjoint, all > next_seq */
	uint64_t held_bytes;
	uint32_t next_seq;
	uint32_t fin_seq;
	uint32_t isn;                  /* valid when syn */
	bool started, fin, syn;
};

enum { FS_ACTIVE, FS_DEAD };

/*
 * Laid out for the cache: a packet touches the first line (lookup key,
 * last_us, user) and the second (the two halves); list links and the
 * flow_info are cold.
 */
struct flow {
	struct flow *hnext;
	uint32_t hash;
	uint8_t fam;                   /* 4 or 6 */
	uint8_t state;
	uint16_t a_port, b_port;
	uint8_t a_ip[16], b_ip[16];
	uint64_t last_us;              /* last packet */
	void *user;
	struct half h[2];
	struct flow *lprev, *lnext;    /* lru list, or dead list */
	struct flow *iprev, *inext;    /* id list (active only) */
	uint64_t lru_us;               /* last_us when last moved in the lru */
	struct flow_info fi;           /* handed to flow_open */
};

/* ---- intrusive lists --------------------------------------------------- */

static void lru_unlink(struct flow **head, struct flow **tail, struct flow *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		*head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		*tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void lru_append(struct flow **head, struct flow **tail, struct flow *f)
{
	f->lnext = NULL;
	f->lprev = *tail;
	if (*tail)
		(*tail)->lnext = f;
	else
		*head = f;
	*tail = f;
}

static void id_unlink(struct flow_table *ft, struct flow *f)
{
	if (f->iprev)
		f->iprev->inext = f->inext;
	else
		ft->id_head = f->inext;
	if (f->inext)
		f->inext->iprev = f->iprev;
	else
		ft->id_tail = f->iprev;
	f->iprev = f->inext = NULL;
}

static void id_append(struct flow_table *ft, struct flow *f)
{
	f->inext = NULL;
	f->iprev = ft->id_tail;
	if (ft->id_tail)
		ft->id_tail->inext = f;
	else
		ft->id_head = f;
	ft->id_tail = f;
}

/* keep the load at most one flow per bucket: double and rehash */
static void hash_grow(struct flow_table *ft)
{
	uint32_t nb = ft->nbuckets * 2;
	if (nb > FLOW_BUCKETS_MAX)
		return;
	struct flow **nbk = calloc(nb, sizeof(*nbk));
	if (!nbk)
		return;                        /* longer chains, still correct */
	for (uint32_t i = 0; i < ft->nbuckets; i++) {
		struct flow *f = ft->buckets[i], *next;
		for (; f; f = next) {
			next = f->hnext;
			f->hnext = nbk[f->hash & (nb - 1)];
			nbk[f->hash & (nb - 1)] = f;
		}
	}
	free(ft->buckets);
	ft->buckets = nbk;
	ft->nbuckets = nb;
}

/* the lookup cache slot of a port pair, the same both ways */
static unsigned recent_slot(uint16_t port1, uint16_t port2)
{
	return (port1 ^ port2) & (CAP_RECENT_FLOWS - 1);
}

static void hash_unlink(struct flow_table *ft, struct flow *f)
{
	struct flow **r = &ft->recent[recent_slot(f->a_port, f->b_port)];
	if (*r == f)
		*r = NULL;
	ft->nhashed--;
	struct flow **pp = &ft->buckets[f->hash & (ft->nbuckets - 1)];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	f->hnext = NULL;
}

/* ---- hashing and lookup ------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* an endpoint folded to 64 bits; the seed comes in below */
static uint64_t endpoint_key(const uint8_t ip[16], uint16_t port)
{
	uint64_t a, b;
	memcpy(&a, ip, 8);
	memcpy(&b, ip + 8, 8);
	return a ^ ((b << 29) | (b >> 35)) ^ ((uint64_t)port << 47) ^ port;
}

/*
 * Symmetric: (src, dst) and (dst, src) land in the same bucket, since the
 * two seeded endpoint keys are multiplied.  The 128-bit product folded
 * (wyhash's "mum") spreads every key bit over the low bits that pick the
 * bucket, in one multiply; seeded per capture so crafted traffic cannot
 * aim at one chain.
 */
static uint32_t tuple_hash(const struct flow_table *ft, const struct pkt_tuple *t,
			   uint16_t sport, uint16_t dport)
{
	uint64_t s = ft->seed ^ (uint64_t)t->family;
	uint64_t x = endpoint_key(t->src, sport) ^ s;
	uint64_t y = endpoint_key(t->dst, dport) ^ s;
#ifdef __SIZEOF_INT128__
	__uint128_t p = (__uint128_t)x * y;
	uint64_t h = (uint64_t)p ^ (uint64_t)(p >> 64);
#else
	uint64_t h = mix64(mix64(x) + mix64(y));
#endif
	return (uint32_t)(h ^ (h >> 32));
}

static inline bool same_ip(const uint8_t a[16], const uint8_t b[16])
{
	return memcmp(a, b, 16) == 0;
}

/* is f the flow of this packet, and in which direction */
static inline __attribute__((always_inline))
bool flow_is(const struct flow *f, const struct pkt_tuple *t, uint16_t sport, uint16_t dport,
	     enum cap_dir *dir)
{
	if (f->fam != t->family)
		return false;
	if (f->a_port == sport && f->b_port == dport &&
	    same_ip(f->a_ip, t->src) && same_ip(f->b_ip, t->dst)) {
		*dir = DIR_A_TO_B;
		return true;
	}
	if (f->a_port == dport && f->b_port == sport &&
	    same_ip(f->a_ip, t->dst) && same_ip(f->b_ip, t->src)) {
		*dir = DIR_B_TO_A;
		return true;
	}
	return false;
}

static struct flow *flow_find(struct flow_table *ft, const struct pkt_tuple *t,
			      uint16_t sport, uint16_t dport, uint32_t hash,
			      enum cap_dir *dir)
{
	for (struct flow *f = ft->buckets[hash & (ft->nbuckets - 1)]; f; f = f->hnext)
		if (f->hash == hash && flow_is(f, t, sport, dport, dir))
			return f;
	return NULL;
}

/*
 * The flow of a packet, or NULL; *hash is the tuple's hash either way
 * (a tuple has at most one flow in the table, so a recent one that
 * matches answers alone).
 */
static struct flow *flow_lookup(struct flow_table *ft, const struct pkt_tuple *t,
				uint16_t sport, uint16_t dport, uint32_t *hash,
				enum cap_dir *dir)
{
	struct flow **r = &ft->recent[recent_slot(sport, dport)];
	struct flow *f = *r;
	if (f && flow_is(f, t, sport, dport, dir)) {
		*hash = f->hash;
		return f;
	}
	*hash = tuple_hash(ft, t, sport, dport);
	f = flow_find(ft, t, sport, dport, *hash, dir);
	if (f)
		*r = f;
	return f;
}

/* ---- memory: flow pool, segment buffers, the shared cap ---------------- */

static struct flow *pool_get(struct flow_table *ft)
{
	if (!ft->free_list) {
		if (ft->nslabs == ft->slabs_cap) {
			size_t ncap = ft->slabs_cap ? ft->slabs_cap * 2 : 16;
			void **ns = realloc(ft->slabs, ncap * sizeof(*ns));
			if (!ns)
				return NULL;
			ft->slabs = ns;
			ft->slabs_cap = ncap;
		}
		struct flow *slab = malloc(FLOW_SLAB_COUNT * sizeof(*slab));
		if (!slab)
			return NULL;
		ft->slabs[ft->nslabs++] = slab;
		for (size_t i = 0; i < FLOW_SLAB_COUNT; i++) {
			slab[i].hnext = ft->free_list;
			ft->free_list = &slab[i];
		}
	}
	struct flow *f = ft->free_list;
	ft->free_list = f->hnext;
	return f;
}

static void pool_put(struct capture *c, struct flow *f)
{
	f->hnext = c->ft.free_list;
	c->ft.free_list = f;
	c->mem_bytes -= sizeof(struct flow);
}

static bool mem_over(struct capture *c, uint64_t add)
{
	return c->mem_bytes + add +
	       (c->cb.user_mem_bytes ? c->cb.user_mem_bytes(c->cb.user) : 0) >
	       c->cfg.memcap_bytes;
}

static __attribute__((noinline)) bool mem_evict_until(struct capture *c, const struct flow *keep,
						      uint64_t add)
{
	/* the layers above free a flow's share when it closes: re-read */
	do {
		if (!cap_flows_evict_one(c, keep))
			return false;
	} while (mem_over(c, add));
	return true;
}

/* make room for add bytes, evicting idle flows other than keep */
static inline bool mem_reserve(struct capture *c, const struct flow *keep, uint64_t add)
{
	return !mem_over(c, add) || mem_evict_until(c, keep, add);
}

static struct seg *seg_alloc(struct capture *c, const struct flow *f, uint32_t len)
{
	uint32_t cap = len <= SEG_SMALL_CAP ? SEG_SMALL_CAP : len;
	if (!mem_reserve(c, f, sizeof(struct seg) + cap))
		return NULL;
	struct seg *s;
	if (cap == SEG_SMALL_CAP && c->ft.seg_free) {
		s = c->ft.seg_free;
		c->ft.seg_free = s->next;
		c->ft.seg_free_count--;
	} else {
		s = malloc(sizeof(*s) + cap);
		if (!s)
			return NULL;
		s->cap = cap;
	}
	c->mem_bytes += sizeof(*s) + cap;
	return s;
}

static void seg_free(struct capture *c, struct seg *s)
{
	c->mem_bytes -= sizeof(*s) + s->cap;
	if (s->cap == SEG_SMALL_CAP && c->ft.seg_free_count < SEG_FREE_MAX) {
		s->next = c->ft.seg_free;
		c->ft.seg_free = s;
		c->ft.seg_free_count++;
		return;
	}
	free(s);
}

/* ---- delivery ---------------------------------------------------------- */

static void emit_data(struct capture *c, struct flow *f, int dir,
		      const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	f->h[dir].next_seq += len;
	if (len && c->cb.flow_data)
		c->cb.flow_data(c->cb.user, f->user, (enum cap_dir)dir, data, len, ts_us);
}

static void emit_gap(struct capture *c, struct flow *f, int dir, uint32_t len,
		     uint64_t ts_us)
{
	if (!len)
		return;
	f->h[dir].next_seq += len;
	c->st.tcp_gaps++;
	c->st.tcp_gap_bytes += len;
	if (c->cb.flow_gap)
		c->cb.flow_gap(c->cb.user, f->user, (enum cap_dir)dir, len, ts_us);
}

static void pop_held(struct capture *c, struct half *h)
{
	struct seg *s = h->held;
	h->held = s->next;
	h->held_bytes -= s->len;
	seg_free(c, s);
}

/* deliver held segments that now touch next_seq */
static void drain(struct capture *c, struct flow *f, int dir)
{
	struct half *h = &f->h[dir];
	struct seg *s;
	while ((s = h->held) && SEQ_LE(s->seq, h->next_seq)) {
		uint32_t skip = h->next_seq - s->seq;
		if (skip < s->len)
			emit_data(c, f, dir, s->data + skip, s->len - skip, s->ts_us);
		pop_held(c, h);
	}
}

/* give up on the first hole: report it as a gap, deliver what follows */
static void skip_first_hole(struct capture *c, struct flow *f, int dir)
{
	struct half *h = &f->h[dir];
	if (!h->held)
		return;
	emit_gap(c, f, dir, h->held->seq - h->next_seq, h->held->ts_us);
	drain(c, f, dir);
}

/* every hole is final (close, FIN, RST): gaps and held bytes up to upto */
static void flush_half(struct capture *c, struct flow *f, int dir, bool has_upto,
		       uint32_t upto, uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	while (h->held)
		skip_first_hole(c, f, dir);
	if (has_upto && h->started && SEQ_LT(h->next_seq, upto))
		emit_gap(c, f, dir, upto - h->next_seq, ts_us);
}

/* in-order bytes at next_seq; held segments in the way were first and win */
static void deliver_inorder(struct capture *c, struct flow *f, int dir,
			    const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	if (!h->held) {                        /* the common case */
		emit_data(c, f, dir, data, len, ts_us);
		return;
	}
	while (len) {
		struct seg *s = h->held;
		if (!s || SEQ_LE(h->next_seq + len, s->seq)) {
			emit_data(c, f, dir, data, len, ts_us);
			break;
		}
		uint32_t pre = s->seq - h->next_seq;
		emit_data(c, f, dir, data, pre, ts_us);
		data += pre;
		len -= pre;
		uint32_t ov = len < s->len ? len : s->len;
		if (memcmp(data, s->data, ov) != 0)
			c->st.tcp_overlap_conflict++;
		emit_data(c, f, dir, s->data, s->len, s->ts_us);
		pop_held(c, h);
		data += ov;
		len -= ov;
	}
	drain(c, f, dir);
}

/*
 * Store [seq, seq+len) beyond a hole, minus what is already held (compared:
 * a difference is an overlap conflict).  False when memory ran out; what
 * was stored before that stays.
 */
static bool hold(struct capture *c, struct flow *f, int dir, uint32_t seq,
		 const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	struct seg **pp = &h->held;
	uint32_t cur = seq, end = seq + len;
	bool conflict = false, stored = false, ok = true;

	while (SEQ_LT(cur, end)) {
		struct seg *s = *pp;
		uint32_t piece_end = end;
		if (s && SEQ_LE(s->seq + s->len, cur)) {
			pp = &s->next;
			continue;
		}
		if (s && SEQ_LT(s->seq, end)) {
			if (SEQ_LE(s->seq, cur)) {
				uint32_t s_end = s->seq + s->len;
				uint32_t oend = SEQ_LT(end, s_end) ? end : s_end;
				if (memcmp(data + (cur - seq), s->data + (cur - s->seq), oend - cur))
					conflict = true;
				cur = oend;
				pp = &s->next;
				continue;
			}
			piece_end = s->seq;
		}
		struct seg *n = seg_alloc(c, f, piece_end - cur);
		if (!n) {
			ok = false;
			break;
		}
		n->seq = cur;
		n->ts_us = ts_us;
		n->len = piece_end - cur;
		memcpy(n->data, data + (cur - seq), n->len);
		n->next = *pp;
		*pp = n;
		pp = &n->next;
		h->held_bytes += n->len;
		cur = piece_end;
		stored = true;
	}
	if (conflict)
		c->st.tcp_overlap_conflict++;
	if (stored)
		c->st.tcp_ooo_held++;
	else if (ok)
		c->st.tcp_retransmit++;
	return ok;
}

static void seg_data(struct capture *c, struct flow *f, int dir, uint32_t seq,
		     const uint8_t *data, uint32_t len, uint64_t ts_us);

/* a segment beyond a hole: hold it, or give up holes to stay under caps */
static void out_of_order(struct capture *c, struct flow *f, int dir, uint32_t seq,
			 const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	if (h->held_bytes + len > c->cfg.flow_ooo_cap_bytes) {
		c->st.tcp_ooo_dropped++;
		while (h->held && h->held_bytes + len > c->cfg.flow_ooo_cap_bytes)
			skip_first_hole(c, f, dir);
		if (h->held_bytes + len > c->cfg.flow_ooo_cap_bytes && SEQ_LT(h->next_seq, seq))
			emit_gap(c, f, dir, seq - h->next_seq, ts_us);
		seg_data(c, f, dir, seq, data, len, ts_us);
		return;
	}
	if (!hold(c, f, dir, seq, data, len, ts_us)) {
		c->st.tcp_ooo_dropped++;
		flush_half(c, f, dir, true, seq, ts_us);
		seg_data(c, f, dir, seq, data, len, ts_us);
	}
}

static void seg_data(struct capture *c, struct flow *f, int dir, uint32_t seq,
		     const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	if (h->fin) {                          /* nothing counts past the FIN */
		if (SEQ_LE(h->fin_seq, seq))
			len = 0;
		else if (SEQ_LT(h->fin_seq, seq + len))
			len = h->fin_seq - seq;
	}
	if (!len || SEQ_LE(seq + len, h->next_seq)) {
		c->st.tcp_retransmit++;        /* includes zero-window probes */
		return;
	}
	if (SEQ_LT(seq, h->next_seq)) {
		uint32_t old = h->next_seq - seq;
		c->st.tcp_retransmit++;
		data += old;
		len -= old;
		seq = h->next_seq;
	}
	if (seq == h->next_seq)
		deliver_inorder(c, f, dir, data, len, ts_us);
	else
		out_of_order(c, f, dir, seq, data, len, ts_us);
}

/* ---- flow life --------------------------------------------------------- */

static void flow_destroy(struct capture *c, struct flow *f)
{
	for (int d = 0; d < 2; d++)
		while (f->h[d].held)
			pop_held(c, &f->h[d]);
	hash_unlink(&c->ft, f);
	pool_put(c, f);
}

static void flow_close(struct capture *c, struct flow *f, enum cap_close_reason why,
		       uint64_t ts_us)
{
	struct flow_table *ft = &c->ft;
	for (int d = 0; d < 2; d++)
		flush_half(c, f, d, f->h[d].fin, f->h[d].fin_seq, ts_us);
	if (c->cb.flow_close)
		c->cb.flow_close(c->cb.user, f->user, why, ts_us);
	c->mem_bytes -= c->cfg.flow_user_bytes;   /* the layers above let go */
	f->user = NULL;
	lru_unlink(&ft->lru_head, &ft->lru_tail, f);
	id_unlink(ft, f);
	if (why == CLOSE_FIN || why == CLOSE_RST) {
		f->state = FS_DEAD;
		f->last_us = c->now_us;
		lru_append(&ft->dead_head, &ft->dead_tail, f);
		return;
	}
	flow_destroy(c, f);
}

static void dead_free(struct capture *c, struct flow *f)
{
	lru_unlink(&c->ft.dead_head, &c->ft.dead_tail, f);
	flow_destroy(c, f);
}

bool cap_flows_evict_one(struct capture *c, const struct flow *keep)
{
	struct flow_table *ft = &c->ft;
	if (ft->dead_head) {                   /* costs nothing to forget */
		dead_free(c, ft->dead_head);
		return true;
	}
	struct flow *f = ft->lru_head;
	if (f == keep && f)
		f = f->lnext;
	if (!f)
		return false;
	c->st.flows_evicted++;
	flow_close(c, f, CLOSE_EVICTED, c->now_us);
	return true;
}

static struct flow *flow_new(struct capture *c, const struct pkt_tuple *t,
			     uint16_t sport, uint16_t dport, uint8_t flags,
			     uint32_t hash, uint64_t ts_us, enum cap_dir *dir)
{
	struct flow_table *ft = &c->ft;
	/* over the cap with nothing left to evict: one flow still goes through */
	mem_reserve(c, NULL, sizeof(struct flow) + c->cfg.flow_user_bytes);
	struct flow *f = pool_get(ft);
	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	c->mem_bytes += sizeof(*f) + c->cfg.flow_user_bytes;   /* upper layers' share */

	bool src_is_a;
	if (flags & TCPF_SYN) {
		src_is_a = !(flags & TCPF_ACK); /* SYN from A, SYN-ACK from B */
		f->fi.syn_seen = true;
	} else {
		src_is_a = sport >= dport;     /* clients use the high ports */
	}
	*dir = src_is_a ? DIR_A_TO_B : DIR_B_TO_A;
	f->fam = (uint8_t)t->family;
	f->fi.family = t->family == 4 ? AF_INET : AF_INET6;
	memcpy(f->fi.a_ip, src_is_a ? t->src : t->dst, 16);
	memcpy(f->fi.b_ip, src_is_a ? t->dst : t->src, 16);
	f->fi.a_port = src_is_a ? sport : dport;
	f->fi.b_port = src_is_a ? dport : sport;
	memcpy(f->a_ip, f->fi.a_ip, 16);
	memcpy(f->b_ip, f->fi.b_ip, 16);
	f->a_port = f->fi.a_port;
	f->b_port = f->fi.b_port;
	f->fi.flow_id = ++c->next_flow_id;
	f->fi.first_ts_us = ts_us;
	f->hash = hash;
	f->state = FS_ACTIVE;

	if (++ft->nhashed > ft->nbuckets)
		hash_grow(ft);
	struct flow **b = &ft->buckets[hash & (ft->nbuckets - 1)];
	f->hnext = *b;
	*b = f;
	f->last_us = f->lru_us = c->now_us;
	lru_append(&ft->lru_head, &ft->lru_tail, f);
	id_append(ft, f);
	c->st.flows++;
	ft->recent[recent_slot(f->a_port, f->b_port)] = f;
	f->user = c->cb.flow_open ? c->cb.flow_open(c->cb.user, &f->fi) : NULL;
	return f;
}

/*
 * Moving a flow to the lru tail writes its two neighbours: three cache
 * misses per packet.  So a flow moves at most once per LRU_STEP_US;
 * cap_flows_expire re-queues a head that was active since it last moved,
 * which keeps timeouts exact and eviction nearly oldest-first.
 */
#define LRU_STEP_US 1000000ull

static void lru_move_tail(struct flow_table *ft, struct flow *f)
{
	f->lru_us = f->last_us;
	if (ft->lru_tail != f) {
		lru_unlink(&ft->lru_head, &ft->lru_tail, f);
		lru_append(&ft->lru_head, &ft->lru_tail, f);
	}
}

static void touch(struct flow_table *ft, struct flow *f, uint64_t now_us)
{
	f->last_us = now_us;
	if (now_us - f->lru_us >= LRU_STEP_US)
		lru_move_tail(ft, f);
}

static void on_fin(struct capture *c, struct flow *f, int dir, uint32_t fin_seq,
		   uint64_t ts_us)
{
	struct half *h = &f->h[dir];
	if (h->fin)
		return;                        /* a retransmitted FIN */
	/*
	 * A hole before this FIN may still fill (the FIN overtook a segment);
	 * once both sides have said they are done it will not, and
	 * flow_close reports it as a gap up to the FIN.
	 */
	h->fin = true;
	h->fin_seq = fin_seq;
	if (f->h[dir ^ 1].fin)
		flow_close(c, f, CLOSE_FIN, ts_us);
}

/* a SYN from the initiator with another ISN than the one we saw: a new
   connection on the same 4-tuple (a retransmitted SYN has the same ISN) */
static bool syn_reuses_tuple(const struct flow *f, enum cap_dir dir, uint8_t flags,
			     uint32_t seq)
{
	const struct half *h = &f->h[dir];
	return (flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN && h->syn && h->isn != seq;
}

/* bytes of a started half: in order on a clean half (the common case)
   they go straight up, anything else through seg_data */
static inline void half_input(struct capture *c, struct flow *f, int dir, uint32_t seq,
			      const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	const struct half *h = &f->h[dir];
	if (seq == h->next_seq && !h->held && !h->fin && (int32_t)len > 0)
		emit_data(c, f, dir, data, len, ts_us);
	else
		seg_data(c, f, dir, seq, data, len, ts_us);
}

/* a segment on no open flow, or one that opens, closes or restarts one */
static __attribute__((noinline)) void segment_slow(struct capture *c, const struct tcp_seg *sg,
						   struct flow *f, enum cap_dir dir, uint32_t hash)
{
	struct flow_table *ft = &c->ft;
	uint32_t seq = sg->seq;
	uint8_t flags = sg->flags;
	size_t len = sg->len;
	uint64_t ts_us = sg->ts_us;

	if (f && f->state == FS_ACTIVE && f->last_us + c->cfg.idle_timeout_us < c->now_us) {
		c->st.flows_timed_out++;       /* before the sweep got to it */
		flow_close(c, f, CLOSE_TIMEOUT, f->last_us + c->cfg.idle_timeout_us);
		f = NULL;
	}
	if (f && f->state == FS_ACTIVE && syn_reuses_tuple(f, dir, flags, seq)) {
		/* the old connection ended unseen (its FIN/RST not captured) */
		flow_close(c, f, CLOSE_EOF, ts_us);   /* frees f */
		f = NULL;
	}
	if (f && f->state == FS_DEAD) {
		if ((flags & (TCPF_SYN | TCPF_ACK)) != TCPF_SYN) {
			if (len)
				c->st.tcp_retransmit++;
			return;
		}
		dead_free(c, f);               /* a new connection on the tuple */
		f = NULL;
	}
	if (!f) {
		/* a bare ACK/FIN/RST of a flow we never saw carries nothing */
		if (!(flags & TCPF_SYN) && len == 0)
			return;
		f = flow_new(c, sg->t, sg->sport, sg->dport, flags, hash, ts_us, &dir);
		if (!f)
			return;
	} else {
		touch(ft, f, c->now_us);
	}

	struct half *h = &f->h[dir];
	if (flags & TCPF_SYN) {
		if (!h->started) {
			h->started = true;
			h->next_seq = seq + 1;
			h->syn = true;
			h->isn = seq;
		}
		seq++;                         /* the SYN takes one number */
	}
	if (flags & TCPF_RST) {
		flow_close(c, f, CLOSE_RST, ts_us);
		return;
	}
	if (!h->started && (len || (flags & TCPF_FIN))) {
		h->started = true;             /* mid-stream pick-up */
		h->next_seq = seq;
	}
	/* the layers above grew (copies, queues): make room before more */
	if (len && c->cb.user_mem_bytes)
		mem_reserve(c, f, 0);
	if (len)
		seg_data(c, f, dir, seq, sg->data, (uint32_t)len, ts_us);
	if (flags & TCPF_FIN)
		on_fin(c, f, dir, seq + (uint32_t)len, ts_us);
}

void cap_tcp_segment(struct capture *c, const struct tcp_seg *sg)
{
	uint32_t hash;
	enum cap_dir dir = DIR_A_TO_B;         /* set when f is */
	struct flow *f = flow_lookup(&c->ft, sg->t, sg->sport, sg->dport, &hash, &dir);

	if (!f || f->state != FS_ACTIVE || (sg->flags & (TCPF_SYN | TCPF_RST | TCPF_FIN)) ||
	    f->last_us + c->cfg.idle_timeout_us < c->now_us) {
		segment_slow(c, sg, f, dir, hash);
		return;
	}
	/* an open flow's plain segment: what segment_slow would do, in short */
	touch(&c->ft, f, c->now_us);
	if (!sg->len)
		return;
	struct half *h = &f->h[dir];
	if (!h->started) {
		h->started = true;             /* mid-stream pick-up */
		h->next_seq = sg->seq;
	}
	/* the layers above grew (copies, queues): make room before more */
	if (c->cb.user_mem_bytes)
		mem_reserve(c, f, 0);
	half_input(c, f, dir, sg->seq, sg->data, (uint32_t)sg->len, sg->ts_us);
}

/* ---- time, flush, setup ------------------------------------------------ */

/*
 * Sweeps run at most every SWEEP_US of capture time (not per packet);
 * a packet of an expired flow is caught at lookup (flow_expired), so
 * timeouts stay exact.
 */
#define SWEEP_US 10000ull

void cap_flows_sweep(struct capture *c)
{
	struct flow_table *ft = &c->ft;
	uint64_t idle = c->cfg.idle_timeout_us;
	uint64_t linger = idle < CAP_LINGER_US ? idle : CAP_LINGER_US;

	ft->next_sweep_us = c->now_us + (idle / 4 < SWEEP_US ? idle / 4 : SWEEP_US);

	while (ft->lru_head && ft->lru_head->lru_us + idle < c->now_us) {
		struct flow *f = ft->lru_head;
		if (f->last_us + idle >= c->now_us) {
			lru_move_tail(ft, f);  /* active since it last moved */
			continue;
		}
		c->st.flows_timed_out++;
		flow_close(c, f, CLOSE_TIMEOUT, f->last_us + idle);
	}
	while (ft->dead_head && ft->dead_head->last_us + linger < c->now_us)
		dead_free(c, ft->dead_head);
}

void cap_flows_flush(struct capture *c)
{
	while (c->ft.id_head)
		flow_close(c, c->ft.id_head, CLOSE_EOF, c->now_us);
}

bool cap_flows_init(struct capture *c)
{
	/* small to start: a bucket array much larger than the flows in it
	   costs a cache miss per packet */
	c->ft.nbuckets = FLOW_BUCKETS_MIN;
	if (getrandom(&c->ft.seed, sizeof(c->ft.seed), GRND_NONBLOCK) != sizeof(c->ft.seed))
		c->ft.seed = mix64((uint64_t)(uintptr_t)c ^ (uint64_t)time(NULL));
	c->ft.buckets = calloc(c->ft.nbuckets, sizeof(*c->ft.buckets));
	return c->ft.buckets != NULL;
}

void cap_flows_free(struct capture *c)
{
	struct flow_table *ft = &c->ft;
	while (ft->dead_head)
		dead_free(c, ft->dead_head);
	for (struct flow *f = ft->id_head; f; f = f->inext)
		for (int d = 0; d < 2; d++)
			while (f->h[d].held)
				pop_held(c, &f->h[d]);
	while (ft->seg_free) {
		struct seg *s = ft->seg_free;
		ft->seg_free = s->next;
		free(s);
	}
	for (size_t i = 0; i < ft->nslabs; i++)
		free(ft->slabs[i]);
	free(ft->slabs);
	free(ft->buckets);
	memset(ft, 0, sizeof(*ft));
}
