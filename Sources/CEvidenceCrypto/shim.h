#ifndef C_EVIDENCE_CRYPTO_H
#define C_EVIDENCE_CRYPTO_H
// Only the EVP interfaces: the low-level SHA256_Init family is deprecated in OpenSSL 3.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

// BIO_get_mem_data is a macro over BIO_ctrl, which Swift does not import.
static inline long cevidence_bio_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
#endif
