/*
 * der.h - a bounded DER (X.690) reader on top of struct rd, for SPNEGO
 * (RFC 4178) and Kerberos (RFC 4120).
 *
 * What a caller may rely on: der_next reads one TLV at the reader's
 * position, checks its length against what is left, and returns NULL or
 * an anomaly name: "der_truncated" (header cut), "der_bad_length" (length
 * past the container, or a long form over 4 bytes), "der_indefinite_length"
 * (BER 0x80, refused), "der_bad_tag".  der_check walks every constructed
 * element of a buffer and refuses nesting deeper than DER_MAX_DEPTH
 * ("der_too_deep"), so the fixed-shape walkers above it never see a
 * malformed length.
 */
#ifndef AUTHSCOPE_DER_H
#define AUTHSCOPE_DER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "capture/rd.h"

#define DER_MAX_DEPTH 32

enum der_class { DER_UNIVERSAL = 0, DER_APPLICATION = 1, DER_CONTEXT = 2, DER_PRIVATE = 3 };

/* universal tags used here */
#define DER_INTEGER      0x02
#define DER_BIT_STRING   0x03
#define DER_OCTET_STRING 0x04
#define DER_OID          0x06
#define DER_ENUMERATED   0x0a
#define DER_SEQUENCE     0x10
#define DER_GENERAL_STRING 0x1b

struct der_tlv {
	enum der_class cls;
	bool constructed;
	uint32_t tag;
	struct rd val;    /* the contents */
	struct rd whole;  /* header + contents, for callers that keep the element */
};

const char *der_next(struct rd *r, struct der_tlv *t);

/* validate the whole buffer (every TLV, recursively) */
const char *der_check(struct rd r);

/* contents as a signed integer; false when empty or over 8 bytes */
bool der_int(struct rd v, int64_t *out);

/* BIT STRING contents (first byte = unused bits) as the first 32 bits,
   bit 0 of the ASN.1 string in the top bit, as Kerberos and SPNEGO
   flags are written */
bool der_bits32(struct rd v, uint32_t *out);

/* OID contents as dotted text into buf (always NUL-terminated); false
   when malformed or too long for buf */
bool der_oid_str(struct rd v, char *buf, size_t n);

bool der_is(const struct der_tlv *t, enum der_class cls, uint32_t tag);

/*
 * Walk the contents of a SEQUENCE whose fields are all [n] EXPLICIT:
 * fn gets each tag number and the element inside it.  An element that is
 * not a constructed context tag returns not_tagged; the first non-NULL
 * result of fn stops the walk and is returned.
 */
typedef const char *(*der_field_fn)(uint32_t tag, struct der_tlv *inner, void *ctx);
const char *der_walk_fields(struct rd seq_contents, der_field_fn fn, void *ctx,
			    const char *not_tagged);

#endif
