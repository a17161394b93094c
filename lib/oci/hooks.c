/* hooks.c - running an OCI config's hooks; see hooks.h. */
#include "oci/hooks.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX 2048

static const char *const kind_names[RC_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

const char *rc_oci_hook_name(enum rc_oci_hook_kind k)
{
	return kind_names[k];
}

static int parse_one(json_t *j, const char *what, struct rc_oci_hook *h, struct rc_err *e)
{
	const char *path = json_string_value(json_object_get(j, "path"));
	json_t *t = json_object_get(j, "timeout");

	if (!json_is_object(j) || !path || path[0] != '/')
		return rc_errf(e, 0, "%s: path must be an absolute path", what);
	if (!(h->path = strdup(path)))
		return rc_errf(e, ENOMEM, "allocating");
	if (rc_strv_from_json(json_object_get(j, "args"), "args", &h->args, e) < 0 ||
	    rc_strv_from_json(json_object_get(j, "env"), "env", &h->env, e) < 0)
		return rc_err_prefix(e, "%s", what);
	if (t && !json_is_null(t)) {
		if (!json_is_integer(t) || json_integer_value(t) <= 0 || json_integer_value(t) > 86400)
			return rc_errf(e, 0, "%s: timeout must be a positive number of seconds", what);
		h->timeout = (int)json_integer_value(t);
	}
	return 0;
}

int rc_oci_hooks_parse(json_t *hooks, struct rc_oci_hooks *ret, struct rc_err *e)
{
	const char *key;
	json_t *list;

	memset(ret, 0, sizeof *ret);
	if (!hooks || json_is_null(hooks))
		return 0;
	if (!json_is_object(hooks))
		return rc_errf(e, 0, "hooks: not an object");
	json_object_foreach(hooks, key, list) {
		int k;
		size_t i;
		json_t *h;

		for (k = 0; k < RC_HOOK_KINDS && strcmp(key, kind_names[k]); k++)
			;
		if (k == RC_HOOK_KINDS)
			return rc_errf(e, 0, "hooks.%s: not a kind of hook rc-oci knows (prestart, "
				       "createRuntime, createContainer, startContainer, poststart, poststop)", key);
		if (json_is_null(list))
			continue;
		if (!json_is_array(list))
			return rc_errf(e, 0, "hooks.%s: not an array", key);
		ret->list[k] = calloc(json_array_size(list) + 1, sizeof *ret->list[k]);
		if (!ret->list[k])
			return rc_errf(e, ENOMEM, "allocating");
		json_array_foreach(list, i, h) {
			char what[64];
			snprintf(what, sizeof what, "hooks.%s[%zu]", key, i);
			if (parse_one(h, what, &ret->list[k][ret->n[k]++], e) < 0)
				return -1;
		}
	}
	return 0;
}

void rc_oci_hooks_free(struct rc_oci_hooks *h)
{
	for (int k = 0; k < RC_HOOK_KINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->list[k][i].path);
			rc_strv_free(h->list[k][i].args);
			rc_strv_free(h->list[k][i].env);
		}
		free(h->list[k]);
	}
	memset(h, 0, sizeof *h);
}

static _Noreturn void exec_hook(const struct rc_oci_hook *h, int in, int out)
{
	char *argv0[] = { h->path, NULL }, *noenv[] = { NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(127);
	rc_close_fds_except(3, NULL, 0);
	execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : noenv);
	dprintf(STDERR_FILENO, "exec %s: %s", h->path, strerror(errno));
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Feed the state, gather the output and wait, within the timeout: the
 * process's wait status, or -1 when it timed out (and was killed). */
static int supervise(pid_t pid, int in, int out, const char *state, int timeout, char *buf,
		     size_t *got)
{
	size_t len = strlen(state), off = 0;
	long long deadline = timeout ? now_ms() + timeout * 1000LL : 0;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), ws = 0;
	bool exited = false;

	fcntl(in, F_SETFL, O_NONBLOCK);
	while (out >= 0 || !exited) {
		struct pollfd p[3] = { { in, POLLOUT, 0 }, { out, POLLIN, 0 }, { pfd, POLLIN, 0 } };
		int wait = deadline ? (int)(deadline - now_ms()) : -1;

		if (deadline && wait <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			if (pfd >= 0)
				close(pfd);
			return -1;
		}
		if (poll(p, 3, pfd >= 0 ? wait : 50) < 0 && errno != EINTR)
			break;
		if (in >= 0 && p[0].revents) {
			ssize_t n = write(in, state + off, len - off);
			if (n > 0)
				off += (size_t)n;
			if (off == len || (n < 0 && errno != EAGAIN && errno != EINTR))
				close(in), in = -1;
		}
		if (out >= 0 && p[1].revents) {
			char tmp[512];
			ssize_t n = read(out, tmp, sizeof tmp);
			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				close(out), out = -1;
			} else if (n > 0 && *got < OUTPUT_MAX - 1) {
				size_t k = (size_t)n < OUTPUT_MAX - 1 - *got ? (size_t)n : OUTPUT_MAX - 1 - *got;
				memcpy(buf + *got, tmp, k);
				*got += k;
			}
		}
		if (!exited && (pfd < 0 || p[2].revents) && waitpid(pid, &ws, WNOHANG) == pid)
			exited = true;
	}
	if (in >= 0)
		close(in);
	if (pfd >= 0)
		close(pfd);
	if (!exited)
		waitpid(pid, &ws, 0);
	return ws;
}

static int run_one(const struct rc_oci_hook *h, const char *what, const char *state, struct rc_err *e)
{
	int in[2], out[2], ws;
	char buf[OUTPUT_MAX];
	size_t got = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return rc_errf(e, errno, "%s: creating a pipe", what);
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return rc_errf(e, errno, "%s: creating a pipe", what);
	}
	pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return rc_errf(e, errno, "%s: starting %s", what, h->path);
	}
	if (pid == 0)
		exec_hook(h, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	ws = supervise(pid, in[1], out[0], state, h->timeout, buf, &got);
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		got--;
	buf[got] = '\0';
	if (ws < 0)
		return rc_errf(e, 0, "%s %s: timed out after %d s%s%s", what, h->path, h->timeout,
			       got ? ": " : "", buf);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	if (WIFEXITED(ws))
		return rc_errf(e, 0, "%s %s: exit status %d%s%s", what, h->path, WEXITSTATUS(ws),
			       got ? ": " : "", buf);
	return rc_errf(e, 0, "%s %s: killed by signal %d%s%s", what, h->path, WTERMSIG(ws),
		       got ? ": " : "", buf);
}

int rc_oci_hooks_run(const struct rc_oci_hooks *h, enum rc_oci_hook_kind k, const char *state,
		     bool warn_only, struct rc_err *e)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int r = 0;

	if (!h->n[k])
		return 0;
	/* A hook that does not read its stdin must not kill us with SIGPIPE. */
	sigaction(SIGPIPE, &ign, &old);
	for (size_t i = 0; i < h->n[k]; i++) {
		char what[64];
		snprintf(what, sizeof what, "hook %s[%zu]", kind_names[k], i);
		if (run_one(&h->list[k][i], what, state, e) < 0) {
			if (!warn_only) {
				r = -1;
				break;
			}
			rc_err_warn(e);
		}
	}
	sigaction(SIGPIPE, &old, NULL);
	return r;
}
