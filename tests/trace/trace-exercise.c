/* trace-exercise.c — a plain C program that makes every call the trace
 * shim wraps, and prints only what does not change from run to run (no
 * ports, no PIDs), so that its output with and without the shim can be
 * compared byte for byte. Also the helper of the broadcast, fault,
 * controller-loss tests and of trace-bench (subcommands below).
 *
 * Plain libc and pthreads: it is run with the shim preloaded, so it must
 * not be built with sanitizers and must not need GLib.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { fprintf (stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, strerror (errno)); exit (2); } } while (0)

static const char *
err_name (int e)
{
  const char *name = strerrorname_np (e);
  return name ? name : "?";
}

/* Prints a call's result and the errno it left (evaluated after the call). */
static void
report_rc (const char *what, long rc)
{
  int e = errno;

  printf ("%s: %ld %s\n", what, rc, rc < 0 ? err_name (e) : "ok");
}

static struct sockaddr_in
loopback (uint16_t port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port) };
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  return a;
}

static int
udp_bound (struct sockaddr_in *addr)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t len = sizeof *addr;

  CHECK (fd >= 0);
  *addr = loopback (0);
  CHECK (bind (fd, (struct sockaddr *) addr, sizeof *addr) == 0);
  CHECK (getsockname (fd, (struct sockaddr *) addr, &len) == 0);
  return fd;
}

/* ---- all: every wrapped call ---------------------------------------------- */

