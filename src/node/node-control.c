/* node-control.c — tempo, faults and the `post` command of a node.
 *
 * Reads the controller's command lines with the shared reader (the shim
 * uses the same one). A command is checked completely before anything
 * changes, so a bad one leaves the old settings in force; it is reported
 * as a `log` warning, never fatal.
 */
#include "node-control.h"

#include "conclave-command.h"
#include "conclave-protocol.h"
#include "node-hold.h"
#include "node-loop.h"
#include "node-report.h"

#include <math.h>
#include <stdio.h>

typedef struct {
  double drop;
  guint delay_ms;
  GStrv isolate;
  gboolean by_network;   /* the LAN drops and delays our datagrams */
} Faults;

static double tempo = 1.0;
static Faults faults;
static NodePostFunc post_func;
static gpointer post_data;

static gboolean
parse_tempo (const char *text, double *out, GError **error)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !isfinite (value) || value <= 0.0 || value > 1000.0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "tempo must be a number above 0 and at most 1000, not “%s”", text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
node_control_init (GError **error)
{
  const char *env = g_getenv (CONCLAVE_ENV_TEMPO);

  faults.drop = 0.0;
  faults.delay_ms = 0;
  g_clear_pointer (&faults.isolate, g_strfreev);
  node_hold_init ();
  if (env == NULL || *env == '\0')
    return TRUE;
  return parse_tempo (env, &tempo, error);
}

double
node_control_tempo (void)
{
  return tempo;
}

double
node_control_scale_ms (double ms)
{
  return ms * tempo;
}

gboolean
node_control_should_drop (gboolean datagram)
{
  return !(datagram && faults.by_network) && faults.drop > 0.0 && g_random_double () < faults.drop;
}

guint
node_control_delay_ms (gboolean datagram)
{
  return datagram && faults.by_network ? 0 : faults.delay_ms;
}

gboolean
node_control_isolated (const char *node)
{
  return node != NULL && faults.isolate != NULL
         && g_strv_contains ((const char * const *) faults.isolate, node);
}

void
node_control_set_post_func (NodePostFunc func, gpointer data)
{
  post_func = func;
  post_data = data;
}

static void
apply_fault (const CCommand *cmd)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (int i = 0; i < cmd->n_isolate; i++)
    g_strv_builder_add (builder, cmd->isolate[i]);
  faults.drop = cmd->drop;
  faults.delay_ms = (guint) cmd->delay_ms;
  faults.by_network = cmd->by_network;
  g_strfreev (faults.isolate);
  faults.isolate = g_strv_builder_end (builder);
  printf ("Fault settings: drop %.2f, delay %u ms, isolated from %u node(s)%s\n",
          faults.drop, faults.delay_ms, g_strv_length (faults.isolate),
          faults.by_network ? " (the LAN drops and delays datagrams)" : "");
}

static void
apply_tempo (const CCommand *cmd)
{
  node_loop_retempo (cmd->scale / tempo);
  tempo = cmd->scale;
  printf ("Tempo is now %g\n", tempo);
}

gboolean
node_control_apply (const char *line, size_t len, GError **error)
{
  static CCommand cmd;  /* 17 KiB; one command at a time on the node's loop */
  const char *reason = NULL;

  if (!ccommand_parse (line, len, &cmd, &reason))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s", reason);
      return FALSE;
    }
  if (cmd.type == CCOMMAND_FAULT)
    apply_fault (&cmd);
  else if (cmd.type == CCOMMAND_TEMPO)
    apply_tempo (&cmd);
  else if (cmd.type == CCOMMAND_POST && post_func != NULL)
    post_func (cmd.has_text ? cmd.text : NULL, post_data);
  else if (cmd.type == CCOMMAND_HOLD || cmd.type == CCOMMAND_RELEASE)
    node_hold_apply (&cmd);
  return TRUE;  /* unknown commands are ignored, as the protocol says */
}

void
node_control_handle_line (const char *line, size_t len, void *unused)
{
  g_autoptr(GError) error = NULL;

  if (!node_control_apply (line, len, &error))
    {
      fprintf (stderr, "Ignored a bad command from the controller: %s\n", error->message);
      node_report_log (CONCLAVE_LEVEL_WARNING, "ignored a bad command: %s", error->message);
    }
}

void
node_control_channel_closed (void)
{
  node_hold_lift ();
}
