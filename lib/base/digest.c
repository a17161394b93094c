/* digest.c - sha256 through OpenSSL's EVP interface; see digest.h. */
#include "base/digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int rc_sha256_init(struct rc_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		h->ctx = NULL;
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

void rc_sha256_update(struct rc_sha256 *h, const void *data, size_t len)
{
	if (len)
		EVP_DigestUpdate(h->ctx, data, len);
}

void rc_sha256_final(struct rc_sha256 *h, char out[RC_DIGEST_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
	rc_sha256_free(h);
}

void rc_sha256_free(struct rc_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
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