static void
exercise_udp (void)
{
  struct sockaddr_in a, b, from;
  socklen_t from_len;
  char buf[256];
  ssize_t n;
  int fa = udp_bound (&a), fb = udp_bound (&b);

  /* sendto / recvfrom */
  CHECK (sendto (fa, "hello b", 7, 0, (struct sockaddr *) &b, sizeof b) == 7);
  from_len = sizeof from;
  n = recvfrom (fb, buf, sizeof buf, 0, (struct sockaddr *) &from, &from_len);
  printf ("udp sendto/recvfrom: %zd '%.*s' from a: %s, len %u\n", n, (int) n, buf,
          from.sin_port == a.sin_port ? "yes" : "no", (unsigned) from_len);

  /* an address buffer too small: the kernel says how long it was */
  CHECK (sendto (fa, "tiny", 4, 0, (struct sockaddr *) &b, sizeof b) == 4);
  from_len = 4;
  memset (&from, 0xAB, sizeof from);
  n = recvfrom (fb, buf, sizeof buf, 0, (struct sockaddr *) &from, &from_len);
  printf ("udp short address: %zd '%.*s', len %u, untouched past 4: %s\n", n, (int) n, buf,
          (unsigned) from_len, ((unsigned char *) &from)[4] == 0xAB ? "yes" : "no");

  /* connected: send / recv / write / read, recvfrom without an address */
  CHECK (connect (fa, (struct sockaddr *) &b, sizeof b) == 0);
  CHECK (connect (fb, (struct sockaddr *) &a, sizeof a) == 0);
  CHECK (send (fa, "one", 3, 0) == 3);
  CHECK (write (fa, "two", 3) == 3);
  CHECK (send (fa, "three", 5, 0) == 5);
  n = recv (fb, buf, sizeof buf, 0);
  printf ("udp recv: '%.*s'\n", (int) n, buf);
  n = read (fb, buf, sizeof buf);
  printf ("udp read: '%.*s'\n", (int) n, buf);
  n = recvfrom (fb, buf, sizeof buf, 0, NULL, NULL);
  printf ("udp recvfrom NULL: '%.*s'\n", (int) n, buf);

  /* peek, then read for real; nothing left: EAGAIN, errno as the C library left it */
  CHECK (send (fa, "peek", 4, 0) == 4);
  n = recv (fb, buf, sizeof buf, MSG_PEEK);
  printf ("udp peek: '%.*s'\n", (int) n, buf);
  n = recv (fb, buf, sizeof buf, 0);
  printf ("udp after peek: '%.*s'\n", (int) n, buf);
  errno = 0;
  n = recv (fb, buf, sizeof buf, MSG_DONTWAIT);
  printf ("udp empty: %zd %s\n", n, err_name (errno));

  /* sendmsg / recvmsg, scattered */
  {
    struct iovec out[3] = { { "sc", 2 }, { "at", 2 }, { "ter", 3 } };
    struct msghdr m = { .msg_iov = out, .msg_iovlen = 3 };
    char p1[3], p2[16];
    struct iovec in[2] = { { p1, sizeof p1 }, { p2, sizeof p2 } };
    struct msghdr r = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = in, .msg_iovlen = 2 };

    CHECK (sendmsg (fa, &m, 0) == 7);
    n = recvmsg (fb, &r, 0);
    printf ("udp sendmsg/recvmsg: %zd '%.3s|%.*s' from a: %s flags %d\n", n, p1, (int) n - 3, p2,
            from.sin_port == a.sin_port ? "yes" : "no", r.msg_flags);
    r.msg_name = NULL;
    r.msg_namelen = 0;
    CHECK (sendmsg (fa, &m, 0) == 7);
    n = recvmsg (fb, &r, 0);
    printf ("udp recvmsg without name: %zd namelen %u\n", n, (unsigned) r.msg_namelen);
  }

  /* sendmmsg / recvmmsg */
  {
    struct iovec out[3] = { { "m1", 2 }, { "mm2", 3 }, { "mmm3", 4 } };
    struct mmsghdr v[3];
    char in[3][16];
    struct iovec iv[3];

    memset (v, 0, sizeof v);
    for (int i = 0; i < 3; i++)
      {
        v[i].msg_hdr.msg_iov = &out[i];
        v[i].msg_hdr.msg_iovlen = 1;
      }
    printf ("udp sendmmsg: %d\n", sendmmsg (fa, v, 3, 0));
    memset (v, 0, sizeof v);
    for (int i = 0; i < 3; i++)
      {
        iv[i].iov_base = in[i];
        iv[i].iov_len = sizeof in[i];
        v[i].msg_hdr.msg_iov = &iv[i];
        v[i].msg_hdr.msg_iovlen = 1;
      }
    n = recvmmsg (fb, v, 3, MSG_WAITFORONE, NULL);
    while (n > 0 && n < 3)  /* they may come in two batches */
      n += recvmmsg (fb, v + n, 3 - (unsigned) n, 0, NULL);
    printf ("udp recvmmsg: %zd '%.*s' '%.*s' '%.*s'\n", n, (int) v[0].msg_len, in[0],
            (int) v[1].msg_len, in[1], (int) v[2].msg_len, in[2]);
  }
  close (fa);
  close (fb);
  report_rc ("close again", close (fa));
  report_rc ("sendto bad fd", sendto (fa, "x", 1, 0, (struct sockaddr *) &b, sizeof b));
}

static uint32_t
checksum (const unsigned char *p, size_t n, uint32_t h)
{
  for (size_t i = 0; i < n; i++)
    h = h * 31 + p[i];
  return h;
}

#define STREAM_BYTES 200000

static void *
tcp_writer (void *data)
{
  int fd = *(int *) data;
  static unsigned char block[STREAM_BYTES];
  size_t sent = 0, piece = 1;

  for (size_t i = 0; i < sizeof block; i++)
    block[i] = (unsigned char) (i * 7 + i / 251);
  /* partial writes: growing pieces, send() returning less is handled */
  while (sent < sizeof block)
    {
      size_t want = piece < sizeof block - sent ? piece : sizeof block - sent;
      ssize_t n = send (fd, block + sent, want, MSG_NOSIGNAL);
      CHECK (n > 0);
      sent += (size_t) n;
      piece = piece * 3 + 1;
    }
  shutdown (fd, SHUT_WR);
  return NULL;
}

