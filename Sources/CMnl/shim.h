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
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <termios.h>
#include <sys/ioctl.h>

/* Wipes secrets in a way the compiler may not elide. */
static inline void cmnl_explicit_bzero(void *p, size_t n) { explicit_bzero(p, n); }

/* SCM_RIGHTS helpers (CMSG_* are macros). */
/* Takes the descriptors a received message carries: the first `max` into
 * fds (*kept counts them), every other one closed at once, so none leaks.
 * Returns how many came. */
static inline int cmnl_take_fds(struct msghdr *msg, int *fds, int max, int *kept) {
  int came = 0;
  *kept = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
      continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      came++;
      if (*kept < max)
        fds[(*kept)++] = fd;
      else
        close(fd);
    }
  }
  return came;
}

/* Receives one message and the descriptors that came with it (up to max,
 * installed close-on-exec). *nfds is how many were received; *flags gets
 * msg_flags (MSG_TRUNC, MSG_CTRUNC). Never blocks when dontwait is set. */
static inline ssize_t cmnl_recv_fds(int sock, void *data, size_t len, int *fds, int max,
                                    int *nfds, int *flags, int dontwait) {
  struct iovec iov = { .iov_base = data, .iov_len = len };
  union { char buf[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr align; } u;
  struct msghdr msg = { 0 };
  if (max > 8)
    max = 8;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof(u.buf);
  *nfds = 0;
  *flags = 0;
  ssize_t n = recvmsg(sock, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */ | (dontwait ? MSG_DONTWAIT : 0));
  if (n < 0)
    return n;
  *flags = msg.msg_flags;
  cmnl_take_fds(&msg, fds, max, nfds);
  return n;
}

/* Sends one message without blocking (MSG_DONTWAIT), with fd if >= 0. */
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
  return sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The credentials of a unix socket's peer (SO_PEERCRED). */
static inline int cmnl_peer_credentials(int sock, int *pid, unsigned int *uid, unsigned int *gid) {
  struct { int pid; unsigned int uid; unsigned int gid; } cred;
  socklen_t len = sizeof(cred);
  if (getsockopt(sock, SOL_SOCKET, 17 /* SO_PEERCRED */, &cred, &len) != 0)
    return -1;
  if (len != sizeof(cred)) {
    errno = EPROTO;
    return -1;
  }
  *pid = cred.pid;
  *uid = cred.uid;
  *gid = cred.gid;
  return 0;
}

/* Starts `path` with argv in a new session: `keep` becomes fd 3, stdio is
 * /dev/null, every signal disposition and the mask are reset. */
static inline int cmnl_spawn_daemon(const char *path, char *const argv[], int keep, int *pid) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t all, none;
  if (posix_spawn_file_actions_init(&fa) != 0)
    return -1;
  posix_spawnattr_init(&at);
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | 0x80 /* POSIX_SPAWN_SETSID */);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&fa, 0, 1);
  posix_spawn_file_actions_adddup2(&fa, 0, 2);
  posix_spawn_file_actions_adddup2(&fa, keep, 3);
  extern char **environ;
  int rc = posix_spawn(pid, path, &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) {
    errno = rc;
    return -1;
  }
  return 0;
}

/* accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) without _GNU_SOURCE. */
static inline int cmnl_accept(int fd) {
  return (int)syscall(SYS_accept4, fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static inline int cmnl_flock(int fd, int op) { return flock(fd, op); }
static inline int cmnl_fchmod(int fd, unsigned int mode) { return fchmod(fd, mode); }

/* The soft descriptor limit now. */
static inline long cmnl_nofile(void) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) != 0)
    return -1;
  return r.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)r.rlim_cur;
}

/* Raises the soft descriptor limit to the hard one; returns the new soft limit. */
static inline long cmnl_raise_nofile(void) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) != 0)
    return -1;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &r) != 0)
      getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)r.rlim_cur;
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

/* recvmmsg(2) on a netlink socket, through syscall(2) (its struct and flag
 * are GNU extensions; the layout below is the kernel's struct mmsghdr).
 * Receives up to `max` (<= 64) datagrams, the i-th into base + i * slot,
 * blocking only for the first (MSG_WAITFORONE); lengths[i] gets each size.
 * Like libmnl's receive it refuses what the kernel did not send (ESRCH)
 * and truncated datagrams (ENOSPC). Returns the count, or -1 with errno. */
