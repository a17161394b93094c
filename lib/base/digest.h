/* digest.h - sha256 content digests in OCI form ("sha256:<64 hex>"). */
#ifndef RC_DIGEST_H
#define RC_DIGEST_H

#include <stddef.h>

#define RC_DIGEST_LEN 72 /* "sha256:" + 64 hex + NUL */

struct rc_sha256 {
	void *ctx; /* OpenSSL SHA256_CTX, opaque here */
};

/* 0 or -1 (out of memory). */
int rc_sha256_init(struct rc_sha256 *h);
void rc_sha256_update(struct rc_sha256 *h, const void *data, size_t len);
/* Writes "sha256:<hex>" into out and releases the context. */
void rc_sha256_final(struct rc_sha256 *h, char out[RC_DIGEST_LEN]);
/* Releases the context without a result (error paths). */
void rc_sha256_free(struct rc_sha256 *h);

/* One-shot digest of a buffer. 0 or -1. */
int rc_sha256_buf(const void *data, size_t len, char out[RC_DIGEST_LEN]);

#endif
