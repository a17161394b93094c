/* devices.c - device cgroup rules for cgroup v1 and v2; see devices.h. */
#include "runtime/devices.h"
#include "base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int rc_device_access_parse(const char *s, unsigned *ret)
{
	unsigned bits = 0;

	for (; *s; s++) {
		unsigned b = *s == 'r' ? RC_DEV_READ : *s == 'w' ? RC_DEV_WRITE : *s == 'm' ? RC_DEV_MKNOD : 0;
		if (!b || (bits & b))
			return -1;
		bits |= b;
	}
	*ret = bits;
	return 0;
}

static void format_num(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

void rc_device_rule_format(const struct rc_device_rule *r, char *buf, size_t len)
{
	char maj[24], min[24];

	if (r->type == 'a') { /* v1 takes "a" alone: every device, every access */
		snprintf(buf, len, "a");
		return;
	}
	format_num(r->major, maj, sizeof maj);
	format_num(r->minor, min, sizeof min);
	snprintf(buf, len, "%c %s:%s %s%s%s", r->type, maj, min, r->access & RC_DEV_READ ? "r" : "",
		 r->access & RC_DEV_WRITE ? "w" : "", r->access & RC_DEV_MKNOD ? "m" : "");
}

/* ---- cgroup v2: the rules as an eBPF program ------------------------------ */

enum { NEXT = 1 };

struct prog {
	struct bpf_insn *insn;
	int *target;      /* NEXT for jumps still to resolve, 0 otherwise */
	int n;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, int16_t off, int32_t imm, int target)
{
	p->insn[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .off = off, .imm = imm };
	p->target[p->n++] = target;
}

static void emit_reg(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off)
{
	p->insn[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off };
	p->target[p->n++] = 0;
}

/* One rule: on to the next when it does not match, else its verdict.
 * Returns whether it matches every request (no rule before it matters). */
static bool emit_rule(struct prog *p, const struct rc_device_rule *r)
{
	int first = p->n;

	if (r->type != 'a') /* r3: the device type */
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 3, 0,
		     r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, NEXT);
	if (r->type != 'a' && r->major >= 0) /* r5: major */
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 5, 0, (int32_t)r->major, NEXT);
	if (r->type != 'a' && r->minor >= 0) /* r6: minor */
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 6, 0, (int32_t)r->minor, NEXT);
	if ((r->access & RC_DEV_ALL) != RC_DEV_ALL) { /* r4: the access asked for */
		emit_reg(p, BPF_ALU64 | BPF_MOV | BPF_X, 7, 4, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, 7, 0, (int32_t)(~r->access & RC_DEV_ALL), 0);
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 7, 0, 0, NEXT);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, r->allow ? 1 : 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (int i = first; i < p->n; i++)
		if (p->target[i] == NEXT) {
			p->insn[i].off = (int16_t)(p->n - (i + 1));
			p->target[i] = 0;
		}
	return p->n - first == 2;
}

/*
 *	r2 = ctx->access_type; r3 = r2 & 0xffff (type); r4 = r2 >> 16 (access)
 *	r5 = ctx->major; r6 = ctx->minor
 *	the rules from last to first: the first that matches decides
 *	deny
 * (The verifier refuses code that cannot be reached: nothing follows a rule
 * that matches everything.)
 */
static void build(struct prog *p, const struct rc_device_rule *rules, size_t n)
{
	p->n = 0;
	emit_reg(p, BPF_LDX | BPF_W | BPF_MEM, 2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	emit_reg(p, BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0xffff, 0);
	emit_reg(p, BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, 4, 0, 16, 0);
	emit_reg(p, BPF_LDX | BPF_W | BPF_MEM, 5, 1, offsetof(struct bpf_cgroup_dev_ctx, major));
	emit_reg(p, BPF_LDX | BPF_W | BPF_MEM, 6, 1, offsetof(struct bpf_cgroup_dev_ctx, minor));
	for (size_t i = n; i-- > 0;)
		if (emit_rule(p, &rules[i]))
			return;
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* Instructions per rule at most, and around them. */
#define RULE_INSNS 8
#define FRAME_INSNS 9
#define MAX_RULES 1024

static int load(const struct rc_device_rule *rules, size_t n, struct rc_err *e)
{
	struct prog p = { 0 };
	union bpf_attr attr;
	int fd;

	if (n > MAX_RULES)
		return rc_errf(e, E2BIG, "%zu device rules (at most %d)", n, MAX_RULES);
	p.insn = calloc(FRAME_INSNS + RULE_INSNS * n, sizeof *p.insn);
	p.target = calloc(FRAME_INSNS + RULE_INSNS * n, sizeof *p.target);
	if (!p.insn || !p.target) {
		free(p.insn);
		free(p.target);
		return rc_errf(e, ENOMEM, "allocating");
	}
	build(&p, rules, n);
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p.insn;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t)"Apache-2.0";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
	int err = errno;
	free(p.insn);
	free(p.target);
	if (fd < 0)
		return rc_errf(e, err, "loading the device rules (eBPF)");
	return fd;
}

int rc_devices_attach_bpf(const char *dir, const struct rc_device_rule *rules, size_t n,
			  struct rc_err *e)
{
	union bpf_attr attr;
	_cleanup_close_ int cg = -1, prog = -1;

	prog = load(rules, n, e);
	if (prog < 0)
		return -1;
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
