/* test-auth.c - WWW-Authenticate challenges and registry credentials. */
#include "image/auth.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_config(const char *dir, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/config.json", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	struct rc_challenge c;
	struct rc_creds cr;
	struct rc_err e = { 0 };
	char dir[] = "/tmp/rc-test-auth.XXXXXX";
	char *b;

	TAP_PLAN(33);
	ok(rc_auth_parse_challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
				   "scope=\"repository:library/alpine:pull\"", &c) == 0,
	   "Docker Hub's challenge parses");
	is_str(c.scheme, "bearer", "the scheme is lower-cased");
	is_str(c.realm, "https://auth.docker.io/token", "the realm is read");
	is_str(c.service, "registry.docker.io", "the service is read");
	is_str(c.scope, "repository:library/alpine:pull", "the scope is read");

	ok(rc_auth_parse_challenge("bearer  Realm = \"https://x/t?a=1,b\" , SERVICE=reg", &c) == 0,
	   "spaces, upper-case keys, commas inside quotes and token values parse");
	is_str(c.realm, "https://x/t?a=1,b", "a comma inside a quoted realm stays");
	is_str(c.service, "reg", "an unquoted service is read");
	is_str(c.scope, "", "a missing scope is empty");

	ok(rc_auth_parse_challenge("Bearer realm=\"a\\\"b\",scope=\"repository:x:pull,push\"", &c) == 0,
	   "escaped quotes parse");
	is_str(c.realm, "a\"b", "an escaped quote is unescaped");
	is_str(c.scope, "repository:x:pull,push", "a scope with a comma is whole");

	ok(rc_auth_parse_challenge("Basic realm=\"Registry Realm\"", &c) == 0, "a Basic challenge parses");
	is_str(c.scheme, "basic", "its scheme is basic");
	is_str(c.realm, "Registry Realm", "its realm has a space");

	ok(rc_auth_parse_challenge("Bearer realm=\"x\", Basic realm=\"y\"", &c) == 0 &&
	   !strcmp(c.realm, "x"), "of two challenges the first counts");
	ok(rc_auth_parse_challenge("Bearer realm=\"unterminated", &c) < 0,
	   "an unterminated quoted string is refused");
	ok(rc_auth_parse_challenge("", &c) < 0, "an empty header is refused");

	ok(rc_creds_parse("user:pa:ss", &cr, &e) == 0 && !strcmp(cr.user, "user") &&
	   !strcmp(cr.pass, "pa:ss"), "USER:PASS splits at the first colon");
	e = (struct rc_err){ 0 };
	ok(rc_creds_parse("nocolon", &cr, &e) < 0 && e.status == 2, "credentials without ':' are a usage error");
	ok(rc_creds_parse(":pass", &cr, &e) < 0, "credentials without a user are refused");

	cr = (struct rc_creds){ .set = true, .user = "aladdin", .pass = "opensesame" };
	b = rc_creds_basic(&cr);
	is_str(b, "YWxhZGRpbjpvcGVuc2VzYW1l", "Basic credentials are base64 of user:pass");
	free(b);

	if (!mkdtemp(dir))
		return 1;
	setenv("DOCKER_CONFIG", dir, 1);
	ok(rc_creds_from_docker_config("docker.io", &cr, &e) == 0, "no config file means no credentials");
	write_config(dir, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnNlY3JldA==\"},"
			  "\"reg.example:5000\":{\"username\":\"u\",\"password\":\"p\"},"
			  "\"http://127.0.0.1:5000\":{\"auth\":\"bG86Og==\"}}}");
	cr = (struct rc_creds){ 0 };
	ok(rc_creds_from_docker_config("docker.io", &cr, &e) == 1 && !strcmp(cr.user, "hub") &&
	   !strcmp(cr.pass, "secret"), "Docker Hub's entry is found under https://index.docker.io/v1/");
	ok(rc_creds_from_docker_config("reg.example:5000", &cr, &e) == 1 && !strcmp(cr.user, "u") &&
	   !strcmp(cr.pass, "p"), "username and password entries are read");
	ok(rc_creds_from_docker_config("127.0.0.1:5000", &cr, &e) == 1 && !strcmp(cr.user, "lo") &&
	   !strcmp(cr.pass, ":"), "a key with a scheme matches its host:port");
	ok(rc_creds_from_docker_config("reg.example", &cr, &e) == 0, "another port is another registry");
	ok(rc_creds_from_docker_config("quay.io", &cr, &e) == 0, "an unknown registry has no credentials");
	write_config(dir, "{\"auths\":{\"quay.io\":{\"auth\":\"!!notbase64\"}}}");
	ok(rc_creds_from_docker_config("quay.io", &cr, &e) < 0 && strstr(e.msg, "base64"),
	   "an auth that is not base64 is an error naming it");
	write_config(dir, "{\"auths\":{\"quay.io\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	ok(rc_creds_from_docker_config("quay.io", &cr, &e) < 0, "an auth without ':' is an error");
	write_config(dir, "{\"auths\":");
	ok(rc_creds_from_docker_config("quay.io", &cr, &e) < 0 && strstr(e.msg, "config.json"),
	   "a malformed config is an error naming the file");
	write_config(dir, "{\"credsStore\":\"desktop\"}");
	ok(rc_creds_from_docker_config("quay.io", &cr, &e) == 0, "a config without auths has no credentials");

	{
		char path[700], dotdocker[600];
		snprintf(dotdocker, sizeof dotdocker, "%s/.docker", dir);
		mkdir(dotdocker, 0700);
		write_config(dotdocker, "{\"auths\":{\"quay.io\":{\"auth\":\"cTpw\"}}}");
		unsetenv("DOCKER_CONFIG");
		setenv("HOME", dir, 1);
		ok(rc_creds_from_docker_config("quay.io", &cr, &e) == 1 && !strcmp(cr.user, "q") &&
		   !strcmp(cr.pass, "p"), "without DOCKER_CONFIG, ~/.docker/config.json is read");
		snprintf(path, sizeof path, "%s/config.json", dotdocker);
		unlink(path);
		rmdir(dotdocker);
		snprintf(path, sizeof path, "%s/config.json", dir);
		unlink(path);
		rmdir(dir);
	}
	return tap_done();
}
