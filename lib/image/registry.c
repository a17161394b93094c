/* registry.c - OCI distribution client over libcurl; see registry.h. */
#include "image/registry.h"
#include "base/cleanup.h"
#include "base/digest.h"
#include "base/fs.h"
#include "image/manifest.h"
#include "base/state.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define USER_AGENT "rc-pull/" RC_VERSION
#define ERROR_BODY_MAX (64u << 10)
#define MAX_REDIRECTS 10
#define MAX_RETRY_AFTER_S 60
#define MAX_BACKOFF_MS 30000

struct rc_registry {
	char base[600];        /* scheme://host[:port] */
	char host[RC_REF_DOMAIN_MAX];
	char repo[RC_REF_PATH_MAX];
	bool allow_http;       /* loopback or --insecure */
	bool insecure;         /* --insecure: TLS certificates not verified */
	struct rc_creds creds;
	unsigned attempts, backoff_ms;
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t auth_lock;
	char *auth;            /* "Authorization: ..." header, or NULL */
};

/* Why a blob stream was cut short by us rather than by the network. */
enum sink_fail { SINK_OK, SINK_RESTART, SINK_TOO_BIG, SINK_IO };

#define SINK_BUF (256u << 10)

struct sink {
	int fd;
	char *buf;              /* bytes hashed but not yet written: fewer, larger writes */
	size_t buffered;
	const struct rc_descriptor *d;
	struct rc_sha256 h;
	int64_t have;           /* bytes in the file, all hashed */
	bool started;           /* this response's body has begun */
	enum sink_fail fail;
	int io_errno;
	rc_registry_progress_fn progress;
	void *arg;
};

