/*
 * utf.h - turn wire strings into owned, NUL-terminated UTF-8.
 *
 * What a caller may rely on: every function reads exactly the n bytes
 * given (never assumes a terminator), returns a malloc'd string (never
 * NULL unless out of memory), and the result is valid UTF-8 without
 * embedded NULs: bad sequences, lone surrogates and U+0000 become U+FFFD
 * (a NUL inside a user name must not silently shorten it).  Control
 * characters are kept; writers escape them.
 */
#ifndef AUTHSCOPE_UTF_H
#define AUTHSCOPE_UTF_H

#include <stddef.h>
#include <stdint.h>

/* UTF-16LE (NTLMSSP unicode strings, AV pairs); an odd trailing byte is
   one U+FFFD */
char *utf16le_to_utf8(const uint8_t *p, size_t n);

/* 8-bit strings (NTLM OEM, Kerberos GeneralString, HTTP): valid UTF-8
   and ASCII kept, every other byte is U+FFFD */
char *bytes_to_utf8(const uint8_t *p, size_t n);

#endif
