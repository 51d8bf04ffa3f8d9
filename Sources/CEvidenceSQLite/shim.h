#ifndef C_EVIDENCE_SQLITE_H
#define C_EVIDENCE_SQLITE_H
#include <sqlite3.h>
// SQLITE_TRANSIENT casts -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type cevidence_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