struct request {
	char url[4096];
	const char *accept;
	bool registry_auth;             /* send and renew the registry's credentials */
	bool any_status;                /* any HTTP answer is a result (ping) */
	const struct rc_creds *basic;   /* credentials for a token service */
	unsigned attempts;
	long connect_timeout;
	struct sink *sink;
	/* the response */
	long status;
	char content_type[RC_MEDIA_TYPE_MAX];
	char content_range[128];
	char retry_after[64];
	char www_auth[1024];
	char docker_digest[RC_DIGEST_LEN + 8];
	char *body;
	size_t len, cap, max;
	bool too_big;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *arg)
{
	struct rc_registry *r = arg;
	(void)h;
	(void)a;
	pthread_mutex_lock(&r->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct rc_registry *r = arg;
	(void)h;
	pthread_mutex_unlock(&r->share_locks[data]);
}

static const char *status_text(long s)
{
	switch (s) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 416: return "Range Not Satisfiable";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* "404 Not Found: manifest unknown" from the status and the registry's
 * {"errors":[{"code":..,"message":..}]} body (or the first line of a
 * plain-text body). */
static void describe_status(const struct request *rq, char *buf, size_t n)
{
	json_auto_t *root = NULL;
	const char *msg = NULL;
	char text[200] = "";
	int used;

	if (rq->body && rq->len) {
		json_t *first;
		root = json_loadb(rq->body, rq->len, 0, NULL);
		first = json_array_get(json_object_get(root, "errors"), 0);
		msg = json_string_value(json_object_get(first, "message"));
		if (!msg)
			msg = json_string_value(json_object_get(first, "code"));
		if (!msg)
			msg = json_string_value(json_object_get(root, "details"));
		if (!root) {
			size_t l = strcspn(rq->body, "\r\n");
			if (l >= sizeof text)
				l = sizeof text - 1;
			memcpy(text, rq->body, l);
			text[l] = '\0';
			for (size_t i = 0; i < l; i++)
				if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
					text[i] = '?';
			msg = text[0] ? text : NULL;
		}
	}
	used = snprintf(buf, n, "the registry answered %ld %s", rq->status, status_text(rq->status));
	if (msg && used >= 0 && (size_t)used < n)
		snprintf(buf + used, n - (size_t)used, ": %s", msg);
}

static bool header_is(const char *line, size_t len, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	*value = line + n + 1;
	while (**value == ' ' || **value == '\t')
		(*value)++;
	return true;
}

static void header_copy(char *dst, size_t n, const char *v, const char *end)
{
	size_t len = (size_t)(end - v);

	while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct request *rq = arg;
	size_t len = size * nmemb;
	const char *v, *end = line + len;

	if (len > 5 && !strncmp(line, "HTTP/", 5)) {
		/* a new response (after a 100 Continue, say): forget the last */
		rq->status = 0;
		rq->content_type[0] = rq->content_range[0] = '\0';
		rq->retry_after[0] = rq->www_auth[0] = rq->docker_digest[0] = '\0';
		rq->len = 0;
		const char *sp = memchr(line, ' ', len);
		if (sp)
			rq->status = strtol(sp + 1, NULL, 10);
	} else if (header_is(line, len, "content-type", &v)) {
		header_copy(rq->content_type, sizeof rq->content_type, v, end);
	} else if (header_is(line, len, "content-range", &v)) {
		header_copy(rq->content_range, sizeof rq->content_range, v, end);
	} else if (header_is(line, len, "retry-after", &v)) {
		header_copy(rq->retry_after, sizeof rq->retry_after, v, end);
	} else if (header_is(line, len, "docker-content-digest", &v)) {
		header_copy(rq->docker_digest, sizeof rq->docker_digest, v, end);
	} else if (header_is(line, len, "www-authenticate", &v)) {
		if (!rq->www_auth[0])
			header_copy(rq->www_auth, sizeof rq->www_auth, v, end);
	}
	return len;
}

static int sink_flush(struct sink *s)
{
	int r;

	if (!s->buffered)
		return 0;
	r = rc_write_all(s->fd, s->buf, s->buffered);
	s->buffered = 0;
	if (r < 0) {
		s->io_errno = -r;
		return -1;
	}
	return 0;
}

static int sink_restart(struct sink *s)
{
	rc_sha256_free(&s->h);
	s->have = 0;
	s->buffered = 0;
	if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0) {
		s->io_errno = errno;
		return -1;
	}
	if (rc_sha256_init(&s->h) < 0) {
		s->io_errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* "bytes START-END/TOTAL": only a range starting at what we have is usable. */
static bool content_range_starts_at(const char *cr, int64_t at)
{
	char *end;
	long long start;

	if (strncasecmp(cr, "bytes ", 6) != 0)
		return false;
	errno = 0;
	start = strtoll(cr + 6, &end, 10);
	return errno == 0 && end != cr + 6 && *end == '-' && start == at;
}

static bool sink_write(struct request *rq, const char *p, size_t n)
{
	struct sink *s = rq->sink;
	int r;

	if (!s->started) {
		s->started = true;
		if (rq->status == 206 && !content_range_starts_at(rq->content_range, s->have)) {
			s->fail = SINK_RESTART;
			return false;
		}
		if (rq->status == 200 && s->have > 0 && sink_restart(s) < 0) {
			s->fail = SINK_IO;
			return false;
		}
	}
	if (s->have + (int64_t)n > s->d->size) {
		s->fail = SINK_TOO_BIG;
		return false;
	}
	if (s->buffered + n > SINK_BUF && sink_flush(s) < 0) {
		s->fail = SINK_IO;
		return false;
	}
	if (n > SINK_BUF) {
		r = rc_write_all(s->fd, p, n);
		if (r < 0) {
			s->fail = SINK_IO;
			s->io_errno = -r;
			return false;
		}
	} else {
		memcpy(s->buf + s->buffered, p, n);
		s->buffered += n;
	}
	rc_sha256_update(&s->h, p, n);
	s->have += (int64_t)n;
	if (s->progress)
		s->progress(s->arg, s->have, s->d->size);
	return true;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct request *rq = arg;
	size_t n = size * nmemb;

	if (rq->sink && (rq->status == 200 || rq->status == 206))
		return sink_write(rq, p, n) ? n : 0;
	if (rq->len + n > rq->max) {
		rq->too_big = true;
		if (rq->status == 200)
			return 0; /* a manifest larger than we accept */
		return n;         /* an error page: keep its start only */
	}
	if (rq->len + n + 1 > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 16384;
		char *b;
		while (cap < rq->len + n + 1)
			cap *= 2;
		b = realloc(rq->body, cap);
		if (!b)
			return 0;
		rq->body = b;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, p, n);
	rq->len += n;
	rq->body[rq->len] = '\0';
	return n;
}

/* scheme://host[:port] of url, lower-cased host, for "same origin" checks. */
static int url_origin(const char *url, char *buf, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int r = -1;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		for (char *c = host; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		snprintf(buf, n, "%s://%s:%s", scheme, host, port);
		r = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return r;
}

static bool same_origin(const char *a, const char *b)
{
	char oa[600], ob[600];

	return url_origin(a, oa, sizeof oa) == 0 && url_origin(b, ob, sizeof ob) == 0 &&
	       !strcmp(oa, ob);
}

/* May rc talk plain HTTP to url's host? Only loopback, or with --insecure. */
static bool http_allowed(const struct rc_registry *r, const char *url)
{
	CURLU *u;
	char *host = NULL;
	char hp[RC_REF_DOMAIN_MAX + 16];
	bool ok;

	if (strncasecmp(url, "http://", 7) != 0)
		return true;
	if (r->insecure)
		return true;
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return false;
	}
	snprintf(hp, sizeof hp, "%s", host);
	ok = rc_host_is_loopback(hp);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The wait before retry number `attempt` (1-based): Retry-After when the
 * server said (seconds or an HTTP date), else exponential backoff. */
static unsigned long retry_delay_ms(const struct rc_registry *r, const struct request *rq,
				    unsigned attempt)
{
	unsigned long ms = r->backoff_ms;

	if (rq->retry_after[0]) {
		char *end;
		long s = strtol(rq->retry_after, &end, 10);
		if (end == rq->retry_after || *end) {
			time_t t = curl_getdate(rq->retry_after, NULL);
			s = t > 0 ? (long)(t - time(NULL)) : -1;
		}
		if (s >= 0)
			return (unsigned long)(s > MAX_RETRY_AFTER_S ? MAX_RETRY_AFTER_S : s) * 1000;
	}
	for (unsigned i = 1; i < attempt && ms < MAX_BACKOFF_MS; i++)
		ms *= 2;
	return ms > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : ms;
}

static bool curl_retriable(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool status_retriable(long s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static char *auth_snapshot(struct rc_registry *r)
{
	char *a = NULL;

	pthread_mutex_lock(&r->auth_lock);
	if (r->auth)
		a = strdup(r->auth);
	pthread_mutex_unlock(&r->auth_lock);
	return a;
}

static int authenticate(struct rc_registry *r, const char *challenge, const char *used,
			struct rc_err *e);

static void request_reset_response(struct request *rq)
{
	rq->status = 0;
	rq->len = 0;
	rq->too_big = false;
	rq->content_type[0] = rq->content_range[0] = rq->retry_after[0] = rq->www_auth[0] = '\0';
	rq->docker_digest[0] = '\0';
	if (rq->sink) {
		rq->sink->started = false;
		rq->sink->fail = SINK_OK;
	}
}

static CURL *easy_new(struct rc_registry *r, struct request *rq, char *errbuf)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_SHARE, r->share);
	curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout ? rq->connect_timeout : 30L);
	/* a stalled transfer (under 1 byte/s for 30 s) counts as dropped */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, rq);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rq);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 64L * 1024);
	if (r->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return h;
}

/* Perform rq: redirects, authentication and retries. Returns 0 with a 2xx
 * response (or any HTTP answer with rq->any_status), else -1 with the reason. */
static int do_request(struct rc_registry *r, struct request *rq, const char *what,
		      struct rc_err *e)
{
	char errbuf[CURL_ERROR_SIZE], url[sizeof rq->url];
	CURL *h;
	unsigned attempt = 1, auth_rounds = 0, redirects = 0;
	int ret = -1;

	h = easy_new(r, rq, errbuf);
	if (!h)
		return rc_errf(e, ENOMEM, "%s", what);
	snprintf(url, sizeof url, "%s", rq->url);
	for (;;) {
		struct curl_slist *hdrs = NULL;
		_cleanup_free_ char *auth = NULL;
		char range[64];
		CURLcode c;
		bool to_registry = same_origin(url, r->base);

		if (!http_allowed(r, url)) {
			rc_errf(e, 0, "%s: refusing plain HTTP to %s (use --insecure to allow it)",
				what, url);
			break;
		}
		request_reset_response(rq);
		errbuf[0] = '\0';
		if (rq->accept) {
			char a[512];
			snprintf(a, sizeof a, "Accept: %s", rq->accept);
			hdrs = curl_slist_append(hdrs, a);
		}
		if (rq->registry_auth && to_registry) {
			auth = auth_snapshot(r);
			if (auth)
				hdrs = curl_slist_append(hdrs, auth);
		}
		if (rq->sink && rq->sink->have > 0) {
			snprintf(range, sizeof range, "Range: bytes=%lld-", (long long)rq->sink->have);
			hdrs = curl_slist_append(hdrs, range);
		}
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		/* a token service's credentials go to it alone, not where it redirects */
		if (rq->basic && rq->basic->set && same_origin(url, rq->url)) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(h, CURLOPT_USERNAME, rq->basic->user);
			curl_easy_setopt(h, CURLOPT_PASSWORD, rq->basic->pass);
		} else {
			curl_easy_setopt(h, CURLOPT_USERNAME, NULL);
			curl_easy_setopt(h, CURLOPT_PASSWORD, NULL);
		}
		c = curl_easy_perform(h);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
		curl_slist_free_all(hdrs);
		if (rq->sink && sink_flush(rq->sink) < 0) {
			rc_errf(e, rq->sink->io_errno, "%s: writing the download", what);
			break;
		}

		if (c == CURLE_WRITE_ERROR && rq->sink && rq->sink->fail != SINK_OK) {
			struct sink *s = rq->sink;
			if (s->fail == SINK_RESTART) {
				/* a Content-Range that does not start where we stopped */
				if (sink_restart(s) < 0) {
					rc_errf(e, s->io_errno, "%s: restarting the download", what);
					break;
				}
				if (attempt++ >= rq->attempts) {
					rc_errf(e, 0, "%s: the server's ranges do not fit the download",
						what);
					break;
				}
				continue;
			}
			if (s->fail == SINK_TOO_BIG) {
				rc_errf(e, 0, "%s: the registry sent more than the %lld bytes the "
					"manifest gives; nothing was kept", what, (long long)s->d->size);
				if (e)
					e->code = EBADMSG;
			} else {
				rc_errf(e, s->io_errno, "%s: writing the download", what);
			}
			break;
		}
		if (c == CURLE_WRITE_ERROR && rq->too_big) {
			rc_errf(e, 0, "%s: the manifest is larger than %u bytes", what, RC_MANIFEST_MAX);
			break;
		}
		if (c != CURLE_OK) {
			if (curl_retriable(c) && attempt < rq->attempts) {
				sleep_ms(retry_delay_ms(r, rq, attempt));
				attempt++;
				continue;
			}
			rc_errf(e, 0, "%s: %s%s%s%s", what, errbuf[0] ? errbuf : curl_easy_strerror(c),
				attempt > 1 ? " (after " : "", attempt > 1 ? "retries" : "",
				attempt > 1 ? ")" : "");
			if (e)
				e->code = c == CURLE_COULDNT_CONNECT ? ECONNREFUSED
					  : c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CONNECT_ERROR ||
					    c == CURLE_SSL_CERTPROBLEM || c == CURLE_SSL_CACERT_BADFILE ? EPROTO
					  : EIO;
			break;
		}
		if (rq->status >= 300 && rq->status < 400) {
			char *loc = NULL;
			curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
			if (!loc || redirects++ >= MAX_REDIRECTS) {
				rc_errf(e, 0, "%s: %s", what, loc ? "too many redirects" :
					"a redirect without a Location");
				break;
			}
			snprintf(url, sizeof url, "%s", loc);
			continue;
		}
		if (rq->status == 401 && rq->registry_auth && to_registry && auth_rounds++ < 2 &&
		    rq->www_auth[0]) {
			if (authenticate(r, rq->www_auth, auth, e) < 0) {
				rc_err_prefix(e, "%s", what);
				break;
			}
			continue;
		}
		if (rq->sink && rq->status == 416 && rq->sink->have > 0) {
			if (sink_restart(rq->sink) < 0) {
				rc_errf(e, rq->sink->io_errno, "%s: restarting the download", what);
				break;
			}
			continue;
		}
		if (status_retriable(rq->status) && attempt < rq->attempts) {
			sleep_ms(retry_delay_ms(r, rq, attempt));
			attempt++;
			continue;
		}
		if (rq->any_status) {
			ret = 0;
			break;
		}
		if (rq->status < 200 || rq->status >= 300) {
			char why[512];
			describe_status(rq, why, sizeof why);
			rc_errf(e, 0, "%s: %s%s", what, why,
				rq->status == 401 ? (r->creds.set ? " (the credentials were refused)"
						     : " (authentication required: use --creds or "
						       "docker login)") : "");
			if (e)
				e->code = rq->status == 404 ? ENOENT :
					  rq->status == 401 || rq->status == 403 ? EACCES : EIO;
			break;
		}
		if (rq->sink && rq->sink->have < rq->sink->d->size) {
			/* the body ended early without curl noticing: resume */
			if (attempt < rq->attempts) {
				sleep_ms(retry_delay_ms(r, rq, attempt));
				attempt++;
				continue;
			}
			rc_errf(e, 0, "%s: the registry sent %lld of %lld bytes", what,
				(long long)rq->sink->have, (long long)rq->sink->d->size);
			break;
		}
		ret = 0;
		break;
	}
	curl_easy_cleanup(h);
	return ret;
}

