#ifndef C_EVIDENCE_CURL_H
#define C_EVIDENCE_CURL_H
// libcurl's types and option numbers (from libcurl4-openssl-dev's headers), with the library itself loaded only when
// a request is made: `dlopen("libcurl.so.4")` the first time, never at program start. Linking libcurl would load it
// and the thirty libraries it needs (TLS, Kerberos, LDAP, ...) into every run of every command; only `publish` sends
// requests. The module map therefore links nothing.
//
// curl_easy_setopt and curl_easy_getinfo are variadic: Swift cannot call them, so each use has a typed wrapper here
// that calls through the loaded pointer with the argument type the option takes.
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

typedef struct cevidence_curl {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *handle);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} cevidence_curl;

// The text of the last dlopen or dlsym failure, or `fallback` when dlerror has none: never NULL, which would mean
// success to the caller.
static inline const char *cevidence_curl_dlerror(const char *fallback) {
    const char *text = dlerror();
    return text != NULL ? text : fallback;
}

// Loads `library` and its entry points into `api`, then runs curl_global_init. Returns NULL on success, else what
// failed (dlerror's text, or the name of the failing step); the library stays loaded for the life of the process.
// Not thread-safe: the caller runs it once.
static inline const char *cevidence_curl_load(const char *library, cevidence_curl *api) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return cevidence_curl_dlerror("dlopen failed");
#define CEVIDENCE_CURL_SYMBOL(field, name)                                                                           \
    *(void **)(&api->field) = dlsym(handle, name);                                                                   \
    if (api->field == NULL) return cevidence_curl_dlerror("no symbol " name);
    CEVIDENCE_CURL_SYMBOL(global_init, "curl_global_init")
    CEVIDENCE_CURL_SYMBOL(easy_init, "curl_easy_init")
    CEVIDENCE_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    CEVIDENCE_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    CEVIDENCE_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    CEVIDENCE_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    CEVIDENCE_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    CEVIDENCE_CURL_SYMBOL(slist_append, "curl_slist_append")
    CEVIDENCE_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
#undef CEVIDENCE_CURL_SYMBOL
    if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return "curl_global_init failed";
    return NULL;
}

// The calls Swift makes, each through the loaded pointer (the variadic ones with the argument type the option takes).
static inline CURL *cevidence_curl_init(const cevidence_curl *api) { return api->easy_init(); }

static inline void cevidence_curl_cleanup(const cevidence_curl *api, CURL *handle) { api->easy_cleanup(handle); }

static inline CURLcode cevidence_curl_perform(const cevidence_curl *api, CURL *handle) {
    return api->easy_perform(handle);
}

static inline const char *cevidence_curl_strerror(const cevidence_curl *api, CURLcode code) {
    return api->easy_strerror(code);
}

static inline struct curl_slist *cevidence_curl_list_append(const cevidence_curl *api, struct curl_slist *list,
                                                           const char *text) {
    return api->slist_append(list, text);
}

static inline void cevidence_curl_list_free(const cevidence_curl *api, struct curl_slist *list) {
    api->slist_free_all(list);
}

static inline CURLcode cevidence_curl_set_long(const cevidence_curl *api, CURL *handle, CURLoption option, long value) {
    return api->easy_setopt(handle, option, value);
}

static inline CURLcode cevidence_curl_set_offset(const cevidence_curl *api, CURL *handle, CURLoption option,
                                                 curl_off_t value) {
    return api->easy_setopt(handle, option, value);
}

// Options taking a string (copied by curl), a buffer or a list (read during the transfer), or a context pointer.
static inline CURLcode cevidence_curl_set_pointer(const cevidence_curl *api, CURL *handle, CURLoption option,
                                                  const void *value) {
    return api->easy_setopt(handle, option, value);
}

// A write or header callback: CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION.
typedef size_t (*cevidence_curl_receive)(char *data, size_t size, size_t count, void *context);

static inline CURLcode cevidence_curl_set_receiver(const cevidence_curl *api, CURL *handle, CURLoption option,
                                                   cevidence_curl_receive receiver) {
    return api->easy_setopt(handle, option, receiver);
}

static inline CURLcode cevidence_curl_response_code(const cevidence_curl *api, CURL *handle, long *code) {
    return api->easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}

#endif
