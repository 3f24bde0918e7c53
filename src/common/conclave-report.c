/* conclave-report.c — placeholder until the node program lands. */
#include "conclave-report.h"
