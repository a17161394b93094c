/* secopt.c - --security-opt and the container's seccomp filter; see secopt.h. */
#include "runtime/secopt.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/sysprofile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/capability.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROFILE_MAX (1u << 20)

static int usage(struct rc_err *e, const char *opt, const char *why)
{
	rc_errf(e, 0, "--security-opt %s: %s", opt, why);
	return rc_err_status(e, 2);
}

static int seccomp_opt(struct rc_spec *s, const char *opt, const char *val, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *j = NULL;
	json_error_t jerr;

	if (!*val)
		return usage(e, opt, "expected seccomp=unconfined or seccomp=FILE");
	if (!strcmp(val, "unconfined")) {
		free(s->seccomp);
		free(s->seccomp_profile);
		s->seccomp = s->seccomp_profile = NULL;
		s->seccomp_unconfined = true;
		return 0;
	}
	if (rc_read_file_at(AT_FDCWD, val, PROFILE_MAX, &text, NULL, e) < 0)
		return rc_err_prefix(e, "--security-opt %s", opt);
	j = json_loads(text, 0, &jerr);
	if (!json_is_object(j))
		return rc_errf(e, 0, "seccomp profile %s: not a JSON object%s%s", val, j ? "" : ": ",
			       j ? "" : jerr.text);
	free(s->seccomp);
	free(s->seccomp_profile);
	s->seccomp = NULL;
	s->seccomp_profile = rc_steal_ptr(text);
	s->seccomp_unconfined = false;
	return 0;
}

int rc_security_opt(struct rc_spec *s, const char *opt, struct rc_err *e)
{
	size_t klen = strcspn(opt, "=:");
	const char *val = opt[klen] ? opt + klen + 1 : NULL;

	if (klen == 7 && !strncmp(opt, "seccomp", 7))
		return seccomp_opt(s, opt, val ? val : "", e);
	if (klen == 17 && !strncmp(opt, "no-new-privileges", 17)) {
		if (!val || !strcmp(val, "true"))
			s->no_new_privs = true;
		else if (!strcmp(val, "false"))
			s->no_new_privs = false;
		else
			return usage(e, opt, "expected no-new-privileges[=true|false]");
		return 0;
	}
	/* Turning off what rc never applies is no change. */
	if ((klen == 8 && !strncmp(opt, "apparmor", 8) && val && !strcmp(val, "unconfined")) ||
	    (klen == 5 && !strncmp(opt, "label", 5) && val && !strcmp(val, "disable")))
		return 0;
	return usage(e, opt, "not supported (seccomp=unconfined|FILE, no-new-privileges, "
			     "apparmor=unconfined, label=disable)");
}

int rc_spec_seccomp(const struct rc_spec *s, char **ret, struct rc_err *e)
{
	*ret = NULL;
	if (s->seccomp_unconfined)
		return 0;
	if (s->seccomp_profile) {
		if (rc_sysprofile_resolve_text(s->seccomp_profile, s->cap_bnd, ret, e) < 0)
			return rc_err_prefix(e, "--security-opt seccomp");
		return 0;
	}
	if (s->seccomp) {
		*ret = strdup(s->seccomp);
		return *ret ? 0 : rc_errf(e, ENOMEM, "allocating");
	}
	if (rc_sysprofile_resolve_text(rc_seccomp_default_profile, s->cap_bnd, ret, e) < 0)
		return rc_err_prefix(e, "the default seccomp profile");
	return 0;
}

int rc_seccomp_follow_caps(struct rc_spec *s, uint64_t old_bnd, struct rc_err *e)
{
	json_auto_t *have = NULL, *dflt = NULL;

	if (!s->seccomp || s->seccomp_profile || s->seccomp_unconfined || old_bnd == s->cap_bnd)
		return 0;
	have = json_loads(s->seccomp, 0, NULL);
	if (rc_sysprofile_resolve(rc_seccomp_default_profile, old_bnd, NULL, &dflt, e) < 0)
		return rc_err_prefix(e, "the default seccomp profile");
	if (have && json_equal(have, dflt)) {
		free(s->seccomp);
		s->seccomp = NULL;
	}
	return 0;
}

/* A capability set as OCI names ("CAP_CHOWN", ...). */
static json_t *caps_json(uint64_t mask)
{
	json_t *a = json_array();

	for (int c = 0; a && c < 64; c++) {
		char *name;
		if (!(mask & (1ULL << c)) || !(name = cap_to_name((cap_value_t)c)))
			continue;
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_array_append_new(a, json_string(name));
		cap_free(name);
	}
	return a;
}

static json_t *rlimits_json(const struct rc_spec *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nrlimits; i++) {
		const char *name = rc_rlimit_name(s->rlimits[i].resource);
		if (name)
			json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "type", name,
							   "soft", (json_int_t)s->rlimits[i].soft,
							   "hard", (json_int_t)s->rlimits[i].hard));
	}
	return a;
}

