/* secopt.c - --security-opt and the container's seccomp filter; see secopt.h. */
#include "runtime/secopt.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/sysprofile.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
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

int rc_security_record(int dirfd, const struct rc_spec *s, const char *seccomp, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL, *old = NULL;
	struct rc_err ignore = { 0 };
	size_t oldlen = 0;

	/* seccomp is JSON already (rc_spec_seccomp's) */
	if (asprintf(&text, "{\"noNewPrivileges\":%s,\"seccomp\":%s}\n",
		     s->no_new_privs ? "true" : "false", seccomp ? seccomp : "null") < 0)
		return rc_errf(e, ENOMEM, "allocating");
	/* The same as the last start's (the usual case): nothing to write. */
	if (rc_read_file_at(dirfd, RC_SECURITY_FILE, PROFILE_MAX, &old, &oldlen, &ignore) == 0 &&
	    oldlen == strlen(text) && !memcmp(old, text, oldlen))
		return 0;
	if (rc_write_file_nosync_at(dirfd, RC_SECURITY_FILE, text, strlen(text), 0644, e) < 0)
		return rc_err_prefix(e, "recording the container's seccomp filter");
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
	    !(json_is_object(f) || json_is_null(f)))
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