static void
exercise_tcp (void)
{
  struct sockaddr_in a = loopback (0), peer;
  socklen_t len = sizeof a;
  int lfd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), cfd, sfd, one = 1;
  unsigned char buf[1000];
  size_t total = 0, reads = 0;
  uint32_t sum = 0, expect = 0;
  pthread_t writer;
  ssize_t n;

  CHECK (lfd >= 0);
  CHECK (setsockopt (lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
  CHECK (bind (lfd, (struct sockaddr *) &a, sizeof a) == 0);
  CHECK (getsockname (lfd, (struct sockaddr *) &a, &len) == 0);
  CHECK (listen (lfd, 4) == 0);

  cfd = socket (AF_INET, SOCK_STREAM, 0);
  CHECK (connect (cfd, (struct sockaddr *) &a, sizeof a) == 0);
  len = sizeof peer;
  sfd = accept4 (lfd, (struct sockaddr *) &peer, &len, SOCK_CLOEXEC);
  CHECK (sfd >= 0);
  printf ("tcp accept4: ok, peer is loopback: %s\n", peer.sin_addr.s_addr == htonl (INADDR_LOOPBACK) ? "yes" : "no");

  /* 200000 bytes in growing writes, read back in 7, 1000 and read() pieces */
  CHECK (pthread_create (&writer, NULL, tcp_writer, &cfd) == 0);
  for (;;)
    {
      size_t want = reads % 3 == 0 ? 7 : sizeof buf;
      n = reads % 3 == 2 ? read (sfd, buf, want) : recv (sfd, buf, want, 0);
      if (n <= 0)
        break;
      sum = checksum (buf, (size_t) n, sum);
      total += (size_t) n;
      reads++;
    }
  pthread_join (writer, NULL);
  for (size_t i = 0; i < STREAM_BYTES; i++)
    {
      unsigned char c = (unsigned char) (i * 7 + i / 251);
      expect = checksum (&c, 1, expect);
    }
  printf ("tcp stream: %zu bytes, checksum %s, end %zd\n", total, sum == expect ? "right" : "WRONG", n);

  /* the other way, with MSG_WAITALL, sendmsg/recvmsg on a stream */
  {
    struct iovec out[2] = { { "stream", 6 }, { "msg", 3 } };
    struct msghdr m = { .msg_iov = out, .msg_iovlen = 2 };
    char in[9];
    CHECK (sendmsg (sfd, &m, 0) == 9);
    n = recv (cfd, in, sizeof in, MSG_WAITALL);
    printf ("tcp sendmsg + waitall: %zd '%.*s'\n", n, (int) n, in);
  }
  close (sfd);
  close (cfd);

  /* accept (not accept4), then the peer goes away: EPIPE, and errno kept */
  cfd = socket (AF_INET, SOCK_STREAM, 0);
  CHECK (connect (cfd, (struct sockaddr *) &a, sizeof a) == 0);
  sfd = accept (lfd, NULL, NULL);
  CHECK (sfd >= 0);
  close (sfd);
  usleep (20000);
  errno = 0;
  n = send (cfd, "x", 1, MSG_NOSIGNAL);
  if (n > 0)  /* the first may still go out; the reset comes back */
    {
      usleep (20000);
      errno = 0;
      n = send (cfd, "x", 1, MSG_NOSIGNAL);
    }
  printf ("tcp send after peer closed: %zd %s\n", n, err_name (errno));
  close (cfd);
  close (lfd);

  /* nobody listening */
  cfd = socket (AF_INET, SOCK_STREAM, 0);
  report_rc ("tcp connect refused", connect (cfd, (struct sockaddr *) &a, sizeof a));
  close (cfd);
  {
    int x = udp_bound (&a), y = socket (AF_INET, SOCK_DGRAM, 0);
    report_rc ("bind in use", bind (y, (struct sockaddr *) &a, sizeof a));
    close (x);
    close (y);
  }
}

static void
exercise_fork (void)
{
  struct sockaddr_in a, b;
  int fa = udp_bound (&a), status = 0;
  char buf[64];
  pid_t pid;
  ssize_t n;

  pid = fork ();
  CHECK (pid >= 0);
  if (pid == 0)
    {
      int fb = udp_bound (&b);
      char msg[64];
      snprintf (msg, sizeof msg, "child says hi");
      sendto (fb, msg, strlen (msg), 0, (struct sockaddr *) &a, sizeof a);
      _exit (7);
    }
  n = recv (fa, buf, sizeof buf, 0);
  waitpid (pid, &status, 0);
  printf ("fork: '%.*s', child exit %d\n", (int) n, buf, WEXITSTATUS (status));
  close (fa);
}

#define THREADS 4
#define ROUNDS 200

static void *
thread_round_trips (void *data)
{
  struct sockaddr_in a, b;
  int fa = udp_bound (&a), fb = udp_bound (&b), good = 0;
  char out[32], in[32];

  for (int i = 0; i < ROUNDS; i++)
    {
      int len = snprintf (out, sizeof out, "t%ld-%d", (long) (intptr_t) data, i);
      ssize_t n;
      CHECK (sendto (fa, out, (size_t) len, 0, (struct sockaddr *) &b, sizeof b) == len);
      n = recvfrom (fb, in, sizeof in, 0, NULL, NULL);
      CHECK (sendto (fb, in, (size_t) n, 0, (struct sockaddr *) &a, sizeof a) == n);
      n = recv (fa, in, sizeof in, 0);
      good += n == len && memcmp (in, out, (size_t) len) == 0;
    }
  close (fa);
  close (fb);
  return (void *) (intptr_t) good;
}

static void
exercise_threads (void)
{
  pthread_t t[THREADS];
  intptr_t good = 0;

  for (intptr_t i = 0; i < THREADS; i++)
    CHECK (pthread_create (&t[i], NULL, thread_round_trips, (void *) i) == 0);
  for (int i = 0; i < THREADS; i++)
    {
      void *r;
      pthread_join (t[i], &r);
      good += (intptr_t) r;
    }
  printf ("threads: %ld of %d round trips right\n", (long) good, THREADS * ROUNDS);
}

/* ---- pingpong: UDP round trips with a forked echo process ------------------ */

static int64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
pingpong (long rounds)
{
  struct sockaddr_in a, b;
  int fa = udp_bound (&a), fb = udp_bound (&b), status;
  long good = 0;
  char out[64], in[64];
  int64_t start;
  pid_t pid = fork ();

  CHECK (pid >= 0);
  if (pid == 0)
    {
      for (;;)
        {
          struct sockaddr_in from;
          socklen_t len = sizeof from;
          ssize_t n = recvfrom (fb, in, sizeof in, 0, (struct sockaddr *) &from, &len);
          if (n == 4 && memcmp (in, "stop", 4) == 0)
            _exit (0);
          sendto (fb, in, (size_t) n, 0, (struct sockaddr *) &from, len);
        }
    }
  close (fb);
  start = now_ns ();
  for (long i = 0; i < rounds; i++)
    {
      int len = snprintf (out, sizeof out, "ping %ld", i);
      ssize_t n;
      CHECK (sendto (fa, out, (size_t) len, 0, (struct sockaddr *) &b, sizeof b) == len);
      n = recv (fa, in, sizeof in, 0);
      good += n == len && memcmp (in, out, (size_t) len) == 0;
    }
  fprintf (stderr, "round trip: %.2f us\n", (double) (now_ns () - start) / 1000.0 / (double) rounds);
  sendto (fa, "stop", 4, 0, (struct sockaddr *) &b, sizeof b);
  waitpid (pid, &status, 0);
  printf ("pingpong: %ld of %ld round trips right, echo exit %d\n", good, rounds, WEXITSTATUS (status));
  return 0;
}

/* ---- selfping: the same calls without a second process ---------------------
 * One thread sends a datagram to its own second socket and receives it: two
 * traced calls an iteration and no scheduler in the way, so the difference
 * with and without the shim is the shim's own cost. Prints it as a "round
 * trip" of four calls (two iterations) so trace-bench reads it like pingpong. */

static int
selfping (long rounds)
{
  struct sockaddr_in a, b;
  int fa = udp_bound (&a), fb = udp_bound (&b);
  long good = 0;
  char out[64], in[64];
  int64_t start = now_ns ();

  for (long i = 0; i < 2 * rounds; i++)
    {
      int len = snprintf (out, sizeof out, "ping %ld", i);
      CHECK (sendto (fa, out, (size_t) len, 0, (struct sockaddr *) &b, sizeof b) == len);
      good += recv (fb, in, sizeof in, 0) == len && memcmp (in, out, (size_t) len) == 0;
    }
  fprintf (stderr, "round trip: %.2f us\n", (double) (now_ns () - start) / 1000.0 / (double) rounds);
  printf ("selfping: %ld of %ld right\n", good, 2 * rounds);
  close (fa);
  close (fb);
  return good == 2 * rounds ? 0 : 1;
}

/* ---- broadcast on a machine (namespace) with only lo ------------------------ */

static int
lo_up (void)
{
  struct ifreq ifr;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);

  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) != 0)
    return -1;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) != 0)
    return -1;
  close (fd);
  return 0;
}

