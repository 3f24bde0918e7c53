/* lan-bridge.c — `conclave-lan bridge HOSTS [RESOLV [EVENTS]]`: the LAN's switch and its hosts.
 *
 * Makes a user namespace (our own uid mapped to itself) with a network
 * namespace holding the bridge br0 (LAN_BRIDGE/24), then serves the
 * controller, one line each way:
 *   → "ready"                          or "error SENTENCE" (and exits)
 *   ← "add NAME N"                     a host for node NAME at LAN_PREFIX N
 *   → "host NAME PID"                  PID holds its namespaces (join with `enter`)
 *     "error NAME SENTENCE"
 *   ← "segment NAME K"                 its link moves to bridge K (0: br0, the
 *                                      one with LAN_BRIDGE): hosts on different
 *                                      bridges cannot reach each other at all
 *   → "segment NAME K"                 or "error NAME SENTENCE"
 *   ← "fault NAME DROP DELAY_MS"       datagrams from and to its host dropped with
 *                                      probability DROP, delayed DELAY_MS (lan-faults.c)
 *   → "fault NAME ok"                  or "error NAME SENTENCE"
 *   ← "del NAME"                       the host goes (no reply): its link
 *                                      first (at once, so its cvN can be made
 *                                      again), then its process and with it
 *                                      its namespaces
 * "ready" says the network applies drop and delay; "ready nofaults
 * SENTENCE" that it cannot (the shim and conclave-node then do), also
 * when CONCLAVE_LAN_FAULTS=off asks for that. The
 * network's drops go as lines "drop HOST send|recv JSON" to EVENTS
 * (a pipe's fd), JSON the protocol's `drop` line.
 * A host is a child that made network, UTS (hostname NAME) and mount
 * namespaces (HOSTS bind-mounted on /etc/hosts, RESOLV on /etc/resolv.conf:
 * a name that is no node fails at once instead of waiting for a name
 * server the LAN cannot reach) and then only waits; a veth
 * joins its eth0 to the bridge. Everything dies with us: the hosts by
 * PR_SET_PDEATHSIG, the namespaces with their last process. We die with
 * the controller (PR_SET_PDEATHSIG, and its end of our stdin closing).
 * Never writes a file: the controller owns HOSTS and RESOLV.
 */
#include "lan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_HOSTS 256

typedef struct {
  char  name[64];
  pid_t pid;
  int   number;     /* of its address, and of its veth cvN */
} Host;

static Host hosts[MAX_HOSTS];
static const char *resolv_file;   /* NULL: the machine's stays */
static unsigned char bridges[MAX_HOSTS];   /* bridge K made (br0 always is) */
static int faults_on;                      /* the links drop and delay (lan-faults.c) */

static int
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t len = (ssize_t) strlen (text);
  int ok;

  if (fd < 0)
    return -1;
  ok = write (fd, text, (size_t) len) == len;
  close (fd);
  return ok ? 0 : -1;
}

static int
make_namespaces (void)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  char map[64];

  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) != 0)
    {
      int error = errno;
      lan_say ("error The kernel refused a user namespace (%s): %s.", strerror (error),
               error == ENOSPC ? "the limit in /proc/sys/user/max_user_namespaces is 0 or reached"
                               : "unprivileged user namespaces are turned off here, or a sandbox forbids them");
      return -1;
    }
  snprintf (map, sizeof map, "%u %u 1\n", (unsigned) uid, (unsigned) uid);
  if (write_file ("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
    goto failed;
  if (write_file ("/proc/self/uid_map", map) != 0)
    goto failed;
  snprintf (map, sizeof map, "%u %u 1\n", (unsigned) gid, (unsigned) gid);
  if (write_file ("/proc/self/gid_map", map) != 0)
    goto failed;
  return 0;

failed:
  lan_say ("error The kernel refused to map our user into the new namespace (%s).", strerror (errno));
  return -1;
}

/* `ip` must keep CAP_NET_ADMIN across exec, though we are no root here:
 * raise it as an ambient capability (we hold it, in our namespace). */
static int
keep_net_admin (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  if (syscall (SYS_capget, &header, data) != 0)
    return -1;
  data[0].inheritable |= 1u << CAP_NET_ADMIN;
  if (syscall (SYS_capset, &header, data) != 0)
    return -1;
  return prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0);
}

static int
make_bridge (void)
{
  static const char commands[] =
    "link set lo up\n"
    /* Without snooping the bridge floods multicast to every port, like a
     * plain switch: no IGMP querier is needed for groups to work. */
    "link add br0 type bridge mcast_snooping 0\n"
    "addr add " LAN_BRIDGE "/24 brd + dev br0\n"
    "link set br0 up\n";

  if (keep_net_admin () != 0)
    {
      lan_say ("error The namespace gave us no network administration right (%s).", strerror (errno));
      return -1;
    }
  if (lan_ip (0, commands) != 0)
    {
      lan_say ("error The bridge could not be made (see the ip error above).");
      return -1;
    }
  return 0;
}

