/*
 * test_json_escape_portable.c - test_json_escape.c on jsonw's portable
 * escaper (eight bytes per step in a word, no SSE2): jsonw.c is built
 * into this test with JSONW_PORTABLE, so its symbols come from here and
 * not from the library.
 */
#define JSONW_PORTABLE 1
#include "report/jsonw.c"
#include "test_json_escape.c"