static int
broadcast_send (uint16_t port)
{
  int fd = socket (AF_INET, SOCK_DGRAM, 0), one = 1;
  struct sockaddr_in to = loopback (port);
  ssize_t n;

  to.sin_addr.s_addr = htonl (INADDR_BROADCAST);
  CHECK (setsockopt (fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) == 0);
  errno = 0;
  n = sendto (fd, "anyone there?", 13, 0, (struct sockaddr *) &to, sizeof to);
  printf ("%zd %s\n", n, n < 0 ? err_name (errno) : "sent");
  return 0;
}

/* Runs `self broadcast-send PORT` with `preload` (or none), returns its line. */
static void
run_sender (const char *self, const char *preload, uint16_t port, char *line, size_t size)
{
  char cmd[1024];
  FILE *p;

  snprintf (cmd, sizeof cmd, "%s%s%s %s broadcast-send %u", preload ? "LD_PRELOAD=" : "env -u LD_PRELOAD",
            preload ? preload : "", preload ? " env" : "", self, port);
  p = popen (cmd, "r");
  CHECK (p != NULL);
  line[0] = '\0';
  if (fgets (line, (int) size, p) != NULL)
    line[strcspn (line, "\n")] = '\0';
  pclose (p);
}

static int
received_within (int fd, int ms, char *buf, size_t size)
{
  struct timeval tv = { 0, ms * 1000 };
  ssize_t n;

  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  n = recv (fd, buf, size - 1, 0);
  buf[n > 0 ? n : 0] = '\0';
  return n > 0;
}

