/* lan-udp.c — a statically linked UDP program for the LAN's fault tests: it
 * bypasses the trace library (LD_PRELOAD does nothing to a static
 * program), so only the network can drop or delay what it sends.
 *
 *   lan-udp recv PORT COUNT IDLE_MS   prints "ready", then one line per
 *                                     datagram "got N DELAY_US" (N its
 *                                     number, DELAY_US now minus its send
 *                                     time), ends after COUNT or IDLE_MS
 *                                     without one, with "total K"
 *   lan-udp send HOST PORT COUNT      for every line on stdin, sends COUNT
 *                                     datagrams "n=N t=NS" to HOST (N counts
 *                                     on across batches)
 *   lan-udp echo PORT                 sends every datagram back
 *   lan-udp ping HOST PORT COUNT      for every line on stdin, COUNT round
 *                                     trips one at a time; prints "rtt
 *                                     MEDIAN_US MIN_US MAX_US (GOT of COUNT)"
 *
 * CLOCK_MONOTONIC is one clock for every namespace, so a one-way delay
 * is measured by the receiver. Plain libc, nothing else.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
udp_socket (int port)
{
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons ((unsigned short) port) };

  if (fd < 0 || (port > 0 && bind (fd, (struct sockaddr *) &at, sizeof at) != 0))
    {
      perror ("lan-udp: socket");
      exit (1);
    }
  return fd;
}

/* HOST as an IPv4 address: dotted, or a name from /etc/hosts (a static
 * program's getaddrinfo cannot load NSS modules, so read it ourselves). */
static struct sockaddr_in
address_of (const char *host, int port)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons ((unsigned short) port) };
  char line[512], ip[64], name[256];
  FILE *hosts;

  if (inet_pton (AF_INET, host, &to.sin_addr) == 1)
    return to;
  hosts = fopen ("/etc/hosts", "r");
  while (hosts != NULL && fgets (line, sizeof line, hosts) != NULL)
    {
      char *rest = line;
      int used = 0;

      if (sscanf (rest, "%63s%n", ip, &used) != 1)
        continue;
      rest += used;
      while (sscanf (rest, "%255s%n", name, &used) == 1)
        {
          rest += used;
          if (strcmp (name, host) == 0 && inet_pton (AF_INET, ip, &to.sin_addr) == 1)
            {
              fclose (hosts);
              return to;
            }
        }
    }
  fprintf (stderr, "lan-udp: no address for %s\n", host);
  exit (1);
}

static int
do_recv (int port, int count, int idle_ms)
{
  int fd = udp_socket (port);
  struct pollfd pfd = { fd, POLLIN, 0 };
  char buf[2048];
  int total = 0;

  printf ("ready\n");
  fflush (stdout);
  while (total < count && poll (&pfd, 1, idle_ms) > 0)
    {
      ssize_t n = recv (fd, buf, sizeof buf - 1, 0);
      long long sent = 0;
      int number = -1;

      if (n <= 0)
        continue;
      buf[n] = '\0';
      sscanf (buf, "n=%d t=%lld", &number, &sent);
      printf ("got %d %lld\n", number, (now_ns () - sent) / 1000);
      total++;
    }
  printf ("total %d\n", total);
  return 0;
}

static int
do_send (const char *host, int port, int count)
{
  struct sockaddr_in to = address_of (host, port);
  int fd = udp_socket (0);
  char line[64], buf[128];
  int next = 0;

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      for (int i = 0; i < count; i++, next++)
        {
          int n = snprintf (buf, sizeof buf, "n=%d t=%lld", next, now_ns ());

          if (sendto (fd, buf, (size_t) n, 0, (struct sockaddr *) &to, sizeof to) != n)
            perror ("lan-udp: sendto");
        }
      printf ("sent %d\n", next);
    }
  return 0;
}

static int
do_echo (int port)
{
  int fd = udp_socket (port);
  char buf[2048];
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  ssize_t n;

  printf ("ready\n");
  fflush (stdout);
  while ((n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &len)) >= 0)
    {
      sendto (fd, buf, (size_t) n, 0, (struct sockaddr *) &from, len);
      len = sizeof from;
    }
  return 1;
}

static int
compare (const void *a, const void *b)
{
  long long x = *(const long long *) a, y = *(const long long *) b;

  return x < y ? -1 : x > y;
}

static void
ping_round (int fd, const struct sockaddr_in *to, int count, long long *rtt)
{
  struct pollfd pfd = { fd, POLLIN, 0 };
  char buf[64];
  int got = 0;

  for (int i = 0; i < count; i++)
    {
      long long start = now_ns ();
      int n = snprintf (buf, sizeof buf, "ping %d", i);

      sendto (fd, buf, (size_t) n, 0, (const struct sockaddr *) to, sizeof *to);
      if (poll (&pfd, 1, 1000) > 0 && recv (fd, buf, sizeof buf, 0) > 0)
        rtt[got++] = (now_ns () - start) / 1000;
    }
  if (got == 0)
    {
      printf ("rtt none (0 of %d)\n", count);
      return;
    }
  qsort (rtt, (size_t) got, sizeof *rtt, compare);
  printf ("rtt %lld %lld %lld (%d of %d)\n", rtt[got / 2], rtt[0], rtt[got - 1], got, count);
}

static int
do_ping (const char *host, int port, int count)
{
  struct sockaddr_in to = address_of (host, port);
  int fd = udp_socket (0);
  long long *rtt = calloc ((size_t) count, sizeof *rtt);
  char line[64];

  if (rtt == NULL)
    return 1;
  while (fgets (line, sizeof line, stdin) != NULL)
    ping_round (fd, &to, count, rtt);
  free (rtt);
  return 0;
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc == 5 && strcmp (argv[1], "recv") == 0)
    return do_recv (atoi (argv[2]), atoi (argv[3]), atoi (argv[4]));
  if (argc == 5 && strcmp (argv[1], "send") == 0)
    return do_send (argv[2], atoi (argv[3]), atoi (argv[4]));
  if (argc == 3 && strcmp (argv[1], "echo") == 0)
    return do_echo (atoi (argv[2]));
  if (argc == 5 && strcmp (argv[1], "ping") == 0)
    return do_ping (argv[2], atoi (argv[3]), atoi (argv[4]));
  fprintf (stderr, "usage: lan-udp recv PORT COUNT IDLE_MS | send HOST PORT COUNT | echo PORT | ping HOST PORT COUNT\n");
  return 2;
}
