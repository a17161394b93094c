/* caps.c - capability sets; see caps.h. */
#include "runtime/caps.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int rc_caps_bound(uint64_t bnd, struct rc_err *e)
{
	int last = (int)cap_max_bits() - 1;

	for (int c = 0; c <= last && c < 64; c++) {
		if (bnd & (1ULL << c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL)
			return rc_errf(e, errno, "dropping capability %d from the bounding set", c);
	}
	return 0;
}

static int fill(cap_t caps, cap_flag_t flag, uint64_t mask, int last)
{
	for (int c = 0; c <= last && c < 64; c++) {
		cap_value_t v = c;
		if ((mask & (1ULL << c)) && cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

int rc_caps_set(uint64_t eff, uint64_t prm, uint64_t inh, uint64_t amb, struct rc_err *e)
{
	int last = (int)cap_max_bits() - 1;
	cap_t caps = cap_init();
	int r = 0;

	if (!caps)
		return rc_errf(e, errno, "allocating capabilities");
	if (fill(caps, CAP_EFFECTIVE, eff, last) < 0 || fill(caps, CAP_PERMITTED, prm, last) < 0 ||
	    fill(caps, CAP_INHERITABLE, inh, last) < 0)
		r = rc_errf(e, errno, "building capability sets");
	else if (cap_set_proc(caps) < 0)
		r = rc_errf(e, errno, "setting capabilities");
	cap_free(caps);
	if (r < 0)
		return r;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return rc_errf(e, errno, "clearing ambient capabilities");
	/* The kernel keeps ambient within permitted and inheritable; configs
	 * (crun spec, runc spec) often list ambient capabilities that are not
	 * inheritable, and runtimes leave those out rather than fail. */
	amb &= prm & inh;
	for (int c = 0; c <= last && c < 64; c++)
		if ((amb & (1ULL << c)) && cap_set_ambient((cap_value_t)c, CAP_SET) < 0)
			return rc_errf(e, errno, "raising ambient capability %d", c);
	return 0;
}
