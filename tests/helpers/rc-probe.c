/* rc-probe - a small static program copied into test containers to show
 * what Alpine's tools cannot.
 *   rc-probe fds          the open descriptors, space separated
 *   rc-probe mount        try to mount a tmpfs; prints "ok" or the error
 *   rc-probe sethostname  try to change the host name
 *   rc-probe module       try to load a kernel module
 *   rc-probe hog          allocate and touch memory until stopped
 *   rc-probe forkbomb N   try to have N processes; prints how many it got
 *   rc-probe cwd          the working directory as the kernel reports it
 *   rc-probe keyring      the serial of the session keyring (the user one if none)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(int r)
{
	puts(r == 0 ? "ok" : strerror(errno));
	return r == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "fds")) {
		DIR *d = opendir("/proc/self/fd");
		struct dirent *de;
		const char *sep = "";
		if (!d)
			return 1;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d)) {
				printf("%s%s", sep, de->d_name);
				sep = " ";
			}
		printf("\n");
		return 0;
	}
	if (!strcmp(what, "mount"))
		return report(mount("none", "/mnt", "tmpfs", 0, NULL));
	if (!strcmp(what, "sethostname"))
		return report(sethostname("changed", 7));
	if (!strcmp(what, "module"))
		return report((int)syscall(SYS_finit_module, 0, "", 0));
	if (!strcmp(what, "hog")) {
		for (size_t total = 0;; total += 1 << 20) {
			char *p = malloc(1 << 20);
			if (!p)
				return 3;
			memset(p, 1, 1 << 20);
		}
	}
	if (!strcmp(what, "forkbomb")) {
		int want = argc > 2 ? atoi(argv[2]) : 100, got = 1;
		pid_t kids[4096];
		if (want > 4096)
			want = 4096;
		for (int i = 1; i < want; i++) {
			pid_t p = fork();
			if (p < 0)
				break;
			if (p == 0) {
				pause();
				_exit(0);
			}
			kids[got++ - 1] = p;
		}
		printf("%d\n", got);
		for (int i = 0; i < got - 1; i++)
			kill(kids[i], SIGKILL);
		while (wait(NULL) > 0)
			;
		return 0;
	}
	if (!strcmp(what, "cwd")) {
		char buf[4096];
		if (syscall(SYS_getcwd, buf, sizeof buf) < 0)
			return report(-1);
		puts(buf);
		return 0;
	}
	if (!strcmp(what, "keyring")) {
		long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
		if (id < 0)
			return report(-1);
		printf("%ld\n", id);
		return 0;
	}
	fprintf(stderr, "usage: rc-probe fds|mount|sethostname|module|hog|forkbomb N|cwd|keyring\n");
	return 2;
}
