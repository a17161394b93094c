/* digest.c - sha256 through OpenSSL's SHA256 functions; see digest.h.
 * The low-level functions, not EVP: EVP's first use loads OpenSSL's default
 * provider and its tables of algorithms, and registers their cleanup at exit,
 * which costs a short-lived program such as rc-unpack several milliseconds. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "base/digest.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rc_sha256_init(struct rc_sha256 *h)
{
	SHA256_CTX *ctx = malloc(sizeof *ctx);

	if (!ctx || SHA256_Init(ctx) != 1) {
		free(ctx);
		h->ctx = NULL;
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

void rc_sha256_update(struct rc_sha256 *h, const void *data, size_t len)
{
	if (len)
		SHA256_Update(h->ctx, data, len);
}

void rc_sha256_final(struct rc_sha256 *h, char out[RC_DIGEST_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256_Final(md, h->ctx);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
	rc_sha256_free(h);
}

void rc_sha256_free(struct rc_sha256 *h)
{
	free(h->ctx);
	h->ctx = NULL;
}

int rc_sha256_buf(const void *data, size_t len, char out[RC_DIGEST_LEN])
{
	struct rc_sha256 h;

	if (rc_sha256_init(&h) < 0)
		return -1;
	rc_sha256_update(&h, data, len);
	rc_sha256_final(&h, out);
	return 0;
}