static char *escape(const char *s)
{
	return curl_easy_escape(NULL, s, 0);
}

/* Ask a Bearer challenge's realm for a pull token for our repository. */
static int fetch_token(struct rc_registry *r, const struct rc_challenge *c, char **ret_header,
		       struct rc_err *e)
{
	struct request rq = { 0 };
	json_auto_t *root = NULL;
	char scope[600];
	char *esc_service = NULL, *esc_scope = NULL;
	const char *token;
	int n, ret = -1;

	if (!c->realm[0])
		return rc_errf(e, 0, "the registry's Bearer challenge names no token realm");
	if (strncasecmp(c->realm, "https://", 8) && strncasecmp(c->realm, "http://", 7))
		return rc_errf(e, 0, "the token realm '%.200s' is not an http(s) URL", c->realm);
	if (c->scope[0])
		snprintf(scope, sizeof scope, "%s", c->scope);
	else
		snprintf(scope, sizeof scope, "repository:%s:pull", r->repo);
	esc_service = escape(c->service);
	esc_scope = escape(scope);
	if (!esc_service || !esc_scope) {
		rc_errf(e, ENOMEM, "asking for a token");
		goto out;
	}
	n = snprintf(rq.url, sizeof rq.url, "%s%sservice=%s&scope=%s", c->realm,
		     strchr(c->realm, '?') ? "&" : "?", esc_service, esc_scope);
	if (n < 0 || (size_t)n >= sizeof rq.url) {
		rc_errf(e, 0, "asking for a token: the realm URL is too long");
		goto out;
	}
	rq.basic = &r->creds;
	rq.attempts = r->attempts;
	rq.max = 1u << 20;
	if (do_request(r, &rq, "asking the token service for a pull token", e) < 0)
		goto out;
	root = json_loadb(rq.body ? rq.body : "", rq.len, 0, NULL);
	token = json_string_value(json_object_get(root, "token"));
	if (!token || !*token)
		token = json_string_value(json_object_get(root, "access_token"));
	if (!token || !*token) {
		rc_errf(e, 0, "the token service answered without a token");
		goto out;
	}
	if (asprintf(ret_header, "Authorization: Bearer %s", token) < 0) {
		rc_errf(e, ENOMEM, "storing the token");
		goto out;
	}
	ret = 0;
out:
	curl_free(esc_service);
	curl_free(esc_scope);
	free(rq.body);
	return ret;
}