static int
broadcast_check (const char *self, const char *shim)
{
  struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons (10901) };
  int fd, one = 1;
  char line[256], got[64];

  if (lo_up () != 0)
    {
      printf ("cannot bring lo up: %s\n", strerror (errno));
      return 3;
    }
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  CHECK (bind (fd, (struct sockaddr *) &any, sizeof any) == 0);
  run_sender (self, NULL, 10901, line, sizeof line);
  printf ("without the shim: %s, received: %s\n", line, received_within (fd, 300, got, sizeof got) ? got : "nothing");
  run_sender (self, shim, 10901, line, sizeof line);
  printf ("with the shim: %s, received: %s\n", line, received_within (fd, 2000, got, sizeof got) ? got : "nothing");
  return 0;
}

/* ---- sender / receiver for the fault tests -------------------------------- */

static int
udp_sender (uint16_t port, long count, long interval_ms)
{
  struct sockaddr_in to = loopback (port);
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  char msg[32];

  for (long i = 0; count == 0 || i < count; i++)
    {
      int len = snprintf (msg, sizeof msg, "tick %ld", i);
      sendto (fd, msg, (size_t) len, 0, (struct sockaddr *) &to, sizeof to);
      usleep ((useconds_t) interval_ms * 1000);
    }
  return 0;
}