/* In the host child: never returns. Tells the helper how it went on `tell`. */
static void
host_main (const char *name, const char *hosts_file, pid_t helper, int tell)
{
  char note[256] = "ok";
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != helper)
    _exit (0);
  /* Not the controller's pipes: only the helper talks to it. */
  dup2 (null, STDIN_FILENO);
  dup2 (null, STDOUT_FILENO);
  if (unshare (CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWNS) != 0)
    snprintf (note, sizeof note, "no namespace for the host (%s)", strerror (errno));
  else if (sethostname (name, strlen (name)) != 0)
    snprintf (note, sizeof note, "no host name (%s)", strerror (errno));
  else if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
           || mount (hosts_file, "/etc/hosts", NULL, MS_BIND, NULL) != 0
           || (resolv_file != NULL && mount (resolv_file, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0))
    snprintf (note, sizeof note, "no hosts files on /etc (%s)", strerror (errno));
  if (write (tell, note, strlen (note)) < 0)
    _exit (1);
  close (tell);
  for (;;)
    pause ();
}

static pid_t
start_host (const char *name, const char *hosts_file, char *note, size_t size)
{
  int fds[2];
  pid_t helper = getpid ();
  pid_t pid;
  ssize_t n;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      close (fds[0]);
      host_main (name, hosts_file, helper, fds[1]);
    }
  close (fds[1]);
  n = pid > 0 ? read (fds[0], note, size - 1) : -1;
  close (fds[0]);
  note[n > 0 ? n : 0] = '\0';
  if (pid > 0 && strcmp (note, "ok") != 0 && strncmp (note, "no hosts files", 14) != 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return -1;
    }
  return pid;
}

static int
wire_host (pid_t pid, int number)
{
  char outside[256];
  char inside[512];

  snprintf (outside, sizeof outside,
            "link add cv%d type veth peer name " LAN_DEVICE " netns %d\n"
            "link set cv%d master br0\n"
            "link set cv%d up\n",
            number, (int) pid, number, number);
  snprintf (inside, sizeof inside,
            "link set lo up\n"
            "addr add " LAN_PREFIX "%d/24 brd + dev " LAN_DEVICE "\n"
            "link set " LAN_DEVICE " up\n"
            "route add default via " LAN_BRIDGE "\n"
            /* Multicast leaves by eth0 even without a default route. */
            "route add 224.0.0.0/4 dev " LAN_DEVICE "\n",
            number);
  if (lan_ip (0, outside) != 0)
    return -1;
  return lan_ip (pid, inside);
}

static Host *
find_host (const char *name)
{
  for (size_t i = 0; i < MAX_HOSTS; i++)
    if (hosts[i].pid > 0 && strcmp (hosts[i].name, name) == 0)
      return &hosts[i];
  return NULL;
}

static void
add_host (const char *name, int number, const char *hosts_file)
{
  char note[256];
  Host *slot = find_host (name);
  pid_t pid;

  if (slot != NULL)
    {
      lan_say ("host %s %d", name, (int) slot->pid);
      return;
    }
  for (size_t i = 0; i < MAX_HOSTS && slot == NULL; i++)
    if (hosts[i].pid == 0)
      slot = &hosts[i];
  if (slot == NULL || number < 2 || number > 254)
    {
      lan_say ("error %s The LAN is full.", name);
      return;
    }
  pid = start_host (name, hosts_file, note, sizeof note);
  if (pid < 0)
    {
      lan_say ("error %s %s", name, note);
      return;
    }
  if (strcmp (note, "ok") != 0)
    fprintf (stderr, "conclave-lan: host %s: %s\n", name, note);
  if (wire_host (pid, number) != 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      lan_say ("error %s Its link to the bridge could not be made (see the ip error above).", name);
      return;
    }
  snprintf (slot->name, sizeof slot->name, "%s", name);
  slot->pid = pid;
  slot->number = number;
  lan_say ("host %s %d", name, (int) pid);
}

/* A partition: the host's link on another bridge, made on first use. */
static void
segment_host (const char *name, int segment)
{
  Host *host = find_host (name);
  char commands[256];
  int at = 0;

  if (host == NULL || segment < 0 || segment >= MAX_HOSTS)
    {
      lan_say ("error %s No such host, or no such segment.", name);
      return;
    }
  if (segment > 0 && !bridges[segment])
    at = snprintf (commands, sizeof commands,
                   "link add br%d type bridge mcast_snooping 0\nlink set br%d up\n", segment, segment);
  snprintf (commands + at, sizeof commands - (size_t) at, "link set cv%d master br%d\n", host->number, segment);
  if (lan_ip (0, commands) != 0)
    {
      lan_say ("error %s Its link could not be moved (see the ip error above).", name);
      return;
    }
  bridges[segment] = 1;
  lan_say ("segment %s %d", name, segment);
}

