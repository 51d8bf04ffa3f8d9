#ifndef C_EVIDENCE_ZLIB_H
#define C_EVIDENCE_ZLIB_H
#include <zlib.h>
// deflateInit2 and inflateInit2 are function-like macros (they pass
// ZLIB_VERSION and sizeof(z_stream)), which Swift does not import.
static inline int cevidence_deflate_init(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int cevidence_inflate_init(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
