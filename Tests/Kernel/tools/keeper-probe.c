/* keeper-probe: plays an untrusted or broken peer of the ovpnctl socket
 * keeper in the kernel tests. It speaks raw bytes, so every request of the
 * protocol (and malformed ones) can be tried by anyone.
 *
 *   keeper-probe send PATH HEX [FDS]   connect, send HEX with FDS attached
 *                                      (udp, tcp, pipe, two = two UDP
 *                                      sockets, none), print the reply;
 *                                      HEX "-" sends nothing, only reads
 *   keeper-probe stall PATH SECS       connect, then neither send nor read
 *   keeper-probe listen PATH SECS      bind and listen at PATH, accept for
 *                                      SECS, report any descriptor received
 *   keeper-probe sink PORT SECS        a TCP listener (IPv4) that accepts
 *                                      and holds every connection for SECS
 *                                      (the remote end of TCP peers)
 *
 * Output, one line each: "reply HEX fds=N", "eof", "timeout", "bound",
 * "received fds=N", or "error WHAT: STRERROR" (exit 1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what) {
	printf("error %s: %s\n", what, strerror(errno));
	return 1;
}

static int address(const char *path, struct sockaddr_un *a) {
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -1;
	strcpy(a->sun_path, path);
	return 0;
}

static int connect_to(const char *path) {
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (s < 0 || address(path, &a) != 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return -1;
	return s;
}

static size_t unhex(const char *h, unsigned char *out, size_t max) {
	size_t n = 0;
	while (h[0] && h[1] && n < max) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		h += 2;
	}
	return n;
}

static int fds_for(const char *kind, int *fds) {
	if (!kind || !strcmp(kind, "none"))
		return 0;
	if (!strcmp(kind, "udp") || !strcmp(kind, "two")) {
		fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
		if (!strcmp(kind, "udp"))
			return 1;
		fds[1] = socket(AF_INET, SOCK_DGRAM, 0);
		return 2;
	}
	if (!strcmp(kind, "tcp")) {
		fds[0] = socket(AF_INET, SOCK_STREAM, 0);
		return 1;
	}
	if (!strcmp(kind, "pipe")) {
		int p[2];
		if (pipe(p) != 0)
			return -1;
		fds[0] = p[0];
		return 1;
	}
	return -1;
}

/* Reads one message (2 s at most) and prints it with its descriptor count. */
static int print_reply(int s) {
	struct pollfd p = { .fd = s, .events = POLLIN };
	unsigned char buf[65536];
	union { char b[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr a; } u;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	if (poll(&p, 1, 2000) != 1) {
		puts("timeout");
		return 0;
	}
	ssize_t n = recvmsg(s, &m, 0);
	if (n < 0)
		return fail("recvmsg");
	if (n == 0) {
		puts("eof");
		return 0;
	}
	int fds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			fds += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	printf("reply ");
	for (ssize_t i = 0; i < n && i < 64; i++)
		printf("%02x", buf[i]);
	printf(" fds=%d\n", fds);
	return 0;
}

static int do_send(const char *path, const char *hex, const char *kind) {
	unsigned char data[4096];
	size_t len = unhex(hex, data, sizeof(data));
	int fds[2], nfds = fds_for(kind, fds);
	if (nfds < 0) {
		errno = EINVAL;
		return fail("descriptor kind");
	}
	int s = connect_to(path);
	if (s < 0)
		return fail("connect");
	if (!strcmp(hex, "-"))
		return print_reply(s);
	union { char b[CMSG_SPACE(sizeof(int) * 2)]; struct cmsghdr a; } u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (nfds > 0) {
		m.msg_control = u.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(s, &m, MSG_NOSIGNAL) < 0) {
		/* A keeper that refused us at once may have closed already. */
		if (errno == EPIPE || errno == ECONNRESET)
			return print_reply(s);
		return fail("sendmsg");
	}
	return print_reply(s);
}

static int do_stall(const char *path, int secs) {
	int s = connect_to(path);
	if (s < 0)
		return fail("connect");
	puts("connected");
	fflush(stdout);
	sleep(secs);
	return 0;
}

static int do_listen(const char *path, int secs) {
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (s < 0 || address(path, &a) != 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return fail("bind");
	if (listen(s, 16) != 0)
		return fail("listen");
	puts("bound");
	fflush(stdout);
	time_t end = time(NULL) + secs;
	while (time(NULL) < end) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		if (poll(&p, 1, 200) != 1)
			continue;
		int c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		/* Answer nothing; report whatever arrives within a second. */
		for (int i = 0; i < 5; i++) {
			struct pollfd q = { .fd = c, .events = POLLIN };
			if (poll(&q, 1, 200) != 1)
				continue;
			unsigned char buf[256];
			union { char b[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr al; } u;
			struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
			ssize_t n = recvmsg(c, &m, 0);
			if (n <= 0)
				break;
			int fds = 0;
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
					fds += (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			printf("received fds=%d\n", fds);
			fflush(stdout);
		}
		close(c);
	}
	unlink(path);
	return 0;
}

static int do_sink(int port, int secs) {
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	int s = socket(AF_INET, SOCK_STREAM, 0), on = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 4096) != 0)
		return fail("tcp listen");
	puts("listening");
	fflush(stdout);
	time_t end = time(NULL) + secs;
	long held = 0;
	while (time(NULL) < end) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		if (poll(&p, 1, 200) != 1)
			continue;
		if (accept(s, NULL, NULL) >= 0)
			held++;
	}
	printf("held %ld\n", held);
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	if (argc == 4 && !strcmp(argv[1], "stall"))
		return do_stall(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "listen"))
		return do_listen(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return do_sink(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: keeper-probe send PATH HEX [udp|tcp|pipe|two|none] | stall PATH SECS | listen PATH SECS | sink PORT SECS\n");
	return 2;
}