static char *record_text(const struct rc_spec *s, const char *seccomp)
{
	json_auto_t *j = json_pack("{s:b, s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:o}",
				   "noNewPrivileges", s->no_new_privs,
				   "seccomp", seccomp ? json_loads(seccomp, 0, NULL) : json_null(),
				   "capabilities", "bounding", caps_json(s->cap_bnd),
				   "effective", caps_json(s->cap_eff), "permitted", caps_json(s->cap_prm),
				   "inheritable", caps_json(s->cap_inh), "ambient", caps_json(s->cap_amb),
				   "rlimits", rlimits_json(s));
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	char *nl = text ? realloc(text, strlen(text) + 2) : NULL;

	if (!nl) {
		free(text);
		return NULL;
	}
	strcat(nl, "\n");
	return nl;
}

int rc_security_record(int dirfd, const struct rc_spec *s, const char *seccomp, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL, *old = NULL;
	struct rc_err ignore = { 0 };
	size_t oldlen = 0;

	/* seccomp is JSON already (rc_spec_seccomp's) */
	if (!(text = record_text(s, seccomp)))
		return rc_errf(e, ENOMEM, "recording the container's security settings");
	/* The same as the last start's (the usual case): nothing to write. */
	if (rc_read_file_at(dirfd, RC_SECURITY_FILE, PROFILE_MAX, &old, &oldlen, &ignore) == 0 &&
	    oldlen == strlen(text) && !memcmp(old, text, oldlen))
		return 0;
	if (rc_write_file_nosync_at(dirfd, RC_SECURITY_FILE, text, strlen(text), 0644, e) < 0)
		return rc_err_prefix(e, "recording the container's seccomp filter");
	return 0;
}

/* The capability names of a set ("CAP_CHOWN") as a mask; -1 when malformed. */
static int caps_from_json(json_t *a, uint64_t *ret)
{
	size_t i;
	json_t *v;

	*ret = 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		char name[64];
		const char *n = json_string_value(v);
		cap_value_t c;
		size_t k;

		if (!n)
			return -1;
		for (k = 0; n[k] && k < sizeof name - 1; k++)
			name[k] = (char)tolower((unsigned char)n[k]);
		name[k] = '\0';
		if (cap_from_name(name, &c) == 0 && c >= 0 && c < 64)
			*ret |= 1ULL << c;
	}
	return 0;
}

/* The capabilities and limits of a record; a record of an older rc has
 * neither, and the config's stay. */
static int restore_process(json_t *j, struct rc_spec *s)
{
	json_t *caps = json_object_get(j, "capabilities"), *rl = json_object_get(j, "rlimits"), *v;
	struct rc_err ignore = { 0 };
	size_t i;

	if (caps && (caps_from_json(json_object_get(caps, "bounding"), &s->cap_bnd) < 0 ||
		     caps_from_json(json_object_get(caps, "effective"), &s->cap_eff) < 0 ||
		     caps_from_json(json_object_get(caps, "permitted"), &s->cap_prm) < 0 ||
		     caps_from_json(json_object_get(caps, "inheritable"), &s->cap_inh) < 0 ||
		     caps_from_json(json_object_get(caps, "ambient"), &s->cap_amb) < 0))
		return -1;
	if (rl && !json_is_array(rl))
		return -1;
	json_array_foreach(rl, i, v) {
		const char *type = json_string_value(json_object_get(v, "type"));
		json_t *soft = json_object_get(v, "soft"), *hard = json_object_get(v, "hard");
		int res = type ? rc_rlimit_from_name(type) : -1;

		if (res < 0 || !json_is_integer(soft) || !json_is_integer(hard) ||
		    rc_spec_set_rlimit(s, res, (rlim_t)json_integer_value(soft),
				       (rlim_t)json_integer_value(hard), &ignore) < 0)
			return -1;
	}
	return 0;
}

int rc_security_restore(int dirfd, struct rc_spec *s, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *j = NULL;
	json_error_t jerr;
	json_t *f;

	if (faccessat(dirfd, RC_SECURITY_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 0;
	if (rc_read_file_at(dirfd, RC_SECURITY_FILE, PROFILE_MAX, &text, NULL, e) < 0)
		return -1;
	j = json_loads(text, 0, &jerr);
	f = json_object_get(j, "seccomp");
	if (!json_is_object(j) || !json_is_boolean(json_object_get(j, "noNewPrivileges")) ||
	    !(json_is_object(f) || json_is_null(f)) || restore_process(j, s) < 0)
		return rc_errf(e, 0, "reading %s: malformed", RC_SECURITY_FILE);
	s->no_new_privs = json_is_true(json_object_get(j, "noNewPrivileges"));
	free(s->seccomp);
	free(s->seccomp_profile);
	s->seccomp = s->seccomp_profile = NULL;
	s->seccomp_unconfined = json_is_null(f);
	if (!s->seccomp_unconfined && !(s->seccomp = json_dumps(f, JSON_COMPACT)))
		return rc_errf(e, ENOMEM, "allocating");
	return 0;
}
