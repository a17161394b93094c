/* rc-defaults - docker's defaults as rc has them (lib/runtime/defaults.h),
 * for the tests and tests/helpers/mkbundle, which must not type them again.
 *   rc-defaults config      the config.json rc-unpack writes for an image
 *                           with no settings (ocispec.h: rc_oci_defaults)
 *   rc-defaults caps-mask   the capability set as /proc/PID/status shows it
 */
#include "runtime/defaults.h"
#include "runtime/ocispec.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";
	struct rc_err e = { 0 };

	if (!strcmp(what, "config")) {
		json_t *j;
		if (rc_oci_defaults(&j, &e) < 0) {
			rc_err_print("rc-defaults", &e);
			return 1;
		}
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return 0;
	}
	if (!strcmp(what, "caps-mask")) {
		printf("%016" PRIx64 "\n", rc_default_caps_mask());
		return 0;
	}
	fprintf(stderr, "usage: rc-defaults config|caps-mask\n");
	return 2;
}