static void
remove_host (const char *name)
{
  Host *host = find_host (name);
  char commands[64];

  if (host == NULL)
    return;
  /* A dying namespace lets go of its devices later, in the kernel's own
   * time: cvN is deleted now (its peer eth0 with it). */
  snprintf (commands, sizeof commands, "link del cv%d\n", host->number);
  lan_ip (0, commands);
  kill (host->pid, SIGKILL);
  waitpid (host->pid, NULL, 0);
  host->pid = 0;
#ifdef HAVE_LAN_FAULTS
  if (faults_on)
    lan_faults_forget (host->number);
#endif
}

/* Drop and delay on the links: "ready" if the network applies them,
 * "ready nofaults SENTENCE" if it cannot (then the shim does). */
static void
start_faults (const char *events)
{
#ifdef HAVE_LAN_FAULTS
  char error[256] = "";
  const char *wanted = getenv ("CONCLAVE_LAN_FAULTS");

  if (wanted != NULL && strcmp (wanted, "off") == 0)
    {
      lan_say ("ready nofaults CONCLAVE_LAN_FAULTS=off turned them off");
      return;
    }
  if (lan_faults_start (events != NULL ? atoi (events) : -1, error, sizeof error) == 0)
    {
      faults_on = 1;
      lan_say ("ready");
      return;
    }
  lan_say ("ready nofaults %s", error);
#else
  (void) events;
  lan_say ("ready nofaults this build of Conclave has no nftables support");
#endif
}

static void
set_faults (const char *name, double drop, unsigned delay_ms)
{
  Host *host = find_host (name);
#ifdef HAVE_LAN_FAULTS
  char error[256] = "";

  if (host != NULL && faults_on && lan_faults_set (name, host->number, host->pid, drop, delay_ms, error, sizeof error) == 0)
    {
      lan_say ("fault %s ok", name);
      return;
    }
  lan_say ("error %s %s", name, host == NULL ? "No such host." : !faults_on ? "No faults in the network here." : error);
#else
  (void) drop;
  (void) delay_ms;
  lan_say ("error %s %s", name, host == NULL ? "No such host." : "No faults in the network here.");
#endif
}

static void
obey (const char *line, const char *hosts_file)
{
  char name[64];
  int number;
  double drop;
  unsigned delay_ms;

  if (sscanf (line, "add %63s %d", name, &number) == 2)
    add_host (name, number, hosts_file);
  else if (sscanf (line, "segment %63s %d", name, &number) == 2)
    segment_host (name, number);
  else if (sscanf (line, "fault %63s %lf %u", name, &drop, &delay_ms) == 3)
    set_faults (name, drop, delay_ms);
  else if (sscanf (line, "del %63s", name) == 1)
    remove_host (name);
}

/* Lines from the controller, and the queue between them. 0 when the
 * controller closed our stdin. */
/* Lines from the controller, and the queues between them. 0 when the
 * controller closed our stdin. */
static int
serve (const char *hosts_file)
{
  static char buf[4096];
  static size_t len;
  struct pollfd fds[1 + MAX_HOSTS] = { { STDIN_FILENO, POLLIN, 0 } };
  int queues[MAX_HOSTS];
  int n_queues = 0;
  int timeout = -1;
  char *newline;
  ssize_t n;

#ifdef HAVE_LAN_FAULTS
  n_queues = faults_on ? lan_faults_fds (queues, MAX_HOSTS) : 0;
  timeout = faults_on ? lan_faults_timeout_ms () : -1;
#endif
  for (int i = 0; i < n_queues; i++)
    fds[1 + i] = (struct pollfd) { queues[i], POLLIN, 0 };
  if (poll (fds, (nfds_t) (1 + n_queues), timeout) < 0 && errno != EINTR)
    return 0;
#ifdef HAVE_LAN_FAULTS
  for (int i = 0; i < n_queues; i++)
    if (fds[1 + i].revents & POLLIN)
      lan_faults_read (fds[1 + i].fd);
  if (faults_on)
    lan_faults_release ();
#endif
  if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
    return 1;
  n = read (STDIN_FILENO, buf + len, sizeof buf - 1 - len);
  if (n <= 0)
    return n < 0 && errno == EINTR;
  len += (size_t) n;
  buf[len] = '\0';
  while ((newline = strchr (buf, '\n')) != NULL)
    {
      *newline = '\0';
      obey (buf, hosts_file);
      len -= (size_t) (newline + 1 - buf);
      memmove (buf, newline + 1, len + 1);
    }
  if (len == sizeof buf - 1)
    len = 0;   /* no request is this long: forget it */
  return 1;
}

int
lan_bridge_main (int argc, char **argv)
{
  const char *hosts_file = argv[1];

  resolv_file = argc > 2 && argv[2][0] != '\0' ? argv[2] : NULL;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (make_namespaces () != 0)
    return 1;
  /* New credentials may have cleared it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (make_bridge () != 0)
    return 1;
  start_faults (argc > 3 ? argv[3] : NULL);
  while (serve (hosts_file))
    ;
  /* The controller is gone or let go of us: the hosts die with us. */
  return 0;
}