static int
udp_receiver (uint16_t port)
{
  struct sockaddr_in at = loopback (port);
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  char buf[64];
  long n = 0;

  CHECK (bind (fd, (struct sockaddr *) &at, sizeof at) == 0);
  for (;;)
    {
      ssize_t got = recv (fd, buf, sizeof buf, 0);
      if (got > 0 && ++n % 10 == 0)
        printf ("received %ld\n", n);
    }
  return 0;
}

/* For the step mode test: binds UDP PORT, waits for a line on stdin, tries
 * one recvmmsg with MSG_DONTWAIT ("held" if nothing came), then receives
 * COUNT datagrams with blocking recvmmsg calls of up to 4: a line per
 * datagram (its text, and the source if it is not 127.0.0.1), "-" after
 * each call. */
static int
mmsg_receiver (uint16_t port, int count)
{
  struct sockaddr_in at = loopback (port), from[4];
  char buf[4][64], line[16];
  struct iovec iov[4];
  struct mmsghdr v[4];
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  int got = 0, n;

  CHECK (bind (fd, (struct sockaddr *) &at, sizeof at) == 0);
  printf ("bound\n");
  CHECK (fgets (line, sizeof line, stdin) != NULL);
  for (int i = 0; i < 4; i++)
    {
      iov[i] = (struct iovec) { buf[i], sizeof buf[i] };
      memset (&v[i], 0, sizeof v[i]);
      v[i].msg_hdr.msg_iov = &iov[i];
      v[i].msg_hdr.msg_iovlen = 1;
    }
  n = recvmmsg (fd, v, 4, MSG_DONTWAIT, NULL);
  printf ("%s\n", n < 0 && errno == EAGAIN ? "held" : "not held");
  while (got < count)
    {
      for (int i = 0; i < 4; i++)
        {
          v[i].msg_hdr.msg_name = &from[i];
          v[i].msg_hdr.msg_namelen = sizeof from[i];
        }
      n = recvmmsg (fd, v, 4, 0, NULL);
      CHECK (n > 0);
      for (int i = 0; i < n; i++)
        printf ("%.*s%s\n", (int) v[i].msg_len, buf[i],
                v[i].msg_hdr.msg_namelen == sizeof from[i] && from[i].sin_addr.s_addr == htonl (INADDR_LOOPBACK)
                ? "" : " (no source)");
      printf ("-\n");
      got += n;
    }
  return 0;
}

/* For the step mode test: binds UDP PORT, waits for a line on stdin, tries
 * one recvmsg with MSG_DONTWAIT ("held" if nothing came), then receives
 * one datagram each with read, recvmsg, recv and recvfrom, blocking: a
 * line per call, "CALL: TEXT". */
