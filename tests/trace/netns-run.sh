#!/bin/sh
# netns-run.sh --lan|-- COMMAND... — run inside `unshare -rn --fork`: brings
# lo up (a new network namespace starts with it down) and, with --lan, adds
# a veth pair with 10.9.0.5/24 and a default route, so a program can learn
# "its own IP" and a subnet broadcast (10.9.0.255) exists. Nothing leaves
# the namespace: the veth's other end is in it too.
set -e
ip link set lo up
lan=$1
shift
if [ "$lan" = "--lan" ]; then
  ip link add cv0 type veth peer name cv1
  ip addr add 10.9.0.5/24 brd + dev cv0
  ip link set cv0 up
  ip link set cv1 up
  ip route add default via 10.9.0.1 dev cv0
fi
exec "$@"
