/* Unit tests for lib/spec.c: reading OCI runtime configs. */
#include "runtime/spec.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

int main(void)
{
	struct rc_spec s;
	struct rc_err e = { 0 };
	char **env = NULL;
	struct rc_mount m = { 0 };

	TAP_PLAN(43);

	ok(rc_spec_default(&s, &e) == 0, "the default config parses");
	is_str(s.args[0], "/bin/sh", "the default command is /bin/sh");
	ok(s.cap_bnd == rc_default_caps_mask() && s.cap_eff == rc_default_caps_mask() &&
	   s.cap_prm == rc_default_caps_mask(), "the default capabilities are docker's");
	ok(rc_default_caps_mask() == 0xa80425fbULL, "docker's set is a80425fb");
	ok(s.cap_inh == 0 && s.cap_amb == 0, "nothing inheritable or ambient by default");
	ok(s.no_new_privs, "no_new_privs by default");
	ok(s.ns[RC_NS_PID] && s.ns[RC_NS_NET] && s.ns[RC_NS_MNT] && s.ns[RC_NS_IPC] &&
	   s.ns[RC_NS_UTS] && s.ns[RC_NS_CGROUP], "all six namespaces by default");
	ok(rc_strv_len(s.masked) == 11 && rc_strv_len(s.readonly) == 5, "docker's masked and read-only paths");
	ok(s.nmounts == 7 && !strcmp(s.mounts[0].dest, "/proc") &&
	   s.mounts[0].flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV), "/proc is nosuid,noexec,nodev");
	ok(s.mounts[2].data && !strcmp(s.mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5"),
	   "devpts options that are not flags go to data");
	ok(s.mounts[3].flags & MS_RDONLY, "/sys is read-only");
	ok(s.mem_limit == -1 && s.pids_limit == 0 && s.cpu_quota == -1,
	   "no resource limits in the default config (the pids default is the runtime's)");
	ok(s.has_devices && s.ndevices == rc_default_ndevices && !s.devices[0].allow &&
	   s.devices[0].type == 'a', "docker's device rules, starting with deny all");
	ok(s.nrlimits == 1 && s.rlimits[0].resource == RLIMIT_NOFILE && s.rlimits[0].soft == 1024,
	   "RLIMIT_NOFILE 1024 by default");
	rc_spec_free(&s);

	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"devices\":["
			 "{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"},"
			 "{\"allow\":true,\"type\":\"b\",\"major\":7}]}}}", &s, &e) == 0,
	   "a config's device rules parse (%s)", e.msg);
	ok(s.ndevices == 3 && s.devices[1].allow && s.devices[1].type == 'c' && s.devices[1].major == 10 &&
	   s.devices[1].minor == 229 && s.devices[1].access == (RC_DEV_READ | RC_DEV_WRITE) &&
	   s.devices[2].minor == -1 && s.devices[2].access == RC_DEV_ALL,
	   "type, major, minor (absent: any) and access (absent: rwm)");
	struct rc_device_rule *rules = NULL;
	size_t nrules = 0;
	ok(rc_spec_device_rules(&s, &rules, &nrules, &e) == 0 && nrules == 3 + rc_default_ndevices - 1 &&
	   rules[1].major == 10 && rules[3].type == 'c' && rules[3].access == RC_DEV_MKNOD,
	   "the config's rules come first, then the devices every container gets");
	free(rules);
	rc_spec_free(&s);
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"}}", &s, &e) == 0 && !s.has_devices &&
	   rc_spec_device_rules(&s, &rules, &nrules, &e) == 0 && nrules == 2 * rc_default_ndevices - 1 &&
	   !rules[0].allow, "a config without rules gets docker's");
	free(rules);
	rc_spec_free(&s);
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"devices\":["
			 "{\"allow\":true,\"type\":\"x\"}]}}}", &s, &e) < 0 && strstr(e.msg, "type must be"),
	   "a bad device type is refused");
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"devices\":["
			 "{\"allow\":true,\"access\":\"rwx\"}]}}}", &s, &e) < 0 && strstr(e.msg, "access"),
	   "a bad device access is refused");

	ok(rc_spec_parse("{ not json", &s, &e) < 0 && strstr(e.msg, "not valid JSON"), "bad JSON is refused");
	ok(rc_spec_parse("[1]", &s, &e) < 0 && strstr(e.msg, "not a JSON object"), "a non-object is refused");
	ok(rc_spec_parse("{\"process\":{}}", &s, &e) < 0 && strstr(e.msg, "root.path"), "a config without root.path is refused");
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}", &s, &e) < 0 &&
	   strstr(e.msg, "user namespaces are not supported"), "a user namespace is refused, not ignored");
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}", &s, &e) < 0,
	   "an unknown rlimit is refused");

	ok(rc_spec_parse("{\"root\":{\"path\":\"/abs\",\"readonly\":true},\"hostname\":\"h\","
			 "\"process\":{\"args\":[\"a\",\"b\"],\"cwd\":\"/w\",\"user\":{\"uid\":5,\"gid\":6,\"additionalGids\":[7,8]},"
			 "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NOT_A_CAP\"]},"
			 "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}]},"
			 "\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576},\"cpu\":{\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":9}},"
			 "\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/x\"},{\"type\":\"time\"}]}}", &s, &e) == 0,
	   "a full config parses");
	ok(s.root_ro && !strcmp(s.root_path, "/abs") && !strcmp(s.hostname, "h"), "root and hostname");
	ok(s.uid == 5 && s.gid == 6 && s.ngids == 2 && s.gids[1] == 8, "user, group and additional groups");
	ok(s.cap_bnd == 1ULL << CAP_KILL, "capabilities by name; unknown names skipped");
	ok(s.nrlimits == 1 && s.rlimits[0].soft == 10 && s.rlimits[0].hard == 20, "rlimits");
	ok(s.mem_limit == 1048576 && s.cpu_quota == 50000 && s.cpu_period == 100000 && s.pids_limit == 9, "resources");
	ok(s.ns[RC_NS_NET] && !strcmp(s.ns_path[RC_NS_NET], "/run/netns/x") && !s.ns[RC_NS_PID],
	   "a namespace path is kept; unrequested ones are off");
	rc_spec_free(&s);

	/* ids are 32 bits: a larger one must not wrap round to root */
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":4294967296,\"gid\":1}}}", &s, &e) < 0 &&
	   strstr(e.msg, "process.user.uid: 4294967296 is not a valid id"), "uid 2^32 is refused, not uid 0");
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":1,\"gid\":-1}}}", &s, &e) < 0 &&
	   strstr(e.msg, "process.user.gid"), "gid -1 is refused");
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":1,\"additionalGids\":[5,4294967296]}}}", &s, &e) < 0 &&
	   strstr(e.msg, "additionalGids"), "an additional gid of 2^32 is refused, not gid 0");

	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"\"]}}", &s, &e) == 0 &&
	   s.args[0] == NULL, "args [\"\"] alone is no command");
	rc_spec_free(&s);
	ok(rc_spec_parse("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"\",\"x\"]}}", &s, &e) == 0 &&
	   s.args[0] && !strcmp(s.args[0], "") && s.args[1] && !strcmp(s.args[1], "x") && !s.args[2],
	   "args [\"\", \"x\"] is kept whole (it was emptied, and \"x\" leaked)");
	rc_spec_free(&s);

	ok(rc_env_set(&env, "A=1", &e) == 0 && rc_env_set(&env, "B=2", &e) == 0 &&
	   rc_env_set(&env, "A=3", &e) == 0 && rc_strv_len(env) == 2, "setting a variable twice replaces it");
	is_str(rc_env_get(env, "A"), "3", "the later value wins");
	ok(rc_env_get(env, "AB") == NULL && rc_env_get(env, "") == NULL, "only whole names match");
	rc_strv_free(env);

	ok(rc_sysctl_namespaced("net.ipv4.ip_forward") && rc_sysctl_namespaced("kernel.shmmax") &&
	   rc_sysctl_namespaced("fs.mqueue.queues_max"), "network, IPC and mqueue sysctls are namespaced");
	ok(!rc_sysctl_namespaced("kernel.panic") && !rc_sysctl_namespaced("vm.swappiness") &&
	   !rc_sysctl_namespaced("net.../../kernel/panic"), "others, and paths in disguise, are not");

	rc_mount_add_option(&m, "rbind");
	rc_mount_add_option(&m, "ro");
	rc_mount_add_option(&m, "rw");
	rc_mount_add_option(&m, "rslave");
	ok(m.bind && m.rec && !(m.flags & MS_RDONLY) && m.propagation == (MS_SLAVE | MS_REC),
	   "later options override earlier; rbind and propagation");
	free(m.data);
	return tap_done();
}