/* Answer a 401 challenge; `used` is the Authorization the failed request
 * sent (NULL: none). When another thread has already renewed it, nothing
 * needs doing. */
static int authenticate(struct rc_registry *r, const char *challenge, const char *used,
			struct rc_err *e)
{
	struct rc_challenge c;
	char *header = NULL;
	int ret = 0;

	pthread_mutex_lock(&r->auth_lock);
	if ((r->auth && (!used || strcmp(used, r->auth))))
		goto out; /* renewed meanwhile: retry with that */
	if (rc_auth_parse_challenge(challenge, &c) < 0) {
		ret = rc_errf(e, 0, "cannot parse the registry's challenge '%.200s'", challenge);
		goto out;
	}
	if (!strcmp(c.scheme, "bearer")) {
		ret = fetch_token(r, &c, &header, e);
	} else if (!strcmp(c.scheme, "basic")) {
		_cleanup_free_ char *b64 = NULL;
		if (!r->creds.set) {
			ret = rc_errf(e, 0, "the registry asks for a user name and password "
				      "(use --creds USER:PASS or docker login)");
			if (e)
				e->code = EACCES;
			goto out;
		}
		if (used) {
			ret = rc_errf(e, 0, "the registry refused the credentials for %s",
				      r->creds.user);
			goto out;
		}
		b64 = rc_creds_basic(&r->creds);
		if (!b64 || asprintf(&header, "Authorization: Basic %s", b64) < 0)
			ret = rc_errf(e, ENOMEM, "authenticating");
	} else {
		ret = rc_errf(e, 0, "the registry asks for %s authentication, which rc does not speak",
			      c.scheme);
	}
	if (ret == 0) {
		free(r->auth);
		r->auth = header;
	}
out:
	pthread_mutex_unlock(&r->auth_lock);
	return ret;
}

