/* conclave-scenario.h — a ready-made class demonstration, loaded from JSON.
 *
 * The chapters ship as resources (/io/github/conclave/Conclave/scenarios/);
 * a teacher's own file loads the same way. Bad files are rejected with an
 * error naming the file, the line and the problem. Plain data with a
 * refcount; no processes are started here (the cluster does that).
 */
#pragma once

#include "conclave-lan.h"
#include <gio/gio.h>

/* The most a scenario (or a recording's header) may speed a run up by. */
#define CONCLAVE_MAX_TEMPO 100.0

G_BEGIN_DECLS

#define CONCLAVE_SCENARIO_ERROR (conclave_scenario_error_quark ())
typedef enum {
  CONCLAVE_SCENARIO_ERROR_INVALID,
  CONCLAVE_SCENARIO_ERROR_NOT_FOUND,
} ConclaveScenarioError;
GQuark conclave_scenario_error_quark (void);

typedef enum {
  CONCLAVE_FAULT_CRASH,
  CONCLAVE_FAULT_STOP,
  CONCLAVE_FAULT_PAUSE,
  CONCLAVE_FAULT_RESUME,
  CONCLAVE_FAULT_RESTART,
  CONCLAVE_FAULT_ISOLATE,
  CONCLAVE_FAULT_HEAL,
  CONCLAVE_FAULT_DROP,       /* value = probability */
  CONCLAVE_FAULT_DELAY,      /* value = ms */
  CONCLAVE_FAULT_HOLD,       /* step mode: the node holds every arriving message */
  CONCLAVE_FAULT_RELEASE,    /* it stops holding and delivers what it held */
} ConclaveFaultAction;

typedef struct {
  char  *name;      /* s1, c1 */
  char  *role;      /* conclave-node role, or "exec" */
  char **args;      /* may contain {port} and {group_port} */
  guint  start_ms;  /* started this long after the scenario */
  char  *host;      /* "host": on the LAN, the host it shares with others; NULL: its own */
} ConclaveScenarioNode;

typedef struct {
  guint               at_ms;
  ConclaveFaultAction action;
  char               *target;   /* node name, or "leader", "random-server", "all" */
  double              value;
} ConclaveScenarioFault;

typedef struct {
  gatomicrefcount ref;
  char      *id;
  char      *title;
  char      *description;
  double     tempo;
  char      *leader_pattern;  /* "leader_pattern": a program's own leader line, NULL if none */
  ConclaveNetwork network;    /* "network": "lan" makes every node its own host */
  GPtrArray *nodes;   /* ConclaveScenarioNode* */
  GPtrArray *faults;  /* ConclaveScenarioFault*, sorted by at_ms */
} ConclaveScenario;

GType             conclave_scenario_get_type     (void) G_GNUC_CONST;
ConclaveScenario *conclave_scenario_ref          (ConclaveScenario *self);
void              conclave_scenario_unref        (ConclaveScenario *self);
ConclaveScenario *conclave_scenario_new_from_data (const char *data, gsize len,
                                                   const char *filename, GError **error);
ConclaveScenario *conclave_scenario_new_from_file (GFile *file, GError **error);
/* A built-in scenario by id ("chapter-1" …). */
ConclaveScenario *conclave_scenario_lookup       (const char *id, GError **error);
/* Ids of the built-in scenarios, in chapter order. */
char            **conclave_scenario_list_builtin (void);
/* Parses "5s:crash:leader" / "8s:isolate:s2" / "12s:heal" / "500ms:drop:s1:0.3". */
ConclaveScenarioFault *conclave_scenario_fault_parse (const char *text, GError **error);
void              conclave_scenario_fault_free   (ConclaveScenarioFault *fault);
/* "crash", "drop" …: the word used in files and on the command line. */
const char       *conclave_fault_action_to_string (ConclaveFaultAction action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveScenario, conclave_scenario_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveScenarioFault, conclave_scenario_fault_free)

G_END_DECLS
