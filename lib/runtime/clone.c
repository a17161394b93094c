/* clone.c - clone3 with an optional pid namespace to be born in; see clone.h. */
#include "runtime/clone.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct clone_args3 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

pid_t rc_clone(uint64_t flags, int pidns, struct rc_err *e)
{
	struct clone_args3 ca = { .flags = flags, .exit_signal = SIGCHLD };
	_cleanup_close_ int own = -1;
	pid_t pid;
	int err;

	if (pidns >= 0) {
		if (flags & CLONE_NEWPID)
			return rc_errf(e, EINVAL, "a new pid namespace and one to share");
		own = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
		if (own < 0)
			own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return rc_errf(e, errno, "opening our pid namespace");
		if (setns(pidns, CLONE_NEWPID) < 0)
			return rc_errf(e, errno, "joining the pid namespace to share");
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	err = errno;
	if (pid == 0)
		return 0;
	if (pidns >= 0 && setns(own, CLONE_NEWPID) < 0 && pid > 0) {
		/* Left in the shared namespace, our later children would be
		 * born there: the start cannot go on. */
		err = errno;
		kill(pid, SIGKILL);
		return rc_errf(e, err, "returning to our pid namespace");
	}
	if (pid < 0)
		return rc_errf(e, err, "creating the container's namespaces");
	return pid;
}
