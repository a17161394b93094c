/* host-marker - a static program the security tests leave on the host,
 * outside every container, as the target of an escape: if a container ever
 * runs it, it says so and exits 42. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	printf("host binary ran: %s\n", argv[0]);
	return 42;
}