static void registry_free(struct rc_registry *r)
{
	if (!r)
		return;
	if (r->share)
		curl_share_cleanup(r->share);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&r->share_locks[i]);
	pthread_mutex_destroy(&r->auth_lock);
	free(r->auth);
	explicit_bzero(&r->creds, sizeof r->creds);
	free(r);
}

/* GET /v2/ with the registry's base set to scheme. Returns 0 with the status
 * in *status, or -1 (network-level failure) with the reason. */
static int ping(struct rc_registry *r, const char *scheme, unsigned attempts, long connect_timeout,
		struct request *rq, struct rc_err *e)
{
	char what[700];

	snprintf(r->base, sizeof r->base, "%s://%s", scheme, r->host);
	snprintf(rq->url, sizeof rq->url, "%s/v2/", r->base);
	snprintf(what, sizeof what, "reaching the registry at %s", r->base);
	rq->any_status = true;
	rq->len = 0;
	rq->attempts = attempts;
	rq->connect_timeout = connect_timeout;
	rq->max = ERROR_BODY_MAX;
	return do_request(r, rq, what, e);
}

int rc_registry_open(const struct rc_ref *ref, const struct rc_registry_opts *opts,
		     struct rc_registry **ret, struct rc_err *e)
{
	struct rc_registry *r;
	struct request rq = { 0 };
	int p;

	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK)
		return rc_errf(e, 0, "initialising libcurl: %s", curl_easy_strerror(curl_init_result));
	r = calloc(1, sizeof *r);
	if (!r)
		return rc_errf(e, ENOMEM, "connecting to the registry");
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&r->share_locks[i], NULL);
	pthread_mutex_init(&r->auth_lock, NULL);
	snprintf(r->host, sizeof r->host, "%s", rc_ref_api_host(ref));
	snprintf(r->repo, sizeof r->repo, "%s", ref->path);
	r->insecure = opts && opts->insecure;
	r->allow_http = r->insecure || rc_host_is_loopback(r->host);
	if (opts && opts->creds && opts->creds->set)
		r->creds = *opts->creds;
	r->attempts = opts && opts->attempts ? opts->attempts : 5;
	r->backoff_ms = opts && opts->backoff_ms ? opts->backoff_ms : 500;
	r->share = curl_share_init();
	if (!r->share) {
		registry_free(r);
		return rc_errf(e, ENOMEM, "connecting to the registry");
	}
	curl_share_setopt(r->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(r->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(r->share, CURLSHOPT_USERDATA, r);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

	/* Loopback registries are usually plain HTTP: try that first, and
	 * HTTPS when the port does not answer HTTP (or answers 400, as TLS
	 * servers do to plain requests); if HTTPS fails too, HTTP again, with
	 * retries, unless the port did speak TLS (then its error is the answer).
	 * --insecure elsewhere: HTTPS (unverified) first, then HTTP. Everyone
	 * else: HTTPS only. */
	if (rc_host_is_loopback(r->host)) {
		p = ping(r, "http", 1, 0, &rq, e);
		if ((p < 0 && e && e->code == ECONNREFUSED) || (p == 0 && status_retriable(rq.status))) {
			p = ping(r, "http", r->attempts, 0, &rq, e);
		} else if (p < 0 || rq.status == 400) {
			struct rc_err tls = { 0 };
			p = ping(r, "https", 1, 10, &rq, &tls);
			if (p < 0 && tls.code == EPROTO) {
				if (e)
					*e = tls;
			} else if (p < 0) {
				p = ping(r, "http", r->attempts, 0, &rq, e);
			}
		}
	} else if (r->insecure) {
		p = ping(r, "https", 1, 10, &rq, e);
		if (p < 0)
			p = ping(r, "http", r->attempts, 0, &rq, e);
	} else {
		p = ping(r, "https", r->attempts, 0, &rq, e);
	}
	if (p == 0 && rq.status == 401 && rq.www_auth[0]) {
		/* authenticate now for our repository: saves a round trip per request */
		if (authenticate(r, rq.www_auth, NULL, e) < 0) {
			rc_err_prefix(e, "authenticating to %s", r->host);
			p = -1;
		}
	} else if (p == 0 && rq.status != 200 && rq.status != 401) {
		char why[512];
		describe_status(&rq, why, sizeof why);
		p = rc_errf(e, 0, "%s does not look like a registry: GET /v2/: %s", r->base, why);
	}
	free(rq.body);
	if (p < 0) {
		registry_free(r);
		return -1;
	}
	*ret = r;
	return 0;
}

void rc_registry_close(struct rc_registry *r)
{
	registry_free(r);
}

const char *rc_registry_base(const struct rc_registry *r)
{
	return r->base;
}

int rc_registry_get_manifest(struct rc_registry *r, const char *reference, char **ret_body,
			     size_t *ret_len, char content_type[RC_MEDIA_TYPE_MAX],
			     char digest[RC_DIGEST_LEN], struct rc_err *e)
{
	struct request rq = { 0 };
	char what[700];

	snprintf(what, sizeof what, "fetching manifest %s", reference);
	snprintf(rq.url, sizeof rq.url, "%s/v2/%s/manifests/%s", r->base, r->repo, reference);
	rq.accept = RC_MANIFEST_ACCEPT;
	rq.registry_auth = true;
	rq.attempts = r->attempts;
	rq.max = RC_MANIFEST_MAX;
	if (do_request(r, &rq, what, e) < 0) {
		free(rq.body);
		return -1;
	}
	if (!rq.body) {
		rq.body = strdup("");
		if (!rq.body)
			return rc_errf(e, ENOMEM, "%s", what);
	}
	*ret_body = rq.body;
	*ret_len = rq.len;
	snprintf(content_type, RC_MEDIA_TYPE_MAX, "%s", rq.content_type);
	if (rc_digest_valid(rq.docker_digest))
		memcpy(digest, rq.docker_digest, RC_DIGEST_LEN);
	else
		digest[0] = '\0';
	return 0;
}

/* Hash what a resumed download already has. */
static int hash_existing(struct sink *s, struct rc_err *e)
{
	char buf[65536];
	off_t end = lseek(s->fd, 0, SEEK_END), pos = 0;

	if (end < 0)
		return rc_errf(e, errno, "reading a partial download");
	if (end > s->d->size)
		return sink_restart(s) < 0 ? rc_errf(e, s->io_errno, "truncating a download") : 0;
	while (pos < end) {
		ssize_t n = pread(s->fd, buf, sizeof buf, pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rc_errf(e, n < 0 ? errno : EIO, "reading a partial download");
		rc_sha256_update(&s->h, buf, (size_t)n);
		pos += n;
	}
	s->have = end;
	return 0;
}

int rc_registry_fetch_blob(struct rc_registry *r, const struct rc_descriptor *d, int fd,
			   rc_registry_progress_fn progress, void *arg, struct rc_err *e)
{
	struct sink s = { .fd = fd, .d = d, .progress = progress, .arg = arg };
	struct request rq = { 0 };
	char what[300], got[RC_DIGEST_LEN];
	int ret = -1;

	if (!rc_digest_valid(d->digest))
		return rc_errf(e, 0, "invalid blob digest '%.80s'", d->digest);
	snprintf(what, sizeof what, "fetching blob %s", d->digest);
	s.buf = malloc(SINK_BUF);
	if (!s.buf || rc_sha256_init(&s.h) < 0) {
		free(s.buf);
		return rc_errf(e, ENOMEM, "%s", what);
	}
	if (hash_existing(&s, e) < 0)
		goto out;
	if (s.have < d->size) {
		snprintf(rq.url, sizeof rq.url, "%s/v2/%s/blobs/%s", r->base, r->repo, d->digest);
		rq.registry_auth = true;
		rq.attempts = r->attempts;
		rq.max = ERROR_BODY_MAX;
		rq.sink = &s;
		if (do_request(r, &rq, what, e) < 0)
			goto out;
	} else if (progress) {
		progress(arg, s.have, d->size);
	}
	rc_sha256_final(&s.h, got);
	s.h.ctx = NULL;
	if (strcmp(got, d->digest) != 0) {
		rc_errf(e, 0, "%s: the content does not match its digest (it hashes to %s); "
			"nothing was kept", what, got);
		if (e)
			e->code = EBADMSG;
		goto out;
	}
	ret = 0;
out:
	if (s.h.ctx)
		rc_sha256_free(&s.h);
	free(s.buf);
	free(rq.body);
	return ret;
}
