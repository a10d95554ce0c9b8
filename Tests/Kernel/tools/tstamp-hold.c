/* tstamp-hold: keeps one socket with SO_TIMESTAMP open until killed.
 *
 * The guest starts it before the first scenario. While any socket asks for
 * receive timestamps, the kernel keeps its netstamp static key on, so the
 * pings of the scenarios (which ask for them too) no longer switch the key
 * on and off. Each switch patches the packet receive path while the other
 * vCPU may be running it, and under software emulation that patching has
 * been seen to end in an int3 Oops in __netif_receive_skb_core.
 *
 *   tstamp-hold        prints "holding" once the option is set, then sleeps
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int on = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) < 0) {
		perror("tstamp-hold");
		return 1;
	}
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
}
