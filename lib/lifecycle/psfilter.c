/* psfilter.c - rc-ps --filter; see psfilter.h. */
#include "lifecycle/psfilter.h"
#include "base/cleanup.h"
#include "base/state.h"
#include "lifecycle/options.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rc_ps_filter {
	regex_t *names;
	size_t nnames;
	unsigned states;        /* bits of enum rc_ctr_state */
	char **labels;          /* KEY or KEY=VALUE */
	size_t nlabels;
};

static int usage(struct rc_err *e, const char *spec, const char *why)
{
	rc_errf(e, 0, "--filter \"%s\": %s", spec, why);
	return rc_err_status(e, 2);
}

static int add_name(struct rc_ps_filter *f, const char *spec, const char *re, struct rc_err *e)
{
	regex_t *n = realloc(f->names, (f->nnames + 1) * sizeof *n);
	char why[256];
	int r;

	if (!n)
		return rc_errf(e, ENOMEM, "allocating");
	f->names = n;
	r = regcomp(&n[f->nnames], re, REG_EXTENDED | REG_NOSUB);
	if (r) {
		regerror(r, &n[f->nnames], why, sizeof why);
		return usage(e, spec, why);
	}
	f->nnames++;
	return 0;
}

static int add_status(struct rc_ps_filter *f, const char *spec, const char *v, struct rc_err *e)
{
	static const enum rc_ctr_state all[] = { RC_CTR_CREATED, RC_CTR_RUNNING, RC_CTR_RESTARTING,
						 RC_CTR_EXITED };

	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (!strcmp(v, rc_ctr_state_name(all[i]))) {
			f->states |= 1u << all[i];
			return 0;
		}
	return usage(e, spec, "status is created, running, restarting or exited");
}

static int add_label(struct rc_ps_filter *f, const char *spec, const char *v, struct rc_err *e)
{
	char **n;

	if (!*v || *v == '=')
		return usage(e, spec, "expected label=KEY or label=KEY=VALUE");
	n = realloc(f->labels, (f->nlabels + 1) * sizeof *n);
	if (!n)
		return rc_errf(e, ENOMEM, "allocating");
	f->labels = n;
	if (!(n[f->nlabels] = strdup(v)))
		return rc_errf(e, ENOMEM, "allocating");
	f->nlabels++;
	return 0;
}

int rc_ps_filter_add(struct rc_ps_filter **fp, const char *spec, struct rc_err *e)
{
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : 0;

	if (!*fp && !(*fp = calloc(1, sizeof **fp)))
		return rc_errf(e, ENOMEM, "allocating");
	if (!eq)
		return usage(e, spec, "expected KEY=VALUE (name, status or label)");
	if (klen == 4 && !strncmp(spec, "name", 4))
		return add_name(*fp, spec, eq + 1, e);
	if (klen == 6 && !strncmp(spec, "status", 6))
		return add_status(*fp, spec, eq + 1, e);
	if (klen == 5 && !strncmp(spec, "label", 5))
		return add_label(*fp, spec, eq + 1, e);
	return usage(e, spec, "the filters are name, status and label");
}

bool rc_ps_filter_has_status(const struct rc_ps_filter *f)
{
	return f && f->states;
}

/* Label KEY or KEY=VALUE among the container's --label=KEY[=VALUE]. */
static bool has_label(char *const *opts, const char *want)
{
	size_t klen = strcspn(want, "=");
	const char *l;
	size_t pos = 0;

	while ((l = rc_options_next(opts, "label", &pos))) {
		size_t lk = strcspn(l, "=");
		if (lk != klen || strncmp(l, want, klen))
			continue;
		if (!want[klen] || !strcmp(l[lk] ? l + lk + 1 : "", want + klen + 1))
			return true;
	}
	return false;
}

static bool labels_match(int cfd, const struct rc_ps_filter *f, const char *name)
{
	_cleanup_close_ int fd = -1;
	struct rc_err ignore = { 0 };
	char **opts = NULL;
	bool ok = true;

	if (!f->nlabels)
		return true;
	fd = openat(cfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || rc_options_read(fd, &opts, &ignore) < 0)
		return false;
	for (size_t i = 0; ok && i < f->nlabels; i++)
		ok = has_label(opts, f->labels[i]);
	rc_options_free(opts);
	return ok;
}

static bool row_matches(int cfd, const struct rc_ps_filter *f, const struct rc_ps_row *r)
{
	bool name = !f->nnames;

	for (size_t i = 0; !name && i < f->nnames; i++)
		name = regexec(&f->names[i], r->name, 0, NULL, 0) == 0;
	if (!name || (f->states && !(f->states & (1u << r->st.state))))
		return false;
	return labels_match(cfd, f, r->name);
}

void rc_ps_filter_rows(const char *root, const struct rc_ps_filter *f, struct rc_ps_row *rows,
		       size_t *n)
{
	struct rc_err ignore = { 0 };
	_cleanup_close_ int cfd = -1;
	size_t k = 0;

	if (!f)
		return;
	cfd = rc_state_dir(root, "containers", false, &ignore);
	for (size_t i = 0; i < *n; i++)
		if (row_matches(cfd, f, &rows[i]))
			rows[k++] = rows[i];
	*n = k;
}

void rc_ps_filter_free(struct rc_ps_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nnames; i++)
		regfree(&f->names[i]);
	free(f->names);
	for (size_t i = 0; i < f->nlabels; i++)
		free(f->labels[i]);
	free(f->labels);
	free(f);
}