static int
held_calls (uint16_t port)
{
  struct sockaddr_in at = loopback (port), from;
  socklen_t from_len = sizeof from;
  char buf[64], line[16];
  struct iovec iov = { buf, sizeof buf };
  struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  ssize_t n;

  CHECK (bind (fd, (struct sockaddr *) &at, sizeof at) == 0);
  printf ("bound\n");
  CHECK (fgets (line, sizeof line, stdin) != NULL);
  n = recvmsg (fd, &msg, MSG_DONTWAIT);
  printf ("%s\n", n < 0 && errno == EAGAIN ? "held" : "not held");
  CHECK ((n = read (fd, buf, sizeof buf)) > 0);
  printf ("read: %.*s\n", (int) n, buf);
  msg.msg_namelen = sizeof from;
  CHECK ((n = recvmsg (fd, &msg, 0)) > 0);
  printf ("recvmsg: %.*s%s\n", (int) n, buf, from.sin_addr.s_addr == htonl (INADDR_LOOPBACK) ? "" : " (no source)");
  CHECK ((n = recv (fd, buf, sizeof buf, 0)) > 0);
  printf ("recv: %.*s\n", (int) n, buf);
  CHECK ((n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &from_len)) > 0);
  printf ("recvfrom: %.*s\n", (int) n, buf);
  return 0;
}

/* The program closes every descriptor behind the shim's back, as a daemon
 * might: the numbers come back as its own sockets, and must carry only its
 * own data. */
static int
close_all (void)
{
  struct sockaddr_in a, b;
  char buf[64];
  ssize_t n;
  int fa, fb;

  for (int fd = 3; fd < 64; fd++)
    syscall (SYS_close, fd);
  fa = udp_bound (&a);
  fb = udp_bound (&b);
  CHECK (sendto (fa, "after", 5, 0, (struct sockaddr *) &b, sizeof b) == 5);
  n = recv (fb, buf, sizeof buf, 0);
  printf ("close-all: got '%.*s'\n", (int) n, buf);
  /* Reports would have gone out with this send, into fb if it were the channel. */
  CHECK (sendto (fa, "again", 5, 0, (struct sockaddr *) &b, sizeof b) == 5);
  n = recv (fb, buf, sizeof buf, 0);
  printf ("close-all: got '%.*s'\n", (int) n, buf);
  errno = 0;
  n = recv (fb, buf, sizeof buf, MSG_DONTWAIT);
  report_rc ("close-all: nothing more", (long) n);
  n = recv (fa, buf, sizeof buf, MSG_DONTWAIT);
  report_rc ("close-all: nothing on the sender", (long) n);
  return 0;
}

int
main (int argc, char *argv[])
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 3 && strcmp (argv[1], "selfping") == 0)
    return selfping (atol (argv[2]));
  if (argc >= 2 && strcmp (argv[1], "pingpong") == 0)
    return pingpong (argc > 2 ? atol (argv[2]) : 1000);
  if (argc >= 3 && strcmp (argv[1], "broadcast-send") == 0)
    return broadcast_send ((uint16_t) atoi (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "broadcast-check") == 0)
    return broadcast_check (argv[0], argv[2]);
  if (argc >= 5 && strcmp (argv[1], "udp-sender") == 0)
    return udp_sender ((uint16_t) atoi (argv[2]), atol (argv[3]), atol (argv[4]));
  if (argc >= 3 && strcmp (argv[1], "udp-receiver") == 0)
    return udp_receiver ((uint16_t) atoi (argv[2]));
  if (argc >= 3 && strcmp (argv[1], "held-calls") == 0)
    return held_calls ((uint16_t) atoi (argv[2]));
  if (argc >= 4 && strcmp (argv[1], "mmsg-receiver") == 0)
    return mmsg_receiver ((uint16_t) atoi (argv[2]), atoi (argv[3]));
  if (argc >= 2 && strcmp (argv[1], "close-all") == 0)
    return close_all ();
  if (argc >= 2 && strcmp (argv[1], "all") == 0)
    {
      exercise_udp ();
      exercise_tcp ();
      exercise_fork ();
      exercise_threads ();
      return 0;
    }
  fprintf (stderr, "usage: %s all | close-all | pingpong N | broadcast-check SHIM | broadcast-send PORT |"
           " udp-sender PORT COUNT INTERVAL_MS | udp-receiver PORT | mmsg-receiver PORT COUNT | held-calls PORT\n", argv[0]);
  return 1;
}
