/* lan.h — the pieces of conclave-lan, the helper behind `--network lan`.
 *
 * Plain libc, no GLib: it runs as a child of the controller inside its own
 * user and network namespace, and as a wrapper that puts a node into its
 * host's namespaces just before exec. It must never need root, write a file
 * outside the directory it is given, or outlive the controller.
 */
#pragma once

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

/* Writes a line to stdout and flushes it. */
void  lan_say (const char *format, ...) __attribute__ ((format (printf, 1, 2)));
