/* trace-addr.h — socket addresses as the control protocol writes them.
 *
 * "a.b.c.d:port" for IPv4 (also for IPv4-mapped IPv6), "[v6]:port"
 * otherwise. The wildcard address becomes the loopback address: a server
 * bound to 0.0.0.0 is reached at 127.0.0.1, and sender and receiver must
 * name the same two ends for the controller to pair their messages. On
 * Conclave's LAN (CONCLAVE_NETWORK=lan) it becomes the host's own address
 * instead, the one the other hosts send to.
 * Plain libc; never reports, never calls a wrapper.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#define TRACE_ADDR_MAX 64

/* Writes the address into out; returns its length, or 0 (and "") if it is
 * not an internet address. */
size_t trace_addr_format (const struct sockaddr *sa, socklen_t len, char out[TRACE_ADDR_MAX]);

/* 1 if sa is an IPv4 address (or IPv4-mapped) and stores it in *v4. */
int    trace_addr_ipv4    (const struct sockaddr *sa, socklen_t len, struct sockaddr_in *v4);

/* 1 for 255.255.255.255 and for the broadcast address of any interface of
 * this machine (a LAN broadcast). */
int    trace_addr_is_broadcast (in_addr_t addr_be);

/* 1 for an x.y.z.255 that is not an address of this machine (nor
 * 127.255.255.255, lo's own broadcast): what course code computes as "the
 * subnet's broadcast address" from its own IP or hard-codes for its LAN
 * (192.168.1.255), which may not exist here. Meant for sockets that set
 * SO_BROADCAST and for bind. */
int    trace_addr_looks_broadcast (in_addr_t addr_be);

/* 1 when CONCLAVE_NETWORK=lan: every node its own host, nothing rewritten. */
int    trace_addr_on_lan (void);

/* 1 for 224.0.0.0/4. */
int    trace_addr_is_multicast (in_addr_t addr_be);
