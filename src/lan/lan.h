/* lan.h — the pieces of conclave-lan, the helper behind `--network lan`.
 *
 * Plain libc, no GLib: it runs as a child of the controller inside its own
 * user and network namespace, and as a wrapper that puts a node into its
 * host's namespaces just before exec. It must never need root, write a file
 * outside the directory it is given, or outlive the controller.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* The LAN: 10.77.0.0/24, a private (RFC 1918) range unlikely to be used by
 * a classroom's own network; .1 is the bridge (Conclave's side), nodes get
 * .2 to .254. */
#define LAN_PREFIX     "10.77.0."
#define LAN_BRIDGE     "10.77.0.1"
#define LAN_PREFIX_LEN 24
#define LAN_DEVICE     "eth0"   /* a node's side of its veth, as on a real host */

/* Runs `ip -batch -` with `commands` on its stdin, in the network namespace
 * of `netns_pid` (0: ours). Returns 0 or -1 (its stderr goes to ours). */
int   lan_ip (pid_t netns_pid, const char *commands);

/* The helper: makes the namespaces and the bridge, then serves the
 * controller on stdin/stdout (see lan-bridge.c). */
int   lan_bridge_main (int argc, char **argv);

/* The wrapper: `conclave-lan enter PID PROGRAM ARGS…` joins the user, mount,
 * UTS and network namespaces of host PID, goes back to the same working
 * directory and execs PROGRAM. */
int   lan_enter_main (int argc, char **argv);

/* --- drop and delay on the links (lan-faults.c, lan-nft.c) ---------------
 * Built only with libnftables, libnftnl, libmnl and libnetfilter_queue
 * (HAVE_LAN_FAULTS); without them the shim and conclave-node keep
 * applying drop and delay, as they do where the kernel refuses. */
#define LAN_QUEUE 0   /* the NFQUEUE number, in the bridge's namespace */

#ifdef HAVE_LAN_FAULTS
/* Opens the queue and checks that the kernel takes the table and its
 * NFQUEUE rule (removed again at once); drop reports go to `events_fd`.
 * -1 with the kernel's reason in `error`. */
int   lan_faults_start      (int events_fd, char *error, size_t size);
/* The queues' fds for poll() (up to `max` into `fds`, returns how
 * many), reading the ready ones, and the held datagrams: how long until
 * the next is due (-1: none held), and letting the due ones go. */
int   lan_faults_fds        (int *fds, int max);
void  lan_faults_read       (int fd);
int   lan_faults_timeout_ms (void);
void  lan_faults_release    (void);
/* Host `name` (address LAN_PREFIX NUMBER, namespaces held by `pid`): the
 * datagrams it sends to and gets from the LAN are dropped with
 * probability `drop` and delayed by `delay_ms` each way (0, 0: none). */
int   lan_faults_set        (const char *name, int number, pid_t pid, double drop,
                             unsigned delay_ms, char *error, size_t size);
void  lan_faults_forget     (int number);

/* In the current network namespace: the table that queues UDP on eth0
 * both ways (lan-nft.c), and its removal. */
int   lan_nft_add           (char *error, size_t size);
void  lan_nft_remove        (void);
#endif

/* Writes a line to stdout and flushes it. */
void  lan_say (const char *format, ...) __attribute__ ((format (printf, 1, 2)));
