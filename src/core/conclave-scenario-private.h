/* conclave-scenario-private.h — internals of the scenario loader.
 *
 * A parsed JSON document that remembers the line of every object, member
 * and array element, and typed accessors that report a problem as
 * "FILE:LINE: problem" with the line of the offending value. Shared by
 * conclave-scenario.c and conclave-scenario-json.c only; never installed,
 * never used outside the scenario loader.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Longest time a scenario may name: a day, in milliseconds. */
#define CONCLAVE_SCENARIO_MAX_MS (24u * 3600u * 1000u)

typedef struct _ConclaveScenarioJson ConclaveScenarioJson;

/* NULL with an error naming the file and line for anything but one object. */
ConclaveScenarioJson *_conclave_scenario_json_parse  (const char  *data,
                                                      gsize        len,
                                                      const char  *filename,
                                                      GError     **error);
void                  _conclave_scenario_json_free   (ConclaveScenarioJson *json);
JsonObject           *_conclave_scenario_json_root   (ConclaveScenarioJson *json);

guint _conclave_scenario_json_line_of_object  (ConclaveScenarioJson *json, JsonObject *object);
/* The line of a member's value; the object's line if it has no such member. */
guint _conclave_scenario_json_line_of_member  (ConclaveScenarioJson *json, JsonObject *object,
                                               const char *name);
guint _conclave_scenario_json_line_of_element (ConclaveScenarioJson *json, JsonArray *array,
                                               guint index);

/* Sets "FILE:LINE: problem" (or "FILE: problem" for line 0); returns FALSE. */
gboolean _conclave_scenario_json_fail (ConclaveScenarioJson  *json,
                                       guint                  line,
                                       GError               **error,
                                       const char            *format,
                                       ...) G_GNUC_PRINTF (4, 5);

/* Each checks one member of `object` (`what` names the object in messages:
 * "node “c1”"); an absent optional member gives NULL / *present = FALSE. */
gboolean _conclave_scenario_json_check_fields (ConclaveScenarioJson *json, JsonObject *object,
                                               const char * const *allowed, const char *what,
                                               GError **error);
gboolean _conclave_scenario_json_get_string   (ConclaveScenarioJson *json, JsonObject *object,
                                               const char *name, const char *what,
                                               gboolean required, const char **out,
                                               GError **error);
gboolean _conclave_scenario_json_get_number   (ConclaveScenarioJson *json, JsonObject *object,
                                               const char *name, const char *what,
                                               double *out, gboolean *present,
                                               GError **error);
/* A whole number of milliseconds, 0 to CONCLAVE_SCENARIO_MAX_MS; 0 if absent. */
gboolean _conclave_scenario_json_get_ms       (ConclaveScenarioJson *json, JsonObject *object,
                                               const char *name, const char *what,
                                               gboolean required, guint *out,
                                               GError **error);
gboolean _conclave_scenario_json_get_array    (ConclaveScenarioJson *json, JsonObject *object,
                                               const char *name, const char *what,
                                               gboolean required, JsonArray **out,
                                               GError **error);
/* Element `index` of an array of objects / of strings: `what` names the
 * element, `owner` the array's owner ("argument 2 of node “s1” must be …"). */
gboolean _conclave_scenario_json_get_element_object (ConclaveScenarioJson *json, JsonArray *array,
                                                     guint index, const char *what,
                                                     const char *owner, JsonObject **out,
                                                     GError **error);
gboolean _conclave_scenario_json_get_element_string (ConclaveScenarioJson *json, JsonArray *array,
                                                     guint index, const char *what,
                                                     const char *owner, const char **out,
                                                     GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveScenarioJson, _conclave_scenario_json_free)

G_END_DECLS
