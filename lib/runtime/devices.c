/* devices.c - docker's device rules for cgroup v1 and v2; see devices.h. */
#include "runtime/devices.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const rc_device_rules[] = {
	"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
	"c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
	NULL,
};

/* The character devices that may be opened, as (major, minor). */
static const struct { int32_t maj, min; } allowed_chr[] = {
	{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 }, { 10, 200 },
};
#define PTY_MAJOR 136

enum { ALLOW = -1, DENY = -2 };

struct prog {
	struct bpf_insn insn[64];
	int target[64];   /* ALLOW/DENY for jumps still to resolve, 0 otherwise */
	int n;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm,
		 int target)
{
	p->insn[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
					   .off = off, .imm = imm };
	p->target[p->n++] = target;
}

/*
 *	r2 = ctx->access_type; r3 = r2 & 0xffff (type); r4 = r2 >> 16 (access)
 *	r5 = ctx->major; r6 = ctx->minor
 *	if (!(r4 & (READ|WRITE))) allow		(mknod alone: "c *:* m", "b *:* m")
 *	if (r3 != CHAR) deny
 *	if (r5 == 136) allow				(the ptys)
 *	for each allowed (maj, min): if (r5 == maj && r6 == min) allow
 *	deny
 */
static void build(struct prog *p)
{
	p->n = 0;
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 0xffff, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0, 0);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, 4, 0, 0, 16, 0);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 5, 1, offsetof(struct bpf_cgroup_dev_ctx, major), 0, 0);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 6, 1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, 4, 0, 0, BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE, 0);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 0, 0, ALLOW);
	emit(p, BPF_JMP | BPF_JNE | BPF_K, 3, 0, 0, BPF_DEVCG_DEV_CHAR, DENY);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 0, PTY_MAJOR, ALLOW);
	for (size_t i = 0; i < sizeof allowed_chr / sizeof *allowed_chr; i++) {
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 5, 0, 1, allowed_chr[i].maj, 0);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 0, allowed_chr[i].min, ALLOW);
	}
	int deny = p->n;
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, 0);
	int allow = p->n;
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, 0);
	for (int i = 0; i < p->n; i++)
		if (p->target[i])
			p->insn[i].off = (int16_t)((p->target[i] == ALLOW ? allow : deny) - (i + 1));
}

int rc_devices_attach_bpf(const char *dir, struct rc_err *e)
{
	struct prog p;
	union bpf_attr attr;
	_cleanup_close_ int cg = -1, prog = -1;

	build(&p);
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p.insn;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t)"Apache-2.0";
	prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
	if (prog < 0)
		return rc_errf(e, errno, "loading the device rules (eBPF)");
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return rc_errf(e, errno, "opening %s", dir);
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cg;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0)
		return rc_errf(e, errno, "attaching the device rules to %s", dir);
	return 0;
}
