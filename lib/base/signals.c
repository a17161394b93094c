/* signals.c - signal names; see signals.h. */
#include "base/signals.h"

#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int rc_signal_parse(const char *s, int *ret, struct rc_err *e)
{
	const char *n = s;
	char *end;
	long v;

	if (isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		if (*end || v < 1 || v > SIGRTMAX)
			return rc_errf(e, 0, "invalid signal \"%s\"", s);
		*ret = (int)v;
		return 0;
	}
	if (!strncasecmp(n, "SIG", 3))
		n += 3;
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		if (!strcasecmp(n, signals[i].name)) {
			*ret = signals[i].sig;
			return 0;
		}
	if (!strncasecmp(n, "RTMIN", 5) || !strncasecmp(n, "RTMAX", 5)) {
		bool max = toupper((unsigned char)n[3]) == 'A';
		v = 0;
		if (n[5]) {
			v = strtol(n + 5, &end, 10);
			if (*end || end == n + 5)
				return rc_errf(e, 0, "invalid signal \"%s\"", s);
		}
		v += max ? SIGRTMAX : SIGRTMIN;
		if (v < SIGRTMIN || v > SIGRTMAX)
			return rc_errf(e, 0, "invalid signal \"%s\"", s);
		*ret = (int)v;
		return 0;
	}
	return rc_errf(e, 0, "invalid signal \"%s\"", s);
}

