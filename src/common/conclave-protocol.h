/* conclave-protocol.h — names shared by every end of the control channel.
 *
 * Included by libconclave-core, conclave-node and libconclave-trace.so.
 * Plain C, no GLib: this header must never grow code or a dependency.
 * The protocol itself is described in PROTOCOL.md beside this file.
 */
#pragma once

#define CONCLAVE_PROTOCOL_VERSION 1

#define CONCLAVE_ENV_CONTROL "CONCLAVE_CONTROL"
#define CONCLAVE_ENV_NODE    "CONCLAVE_NODE"
#define CONCLAVE_ENV_TEMPO   "CONCLAVE_TEMPO"
/* Where chapter 4 servers keep their term, vote and log across a restart. */
#define CONCLAVE_ENV_STATE_DIR "CONCLAVE_STATE_DIR"
/* The key chapter 4's group datagrams are authenticated with (random per
 * cluster); see PROTOCOL.md, "Data plane". */
#define CONCLAVE_ENV_GROUP_KEY "CONCLAVE_GROUP_KEY"

/* Longest control line, newline included. */
#define CONCLAVE_MAX_LINE 65536

/* Longest payload preview, in bytes. */
#define CONCLAVE_PREVIEW_MAX 64

/* Where chapter 4 servers listen for announcements on the group port:
 * loopback broadcast, or a multicast group joined on 127.0.0.1 only. */
#define CONCLAVE_GROUP_BROADCAST "127.255.255.255"
#define CONCLAVE_GROUP_MULTICAST "239.255.10.4"

/* Prefix of every datagram conclave-node sends: "CNV1 <pid>:<n> <lc> <kind> <payload>" */
#define CONCLAVE_WIRE_MAGIC "CNV1"
