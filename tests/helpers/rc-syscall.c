/* rc-syscall - a small static program copied into test containers: makes one
 * raw system call of those a seccomp profile decides, and prints "ok" or the
 * errno's name (EPERM, ENOSYS, ...). Exit 0 when it worked, 1 otherwise.
 * Each call is chosen so that, without a filter, it works or fails with an
 * error other than the filter's (EINVAL, EFAULT, EAFNOSUPPORT).
 *
 *   userns           unshare(CLONE_NEWUSER)
 *   clone-userns     clone(CLONE_NEWUSER), the child exits at once
 *   clone3           clone3(NULL, 0): EINVAL unless a filter answers
 *   keyctl           keyctl(KEYCTL_GET_KEYRING_ID, the session keyring, create)
 *   add_key          add_key("user", ...) into the process keyring
 *   io_uring         io_uring_setup(1, ...)
 *   userfaultfd      userfaultfd(UFFD_USER_MODE_ONLY)
 *   bpf              bpf() with a command no kernel has: EINVAL unfiltered
 *   perf_event_open  perf_event_open(NULL, ...): EFAULT unfiltered
 *   kcmp             kcmp(self, self, KCMP_FILE, 0, 0)
 *   pidfd_getfd      pidfd_getfd(pidfd_open(self), 0)
 *   personality      personality(ADDR_NO_RANDOMIZE)
 *   vsock, alg       socket(AF_VSOCK) and socket(AF_ALG)
 *   kexec_load       kexec_load(0, 0, NULL, 0)
 *   mount            mount a tmpfs on /mnt
 *   open_by_handle   name_to_handle_at("/etc/hostname"), then open_by_handle_at
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/userfaultfd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif

static long clone_userns(void)
{
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L, 0L);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

static long open_by_handle(void)
{
	struct { struct file_handle h; unsigned char buf[128]; } fh;
	int mount_id, root;

	fh.h.handle_bytes = sizeof fh.buf;
	if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/etc/hostname", &fh.h, &mount_id, 0) < 0)
		return -1;
	root = open("/", O_RDONLY | O_DIRECTORY);
	if (root < 0)
		return -1;
	return syscall(SYS_open_by_handle_at, root, &fh.h, O_RDONLY);
}

static long call(const char *what)
{
	struct io_uring_params p;
	long pidfd;

	if (!strcmp(what, "userns"))
		return syscall(SYS_unshare, CLONE_NEWUSER);
	if (!strcmp(what, "clone-userns"))
		return clone_userns();
	if (!strcmp(what, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
	if (!strcmp(what, "keyctl"))
		return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
	if (!strcmp(what, "add_key"))
		return syscall(SYS_add_key, "user", "rc-test", "x", 1, KEY_SPEC_PROCESS_KEYRING);
	if (!strcmp(what, "io_uring")) {
		memset(&p, 0, sizeof p);
		return syscall(SYS_io_uring_setup, 1, &p);
	}
	if (!strcmp(what, "userfaultfd"))
		return syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (!strcmp(what, "bpf"))
		return syscall(SYS_bpf, 9999, NULL, 0);
	if (!strcmp(what, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(what, "kcmp"))
		return syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 0);
	if (!strcmp(what, "pidfd_getfd")) {
		pidfd = syscall(SYS_pidfd_open, getpid(), 0);
		return pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	}
	if (!strcmp(what, "personality"))
		return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	if (!strcmp(what, "vsock"))
		return socket(AF_VSOCK, SOCK_STREAM, 0);
	if (!strcmp(what, "alg"))
		return socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (!strcmp(what, "kexec_load"))
		return syscall(SYS_kexec_load, 0, 0, NULL, 0);
	if (!strcmp(what, "mount"))
		return mount("none", "/mnt", "tmpfs", 0, NULL);
	if (!strcmp(what, "open_by_handle"))
		return open_by_handle();
	fprintf(stderr, "rc-syscall: unknown call %s\n", what);
	exit(2);
}

int main(int argc, char **argv)
{
	long r;

	if (argc != 2) {
		fprintf(stderr, "usage: rc-syscall CALL\n");
		return 2;
	}
	errno = 0;
	r = call(argv[1]);
	if (r < 0) {
		const char *name = strerrorname_np(errno);
		puts(name ? name : "?");
		return 1;
	}
	puts("ok");
	return 0;
}
