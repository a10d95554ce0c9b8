/* The C surface DCONetlink and ovpnctl need: libmnl, the stable netlink
 * uapi headers, and small inline helpers for macros Swift cannot import. */
#pragma once

/* No _GNU_SOURCE here: it changes glibc's struct layouts (fd_set) and the
 * module would then clash with Swift's own Glibc module. What needs GNU
 * extensions goes through syscall(2) below. */

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <termios.h>
#include <sys/ioctl.h>

/* Wipes secrets in a way the compiler may not elide. */
static inline void cmnl_explicit_bzero(void *p, size_t n) { explicit_bzero(p, n); }

/* SCM_RIGHTS helpers: CMSG_* are macros. */
static inline size_t cmnl_cmsg_space_fd(void) { return CMSG_SPACE(sizeof(int)); }

static inline ssize_t cmnl_send_fd(int sock, int fd, const void *data, size_t len) {
  struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  memset(&u, 0, sizeof(u));
  struct msghdr msg = { 0 };
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof(u.buf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* Receives up to len bytes and at most one descriptor (*fd = -1 if none). */
static inline ssize_t cmnl_recv_fd(int sock, int *fd, void *data, size_t len) {
  struct iovec iov = { .iov_base = data, .iov_len = len };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr msg = { 0 };
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof(u.buf);
  *fd = -1;
  ssize_t n = recvmsg(sock, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */);
  if (n < 0)
    return n;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int)))
      memcpy(fd, CMSG_DATA(c), sizeof(int));
  }
  return n;
}

static inline int cmnl_errno(void) { return errno; }
static inline FILE *cmnl_stdout(void) { return stdout; }
static inline FILE *cmnl_stderr(void) { return stderr; }
static inline FILE *cmnl_stdin(void) { return stdin; }
static inline int cmnl_set_process_name(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }
static inline int cmnl_close_from(unsigned int first) {
  return (int)syscall(SYS_close_range, first, ~0U, 0);
}
/* setns(fd, CLONE_NEWNET) */
static inline int cmnl_setns_net(int fd) { return (int)syscall(SYS_setns, fd, 0x40000000); }
static inline void cmnl_set_errno(int e) { errno = e; }
/* The size of the terminal on fd (TIOCGWINSZ); 0 on success. */
static inline int cmnl_window_size(int fd, unsigned short *rows, unsigned short *cols) {
  struct winsize w;
  if (ioctl(fd, TIOCGWINSZ, &w) != 0)
    return -1;
  *rows = w.ws_row;
  *cols = w.ws_col;
  return 0;
}
