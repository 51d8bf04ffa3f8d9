#ifndef C_EVIDENCE_CRYPTO_H
#define C_EVIDENCE_CRYPTO_H
// Only the EVP interfaces: the low-level SHA256_Init family is deprecated in OpenSSL 3.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#endif
