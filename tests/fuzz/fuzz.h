/* fuzz.h - what the libFuzzer targets in tests/fuzz share.
 *
 * Each target is one LLVMFuzzerTestOneInput over the public interface of a
 * lib/ module. A broken property is reported with FUZZ_ASSERT, which aborts
 * (libFuzzer then saves the input as a crash).
 */
#ifndef RC_FUZZ_H
#define RC_FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_ASSERT(cond, ...)                                                  \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: property broken: %s: ", __FILE__, \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

/* The input as a C string (what the parsers take): cut at its first NUL. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* True when s is a NUL-terminated string within n bytes. */
static inline int fuzz_terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* Make /dev/shm/rc-fuzz-NAME.PID (its path into out) for a target's files,
 * removed at exit; first remove those of NAME whose process is gone (a
 * crash ends a target without its atexit handlers). */
static char fuzz_scratch_dir[96];

static inline void fuzz_scratch_remove(const char *path)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", path);
}

static inline void fuzz_scratch_at_exit(void)
{
	fuzz_scratch_remove(fuzz_scratch_dir);
}

static inline void fuzz_scratch(const char *name, char *out, size_t n)
{
	char prefix[64], path[160];
	struct dirent *de;
	DIR *d = opendir("/dev/shm");

	snprintf(prefix, sizeof prefix, "rc-fuzz-%s.", name);
	while (d && (de = readdir(d))) {
		int pid;
		if (strncmp(de->d_name, prefix, strlen(prefix)) ||
		    sscanf(de->d_name + strlen(prefix), "%d", &pid) != 1)
			continue;
		if (kill(pid, 0) < 0 && errno == ESRCH) {
			snprintf(path, sizeof path, "/dev/shm/%s", de->d_name);
			fuzz_scratch_remove(path);
		}
	}
	if (d)
		closedir(d);
	snprintf(fuzz_scratch_dir, sizeof fuzz_scratch_dir, "/dev/shm/%s%d", prefix, (int)getpid());
	if (mkdir(fuzz_scratch_dir, 0700) < 0 && errno != EEXIST) {
		perror(fuzz_scratch_dir);
		abort();
	}
	atexit(fuzz_scratch_at_exit);
	snprintf(out, n, "%s", fuzz_scratch_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
