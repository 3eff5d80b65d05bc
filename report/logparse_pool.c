/*
 * logparse_pool.c - interned strings in arena chunks.
 *
 * verify keeps one compact copy per wire record and per unmatched log
 * line; method, user, domain and most URLs repeat, so each distinct string
 * is stored once.  Open addressing on a power-of-two table.
 */
#include <stdlib.h>
#include <string.h>

#include "logparse.h"

#define CHUNK_BYTES (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct slot {
	uint64_t hash;
	const char *s;
	size_t len;
};

struct strpool {
	struct chunk *chunks;
	struct slot *tab;
	size_t tab_size;       /* power of two */
	size_t count;
	size_t bytes;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

struct strpool *strpool_new(void)
{
	struct strpool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tab_size = 1024;
	p->tab = calloc(p->tab_size, sizeof(*p->tab));
	if (!p->tab) {
		free(p);
		return NULL;
	}
	return p;
}

static char *arena_alloc(struct strpool *p, size_t n)
{
	struct chunk *c = p->chunks;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_BYTES / 4 ? n : CHUNK_BYTES;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		/* a big one-off string gets its own chunk behind the current one
		   so the current chunk's free space is not thrown away */
		if (cap != CHUNK_BYTES && p->chunks) {
			c->next = p->chunks->next;
			p->chunks->next = c;
		} else {
			c->next = p->chunks;
			p->chunks = c;
		}
		p->bytes += sizeof(*c) + cap;
	}
	char *r = c->data + c->used;
	c->used += n;
	return r;
}

static bool grow(struct strpool *p)
{
	size_t nsize = p->tab_size * 2;
	struct slot *nt = calloc(nsize, sizeof(*nt));
	if (!nt)
		return false;
	for (size_t i = 0; i < p->tab_size; i++) {
		if (!p->tab[i].s)
			continue;
		size_t j = p->tab[i].hash & (nsize - 1);
		while (nt[j].s)
			j = (j + 1) & (nsize - 1);
		nt[j] = p->tab[i];
	}
	free(p->tab);
	p->bytes += (nsize - p->tab_size) * sizeof(*nt);
	p->tab = nt;
	p->tab_size = nsize;
	return true;
}

const char *strpool_add(struct strpool *p, const char *s, size_t len)
{
	if (!p || !s)
		return NULL;
	if (!p->tab) {
		/* sealed: a fresh table, strings from before are not shared */
		if (!(p->tab = calloc(1024, sizeof(*p->tab))))
			return NULL;
		p->tab_size = 1024;
	}
	if ((p->count + 1) * 4 > p->tab_size * 3 && !grow(p))
		return NULL;
	uint64_t h = hash_bytes(s, len);
	size_t j = h & (p->tab_size - 1);
	while (p->tab[j].s) {
		if (p->tab[j].hash == h && p->tab[j].len == len &&
		    memcmp(p->tab[j].s, s, len) == 0)
			return p->tab[j].s;
		j = (j + 1) & (p->tab_size - 1);
	}
	char *d = arena_alloc(p, len + 1);
	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	p->tab[j].hash = h;
	p->tab[j].s = d;
	p->tab[j].len = len;
	p->count++;
	return d;
}

const char *strpool_str(struct strpool *p, const char *s)
{
	return s ? strpool_add(p, s, strlen(s)) : NULL;
}

void strpool_seal(struct strpool *p)
{
	if (!p || !p->tab)
		return;
	/* bytes counts the table's growth beyond its first 1024 slots */
	p->bytes -= (p->tab_size - 1024) * sizeof(*p->tab);
	free(p->tab);
	p->tab = NULL;
	p->tab_size = 0;
	p->count = 0;
}

size_t strpool_bytes(const struct strpool *p)
{
	return p ? p->bytes + p->tab_size * sizeof(struct slot) : 0;
}

void strpool_free(struct strpool *p)
{
	if (!p)
		return;
	struct chunk *c = p->chunks;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(p->tab);
	free(p);
}
