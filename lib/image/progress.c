/* progress.c - per-layer progress lines; see progress.h. */
#include "image/progress.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REDRAW_NS 100000000LL

struct item {
	char label[16];
	enum rc_progress_state st;
	int64_t done, total;
};

struct rc_progress {
	FILE *out;
	bool enabled;
	pthread_mutex_t lock;
	struct item *items;
	int n, cap;
	int drawn;         /* lines on screen below the cursor's start */
	long long last_ns; /* time of the last redraw */
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct rc_progress *rc_progress_new(FILE *out, bool enabled)
{
	struct rc_progress *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->out = out;
	p->enabled = enabled;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void rc_progress_free(struct rc_progress *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->items);
	free(p);
}

static void format_mb(char *buf, size_t n, int64_t bytes)
{
	if (bytes >= 1000000)
		snprintf(buf, n, "%.1fMB", (double)bytes / 1e6);
	else
		snprintf(buf, n, "%.1fkB", (double)bytes / 1e3);
}

static void draw_item(const struct rc_progress *p, const struct item *it)
{
	char a[32], b[32];

	fprintf(p->out, "\033[2K%s: ", it->label);
	switch (it->st) {
	case RC_PROGRESS_WAITING:
		fputs("Waiting", p->out);
		break;
	case RC_PROGRESS_DOWNLOADING:
		format_mb(a, sizeof a, it->done);
		format_mb(b, sizeof b, it->total);
		fprintf(p->out, "Downloading  %s/%s", a, b);
		break;
	case RC_PROGRESS_VERIFYING:
		fputs("Verifying Checksum", p->out);
		break;
	case RC_PROGRESS_DONE:
		fputs("Download complete", p->out);
		break;
	case RC_PROGRESS_EXISTS:
		fputs("Already exists", p->out);
		break;
	case RC_PROGRESS_FAILED:
		fputs("Failed", p->out);
		break;
	}
	fputc('\n', p->out);
}

/* Caller holds the lock. */
static void redraw(struct rc_progress *p)
{
	if (p->drawn)
		fprintf(p->out, "\033[%dA", p->drawn);
	for (int i = 0; i < p->n; i++)
		draw_item(p, &p->items[i]);
	p->drawn = p->n;
	p->last_ns = now_ns();
	fflush(p->out);
}

void rc_progress_note(struct rc_progress *p, const char *text)
{
	if (!p || !p->enabled)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->drawn)
		fprintf(p->out, "\033[%dA", p->drawn);
	fprintf(p->out, "\033[2K%s\n", text);
	p->drawn = 0;
	redraw(p);
	pthread_mutex_unlock(&p->lock);
}

int rc_progress_add(struct rc_progress *p, const char *digest, enum rc_progress_state st)
{
	int idx;

	if (!p || !p->enabled)
		return -1;
	pthread_mutex_lock(&p->lock);
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		struct item *items = realloc(p->items, (size_t)cap * sizeof *items);
		if (!items) {
			pthread_mutex_unlock(&p->lock);
			return -1;
		}
		p->items = items;
		p->cap = cap;
	}
	idx = p->n++;
	memset(&p->items[idx], 0, sizeof p->items[idx]);
	snprintf(p->items[idx].label, sizeof p->items[idx].label, "%.12s",
		 strncmp(digest, "sha256:", 7) ? digest : digest + 7);
	p->items[idx].st = st;
	redraw(p);
	pthread_mutex_unlock(&p->lock);
	return idx;
}

void rc_progress_set(struct rc_progress *p, int item, enum rc_progress_state st, int64_t done,
		     int64_t total)
{
	struct item *it;
	bool changed;

	if (!p || !p->enabled || item < 0)
		return;
	pthread_mutex_lock(&p->lock);
	if (item < p->n) {
		it = &p->items[item];
		changed = it->st != st;
		it->st = st;
		it->done = done;
		it->total = total;
		if (changed || now_ns() - p->last_ns >= REDRAW_NS)
			redraw(p);
	}
	pthread_mutex_unlock(&p->lock);
}

void rc_progress_finish(struct rc_progress *p)
{
	if (!p || !p->enabled)
		return;
	pthread_mutex_lock(&p->lock);
	redraw(p);
	pthread_mutex_unlock(&p->lock);
}