struct cmnl_mmsghdr { struct msghdr hdr; unsigned int len; };
static inline int cmnl_netlink_recv_many(int fd, void *base, size_t slot, unsigned int max,
                                         size_t *lengths) {
  struct cmnl_mmsghdr v[64];
  struct iovec iov[64];
  struct sockaddr_nl from[64];
  if (max > 64)
    max = 64;
  memset(v, 0, sizeof(v[0]) * max);
  for (unsigned int i = 0; i < max; i++) {
    iov[i].iov_base = (char *)base + (size_t)i * slot;
    iov[i].iov_len = slot;
    v[i].hdr.msg_iov = &iov[i];
    v[i].hdr.msg_iovlen = 1;
    v[i].hdr.msg_name = &from[i];
    v[i].hdr.msg_namelen = sizeof(from[i]);
  }
  long n = syscall(SYS_recvmmsg, fd, v, max, 0x10000 /* MSG_WAITFORONE */, (void *)0);
  if (n < 0)
    return -1;
  for (long i = 0; i < n; i++) {
    if (v[i].hdr.msg_namelen != sizeof(struct sockaddr_nl) || from[i].nl_pid != 0) {
      errno = ESRCH;
      return -1;
    }
    if (v[i].hdr.msg_flags & MSG_TRUNC) {
      errno = ENOSPC;
      return -1;
    }
    lengths[i] = v[i].len;
  }
  return (int)n;
}

/* sendmmsg(2) of `count` (<= 64) messages without descriptors, laid out
 * back to back from `data` with the given lengths, without blocking and
 * without SIGPIPE. Returns how many were sent (fewer once the socket is
 * full), or -1 with errno when not even the first was. */
static inline int cmnl_send_many(int sock, const void *data, const unsigned int *lengths,
                                 unsigned int count) {
  struct cmnl_mmsghdr v[64];
  struct iovec iov[64];
  if (count > 64)
    count = 64;
  memset(v, 0, sizeof(v[0]) * count);
  const char *p = data;
  for (unsigned int i = 0; i < count; i++) {
    iov[i].iov_base = (void *)p;
    iov[i].iov_len = lengths[i];
    p += lengths[i];
    v[i].hdr.msg_iov = &iov[i];
    v[i].hdr.msg_iovlen = 1;
  }
  long n = syscall(SYS_sendmmsg, sock, v, count, MSG_NOSIGNAL | MSG_DONTWAIT);
  return n < 0 ? -1 : (int)n;
}

/* recvmmsg(2) of up to `max` (<= 64) messages already queued on a unix
 * socket (never blocks), the i-th into base + i * slot: lengths[i] gets
 * its size, flags[i] its msg_flags (MSG_TRUNC, MSG_CTRUNC), and fds[i]
 * how many descriptors came with it, each closed at once (the caller
 * expects none; none leaks). Returns the count, or -1 with errno. */
static inline int cmnl_recv_many(int sock, void *base, size_t slot, unsigned int max,
                                 unsigned int *lengths, int *flags, int *fds) {
  struct cmnl_mmsghdr v[64];
  struct iovec iov[64];
  union { char buf[CMSG_SPACE(sizeof(int) * 8)]; struct cmsghdr align; } ctl[64];
  if (max > 64)
    max = 64;
  memset(v, 0, sizeof(v[0]) * max);
  for (unsigned int i = 0; i < max; i++) {
    iov[i].iov_base = (char *)base + (size_t)i * slot;
    iov[i].iov_len = slot;
    v[i].hdr.msg_iov = &iov[i];
    v[i].hdr.msg_iovlen = 1;
    v[i].hdr.msg_control = ctl[i].buf;
    v[i].hdr.msg_controllen = sizeof(ctl[i].buf);
  }
  long n = syscall(SYS_recvmmsg, sock, v, max, MSG_DONTWAIT | 0x40000000 /* MSG_CMSG_CLOEXEC */,
                   (void *)0);
  if (n < 0)
    return -1;
  for (long i = 0; i < n; i++) {
    lengths[i] = v[i].len;
    flags[i] = v[i].hdr.msg_flags;
    int kept;
    fds[i] = cmnl_take_fds(&v[i].hdr, (int *)0, 0, &kept);
  }
  return (int)n;
}
