/* conclave-bench-failover.h — `conclave-bench failover` (see the .c). */
#pragma once

/* argv[0] is "failover". Returns the exit status. */
int conclave_bench_failover (int argc, char **argv);
