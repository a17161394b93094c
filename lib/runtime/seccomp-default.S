/* seccomp-default.S - lib/runtime/seccomp-default.json built into the
 * programs as rc_seccomp_default_profile (sysprofile.h), NUL-terminated:
 * the profile is data in the repository, typed once. */
	.section .rodata
	.global rc_seccomp_default_profile
	.type rc_seccomp_default_profile, @object
rc_seccomp_default_profile:
	.incbin "runtime/seccomp-default.json"
	.byte 0
	.size rc_seccomp_default_profile, . - rc_seccomp_default_profile
	.section .note.GNU-stack, "", @progbits
