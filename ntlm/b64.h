/*
 * b64.h - strict base64 (RFC 4648 section 4) for header tokens.
 *
 * What a caller may rely on: surrounding whitespace (SP, HTAB, CR, LF) is
 * ignored; anything else that is not in the alphabet, whitespace inside
 * the token, a length that is not a multiple of 4, '=' anywhere but the
 * last one or two places, or non-zero bits under the padding make the
 * decode fail.  On success *out is malloc'd (*out_len may be 0, *out is
 * then still a valid allocation) and the caller frees it.
 */
#ifndef AUTHSCOPE_B64_H
#define AUTHSCOPE_B64_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

bool b64_decode(const char *s, size_t n, uint8_t **out, size_t *out_len);

/* true when c belongs to the base64 alphabet or is '=' */
bool b64_char(char c);

#endif
