#ifndef C_EVIDENCE_CRYPTO_H
#define C_EVIDENCE_CRYPTO_H
// The EVP interfaces, the RFC 3161 time-stamp interfaces, plus one wrapper over the low-level SHA-256 functions and
// three over the certificate stack (below).
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/sha.h>

// BIO_get_mem_data is a macro over BIO_ctrl, which Swift does not import.
static inline long cevidence_bio_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

// The STACK_OF(X509) operations are macros, which Swift does not import.
static inline STACK_OF(X509) *cevidence_x509_stack_new(void) { return sk_X509_new_null(); }

// Pushes `certificate` (taking its reference) on `stack`; 0 on failure.
static inline int cevidence_x509_stack_push(STACK_OF(X509) *stack, X509 *certificate) {
    return sk_X509_push(stack, certificate) > 0;
}

static inline void cevidence_x509_stack_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

// SHA-256(prefix || first || second) into out[32]; prefix is one byte, or none when negative.
//
// Merkle leaves and nodes are millions of small messages. EVP sets up and frees a provider context for each
// digest, which costs as much as hashing 65 bytes; the low-level functions, deprecated in OpenSSL 3 but built and
// using the same block code (SHA extensions where the CPU has them), keep the context on this stack frame. Only
// this wrapper calls them, so only it silences the deprecation.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static inline int cevidence_sha256(int prefix, const void *first, size_t first_count, const void *second,
                                   size_t second_count, unsigned char *out) {
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1) return 0;
    if (prefix >= 0) {
        unsigned char byte = (unsigned char)prefix;
        if (SHA256_Update(&context, &byte, 1) != 1) return 0;
    }
    if (first_count > 0 && SHA256_Update(&context, first, first_count) != 1) return 0;
    if (second_count > 0 && SHA256_Update(&context, second, second_count) != 1) return 0;
    return SHA256_Final(out, &context);
}
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif
