/* lan-faults.c — drop and delay on the LAN's links, in the helper.
 *
 * A host may have a drop probability and a delay (its node's fault
 * settings). While it has, the datagrams (IPv4 UDP) it sends out by eth0
 * and those it gets by eth0 go to a queue in its own network namespace
 * (lan-nft.c), which we read: the host's dice decide whether one is
 * dropped (NF_DROP, and a `drop` line on the events pipe naming the host
 * and the side: `send` as it left, `recv` as it came in), the rest are held
 * for the delay and then accepted, in arrival order per host and side (a
 * delay that shrinks never lets a later datagram overtake an earlier one).
 * A datagram between two faulted hosts meets the sender's faults as it
 * leaves and the receiver's as it arrives, as with the shim. Everything
 * else passes untouched. Must never stall a datagram it is not told to
 * delay, nor write anywhere but the events pipe.
 */
#include "lan.h"

#ifdef HAVE_LAN_FAULTS

#include "conclave-report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAN_MAX_LINKS   256        /* host numbers: 2 … 254 */
#define MAX_HELD    65536
#define QUEUE_LEN   8192

typedef struct {
  char     name[64];
  struct mnl_socket *queue;   /* in the host's namespace; NULL: not faulted */
  uint32_t drop;              /* drop if a die is below it */
  int      drop_always;
  unsigned delay_ms;
  int64_t  last_release[2];   /* per side (0 out, 1 in): order kept */
} LinkFault;

typedef struct {
  int      number;            /* whose queue */
  uint32_t id;
  int64_t  release_ns;
} Held;

static LinkFault links[LAN_MAX_LINKS];
static Held      held[MAX_HELD];      /* in arrival order */
static size_t    held_len;
static int       events_fd = -1;
static int       home = -1;   /* our own network namespace (the bridge's) */
static uint64_t  dice = 0x9E3779B97F4A7C15ULL;
static char     *packet_buf;
static size_t    packet_buf_size;

static uint32_t
roll (void)
{
  dice ^= dice >> 12;
  dice ^= dice << 25;
  dice ^= dice >> 27;
  return (uint32_t) ((dice * 2685821657736338717ULL) >> 32);
}

static int
dropped_by (const LinkFault *link)
{
  return link->drop_always || (link->drop != 0 && roll () < link->drop);
}

/* --- the queue ---------------------------------------------------------- */

static int
send_config (struct mnl_socket *queue, struct nlmsghdr *nlh)
{
  return mnl_socket_sendto (queue, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* Queue LAN_QUEUE of the current network namespace, bound to us. */
static struct mnl_socket *
open_queue (char *error, size_t size)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct mnl_socket *queue = mnl_socket_open2 (NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
  struct nlmsghdr *nlh;
  int on = 1;

  if (queue == NULL || mnl_socket_bind (queue, 0, MNL_SOCKET_AUTOPID) < 0)
    goto failed;
  nlh = nfq_nlmsg_put (buf, NFQNL_MSG_CONFIG, LAN_QUEUE);
  nfq_nlmsg_cfg_put_cmd (nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
  if (send_config (queue, nlh) != 0)
    goto failed;
  nlh = nfq_nlmsg_put (buf, NFQNL_MSG_CONFIG, LAN_QUEUE);
  nfq_nlmsg_cfg_put_params (nlh, NFQNL_COPY_PACKET, 0xffff);
  nfq_nlmsg_cfg_put_qmaxlen (nlh, QUEUE_LEN);
  if (send_config (queue, nlh) != 0)
    goto failed;
  mnl_socket_setsockopt (queue, NETLINK_NO_ENOBUFS, &on, sizeof on);
  return queue;

failed:
  snprintf (error, size, "the kernel refused a packet queue (%s)", strerror (errno));
  if (queue != NULL)
    mnl_socket_close (queue);
  return NULL;
}

static void
verdict (int number, uint32_t id, int what)
{
  char buf[MNL_SOCKET_BUFFER_SIZE];
  struct nlmsghdr *nlh = nfq_nlmsg_put (buf, NFQNL_MSG_VERDICT, LAN_QUEUE);

  if (links[number].queue == NULL)
    return;   /* the host's faults ended: the kernel let its datagrams go */
  nfq_nlmsg_verdict_put (nlh, (int) id, what);
  if (mnl_socket_sendto (links[number].queue, nlh, nlh->nlmsg_len) < 0)
    fprintf (stderr, "conclave-lan: a verdict was refused: %s\n", strerror (errno));
}

static void
hold (int number, uint32_t id, int64_t release_ns)
{
  if (held_len == MAX_HELD)
    {
      verdict (number, id, NF_ACCEPT);   /* a flood: late rather than never */
      return;
    }
  held[held_len++] = (Held) { number, id, release_ns };
}

/* --- reporting ------------------------------------------------------------ */

/* "CNV1 [#mac ]PID:N LC KIND …": conclave-node's header (PROTOCOL.md). */
static void
read_node_header (const char *p, size_t len, CReportMsg *m, char kind[32])
{
  char text[160];
  char *at = text;
  unsigned long pid, n, lc;
  int used = 0;

  snprintf (text, sizeof text, "%.*s", (int) (len < sizeof text - 1 ? len : sizeof text - 1), p);
  if (strncmp (at, "CNV1 ", 5) != 0)
    return;
  at += 5;
  if (*at == '#')
    at += strcspn (at, " ");
  if (*at == ' ')
    at++;
  if (sscanf (at, "%lu:%lu %lu %31s%n", &pid, &n, &lc, kind, &used) != 4 || used <= 0 || pid == 0)
    return;
  m->id_pid = (pid_t) pid;
  m->id_n = (uint32_t) n;
  m->lc = (uint32_t) lc;
  m->kind = kind;
}

static void
report (const LinkFault *host, int at_receiver, const unsigned char *ip, size_t len)
{
  size_t header = (size_t) (ip[0] & 15) * 4;
  const unsigned char *udp = ip + header;
  char src[32], dst[32], kind[32] = "", json[1024], line[1200];
  char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
  CReportMsg m = { 0 };
  int n;

  if (events_fd < 0 || len < header + 8)
    return;
  inet_ntop (AF_INET, ip + 12, a, sizeof a);
  inet_ntop (AF_INET, ip + 16, b, sizeof b);
  snprintf (src, sizeof src, "%s:%u", a, (unsigned) (udp[0] << 8 | udp[1]));
  snprintf (dst, sizeof dst, "%s:%u", b, (unsigned) (udp[2] << 8 | udp[3]));
  m.proto = "udp";
  m.src = src;
  m.dst = dst;
  m.payload = udp + 8;
  m.payload_len = len - header - 8;
  m.len = m.payload_len;
  m.off = -1;
  m.t = creport_now_ns ();
  read_node_header (m.payload, m.payload_len, &m, kind);
  if (m.id_pid == 0)
    {
      m.has_hash = 1;
      m.hash = creport_hash (m.payload, m.payload_len);
    }
  if (creport_format_drop (json, sizeof json, &m, at_receiver, 0) == 0)
    return;
  n = snprintf (line, sizeof line, "drop %s %s %s\n", host->name, at_receiver ? "recv" : "send", json);
  if (n > 0 && (size_t) n < sizeof line && write (events_fd, line, (size_t) n) != n)
    fprintf (stderr, "conclave-lan: a drop report was lost: %s\n", strerror (errno));
}

/* --- one packet ------------------------------------------------------------ */

/* The IPv4 header of the payload: at its start, or after an Ethernet header. */
static const unsigned char *
ipv4_of (const unsigned char *p, size_t *len)
{
  if (*len >= 20 && (p[0] >> 4) == 4)
    return p;
  if (*len >= 34 && p[12] == 0x08 && p[13] == 0x00 && (p[14] >> 4) == 4)
    {
      *len -= 14;
      return p + 14;
    }
  return NULL;
}

static void
judge (int number, uint32_t id, int incoming, const unsigned char *ip, size_t len)
{
  LinkFault *host = &links[number];
  int64_t now = creport_now_ns ();
  int64_t delay = (int64_t) host->delay_ms * 1000000;
  int64_t *last = &host->last_release[incoming];

  if (ip != NULL && dropped_by (host))
    {
      verdict (number, id, NF_DROP);
      report (host, incoming, ip, len);
      return;
    }
  if (delay == 0 && *last <= now)
    {
      verdict (number, id, NF_ACCEPT);
      return;
    }
  *last = now + delay > *last ? now + delay : *last;
  hold (number, id, *last);
}

static int
on_packet (const struct nlmsghdr *nlh, void *data)
{
  struct nlattr *attr[NFQA_MAX + 1] = { 0 };
  struct nfqnl_msg_packet_hdr *ph;
  const unsigned char *payload;
  size_t len;

  if (nfq_nlmsg_parse (nlh, attr) < 0 || attr[NFQA_PACKET_HDR] == NULL)
    return MNL_CB_OK;
  ph = mnl_attr_get_payload (attr[NFQA_PACKET_HDR]);
  payload = attr[NFQA_PAYLOAD] != NULL ? mnl_attr_get_payload (attr[NFQA_PAYLOAD]) : NULL;
  len = attr[NFQA_PAYLOAD] != NULL ? mnl_attr_get_payload_len (attr[NFQA_PAYLOAD]) : 0;
  judge (*(int *) data, ntohl (ph->packet_id), ph->hook == NF_INET_LOCAL_IN,
         payload != NULL ? ipv4_of (payload, &len) : NULL, len);
  return MNL_CB_OK;
}

/* --- the helper's side ------------------------------------------------------ */

/* Into the network namespace of `pid` (0: back home). */
static int
enter (pid_t pid)
{
  char path[64];
  int fd, rc;

  if (pid == 0)
    return setns (home, CLONE_NEWNET);
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  rc = setns (fd, CLONE_NEWNET);
  close (fd);
  return rc;
}

int
lan_faults_start (int fd, char *error, size_t size)
{
  struct mnl_socket *probe;

  dice ^= (uint64_t) creport_now_ns () ^ ((uint64_t) getpid () << 32);
  home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  packet_buf_size = 0xffff + (MNL_SOCKET_BUFFER_SIZE / 2);
  packet_buf = malloc (packet_buf_size);
  if (home < 0 || packet_buf == NULL)
    {
      snprintf (error, size, "%s", strerror (errno));
      return -1;
    }
  /* What a host will need, tried here once and taken away again. */
  if ((probe = open_queue (error, size)) == NULL)
    return -1;
  mnl_socket_close (probe);
  if (lan_nft_add (error, size) != 0)
    return -1;
  lan_nft_remove ();
  events_fd = fd;
  return 0;
}

int
lan_faults_fds (int *fds, int max)
{
  int n = 0;

  for (int i = 0; i < LAN_MAX_LINKS && n < max; i++)
    if (links[i].queue != NULL)
      fds[n++] = mnl_socket_get_fd (links[i].queue);
  return n;
}

void
lan_faults_read (int fd)
{
  ssize_t n;

  for (int i = 0; i < LAN_MAX_LINKS; i++)
    if (links[i].queue != NULL && mnl_socket_get_fd (links[i].queue) == fd)
      while (links[i].queue != NULL && (n = recv (fd, packet_buf, packet_buf_size, MSG_DONTWAIT)) > 0)
        mnl_cb_run (packet_buf, (size_t) n, 0, 0, on_packet, &i);
}

int
lan_faults_timeout_ms (void)
{
  int64_t first = INT64_MAX;
  int64_t left;

  if (held_len == 0)
    return -1;
  for (size_t i = 0; i < held_len; i++)
    first = held[i].release_ns < first ? held[i].release_ns : first;
  left = first - creport_now_ns ();
  return left <= 0 ? 0 : (int) ((left + 999999) / 1000000);
}

/* Held ones whose time came go, in arrival order; the rest close up.
 * Release times never fall along one link's arrivals, so a link's
 * datagrams leave in the order they came. */
void
lan_faults_release (void)
{
  int64_t now = creport_now_ns ();
  size_t kept = 0;

  for (size_t i = 0; i < held_len; i++)
    if (held[i].release_ns <= now)
      verdict (held[i].number, held[i].id, NF_ACCEPT);
    else
      held[kept++] = held[i];
  held_len = kept;
}

/* Every datagram of host `number` we hold or the kernel still queues for
 * us goes on now, in order: removing the table or closing the queue
 * would drop them. */
static void
let_go (int number)
{
  size_t kept = 0;

  lan_faults_read (mnl_socket_get_fd (links[number].queue));
  for (size_t i = 0; i < held_len; i++)
    if (held[i].number == number)
      verdict (number, held[i].id, NF_ACCEPT);
    else
      held[kept++] = held[i];
  held_len = kept;
}

/* The host's table and queue, made or taken away, inside its namespace. */
static int
switch_host (LinkFault *link, pid_t pid, int on, char *error, size_t size)
{
  int rc = 0;

  if (on == (link->queue != NULL))
    return 0;
  if (enter (pid) != 0)
    {
      snprintf (error, size, "cannot enter the host (%s)", strerror (errno));
      return -1;
    }
  if (!on)
    {
      /* Before the table goes: the kernel drops what a vanishing hook queued. */
      let_go ((int) (link - links));
      lan_nft_remove ();
      mnl_socket_close (link->queue);
      link->queue = NULL;
    }
  else if ((link->queue = open_queue (error, size)) == NULL || lan_nft_add (error, size) != 0)
    {
      if (link->queue != NULL)
        mnl_socket_close (link->queue);
      link->queue = NULL;
      rc = -1;
    }
  if (enter (0) != 0)
    {
      fprintf (stderr, "conclave-lan: cannot go back to the bridge: %s\n", strerror (errno));
      _exit (1);
    }
  return rc;
}

int
lan_faults_set (const char *name, int number, pid_t pid, double drop, unsigned delay_ms, char *error, size_t size)
{
  LinkFault *link;

  if (number < 0 || number >= LAN_MAX_LINKS)
    return -1;
  link = &links[number];
  snprintf (link->name, sizeof link->name, "%s", name);
  link->drop_always = drop >= 1.0;
  link->drop = drop <= 0 ? 0 : (uint32_t) (drop * 4294967295.0);
  link->delay_ms = delay_ms;
  return switch_host (link, pid, drop > 0 || delay_ms > 0, error, size);
}

/* The host is gone: so are its namespace, table and queued datagrams. */
void
lan_faults_forget (int number)
{
  size_t kept = 0;

  if (number < 0 || number >= LAN_MAX_LINKS)
    return;
  if (links[number].queue != NULL)
    mnl_socket_close (links[number].queue);
  memset (&links[number], 0, sizeof links[number]);
  for (size_t i = 0; i < held_len; i++)
    if (held[i].number != number)
      held[kept++] = held[i];
  held_len = kept;
}

#endif /* HAVE_LAN_FAULTS */
