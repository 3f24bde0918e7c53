/* conclave-session-actions.c — what the teacher does to the class: add,
 * crash, pause, restart and remove nodes, start a chapter, run a program,
 * partition and heal, change the tempo, freeze everything.
 *
 * The application's actions and the window's call these. Every failure is
 * told through the session's "notice" (a toast in the window); nothing
 * here may assume a node still exists, a name is valid or a role is known.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <math.h>

#include "conclave-roles.h"
#include "conclave-session-private.h"

#define TEMPO_MIN 0.02
#define TEMPO_MAX 5.0

static void
noticef (ConclaveSession *self,
         const char      *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
noticef (ConclaveSession *self,
         const char      *format,
         ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  conclave_session_notice (self, text);
}

/* The election the header's menu chose (raft without settings). */
static char *
election_setting (ConclaveSession *self)
{
  return self->settings ? g_settings_get_string (self->settings, "election") : g_strdup ("raft");
}

/* The scenario's first node of this kind (server or client), if any. */
static const ConclaveScenarioNode *
scenario_node (ConclaveSession *self,
               gboolean         server,
               const char      *role)
{
  ConclaveScenario *scenario = conclave_cluster_get_scenario (self->cluster);

  if (scenario == NULL)
    return NULL;
  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      const ConclaveScenarioNode *node = g_ptr_array_index (scenario->nodes, i);
      if (!conclave_role_is_known (node->role) || conclave_role_is_server (node->role) != server)
        continue;
      if (role == NULL || g_str_equal (role, node->role))
        return node;
    }
  return NULL;
}

/* What "Add Server" / "Add Client" start without a chosen role: what the
 * running chapter uses, else what fits the nodes already there. */
static const char *
default_role (ConclaveSession *self,
              gboolean         server)
{
  const ConclaveScenarioNode *from_scenario = scenario_node (self, server, NULL);
  GListModel *nodes = G_LIST_MODEL (self->cluster);
  guint n = g_list_model_get_n_items (nodes);

  if (from_scenario != NULL)
    return from_scenario->role;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      const char *role = conclave_node_get_role (node);

      if (conclave_role_is_known (role))
        return conclave_role_is_server (role) == server ? role : conclave_role_partner (role);
    }
  return server ? "udp-server" : "udp-client";
}

/* Arguments for a new node: all talk on the cluster's port; a node copies
 * the running chapter's node of the same role (a client its pace, a group
 * server the chapter's election), else a client keeps going until stopped
 * and a group server gets the election of the header's menu. */
static GStrv
node_args (ConclaveSession *self,
           gboolean         server,
           const char      *role)
{
  const ConclaveScenarioNode *template = scenario_node (self, server, role);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (template != NULL && template->args != NULL)
    {
      g_strv_builder_addv (builder, (const char **) template->args);
      return g_strv_builder_end (builder);
    }
  if (g_str_equal (role, "group-server"))
    {
      g_autofree char *election = election_setting (self);

      g_strv_builder_add_many (builder, "--group-port", "{group_port}", "--election", election, NULL);
      return g_strv_builder_end (builder);
    }
  if (g_str_equal (role, "group-client"))
    {
      g_strv_builder_add_many (builder, "--group-port", "{group_port}", "--count", "0", NULL);
      return g_strv_builder_end (builder);
    }
  g_strv_builder_add_many (builder, "--port", "{port}", NULL);
  if (!server)
    g_strv_builder_add_many (builder, "--count", "0", NULL);
  return g_strv_builder_end (builder);
}

void
conclave_session_add_node (ConclaveSession *self,
                           gboolean         server,
                           const char      *role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) args = NULL;
  ConclaveNode *node;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  if (role == NULL)
    role = default_role (self, server);
  if (!conclave_role_is_known (role) || conclave_role_is_server (role) != server)
    {
      noticef (self, server ? _("“%s” is not a server role") : _("“%s” is not a client role"), role);
      return;
    }
  name = conclave_cluster_next_name (self->cluster, server);
  args = node_args (self, server, role);
  node = conclave_cluster_add_node (self->cluster, name, role, (const char * const *) args, &error);
  if (node == NULL)
    {
      noticef (self, _("Could not start %s: %s"), name, error->message);
      return;
    }
  conclave_session_set_selected (self, node);
}

static gboolean
run_command (ConclaveSession         *self,
             ConclaveSessionCommand   command,
             const char              *name,
             GError                 **error)
{
  switch (command)
    {
    case CONCLAVE_SESSION_COMMAND_CRASH:
      return conclave_cluster_crash (self->cluster, name);
    case CONCLAVE_SESSION_COMMAND_STOP:
      return conclave_cluster_stop (self->cluster, name);
    case CONCLAVE_SESSION_COMMAND_PAUSE:
      return conclave_cluster_pause (self->cluster, name);
    case CONCLAVE_SESSION_COMMAND_RESUME:
      return conclave_cluster_resume (self->cluster, name);
    case CONCLAVE_SESSION_COMMAND_RESTART:
      return conclave_cluster_restart (self->cluster, name, error);
    case CONCLAVE_SESSION_COMMAND_REMOVE:
      return conclave_cluster_remove (self->cluster, name);
    default:
      g_assert_not_reached ();
    }
}

static char *
command_failure (ConclaveSessionCommand  command,
                 const char             *name)
{
  switch (command)
    {
    case CONCLAVE_SESSION_COMMAND_CRASH:
      return g_strdup_printf (_("Cannot crash %s: it is not running"), name);
    case CONCLAVE_SESSION_COMMAND_STOP:
      return g_strdup_printf (_("Cannot stop %s: it is not running"), name);
    case CONCLAVE_SESSION_COMMAND_PAUSE:
      return g_strdup_printf (_("Cannot pause %s: it is not running"), name);
    case CONCLAVE_SESSION_COMMAND_RESUME:
      return g_strdup_printf (_("Cannot resume %s: it is not paused"), name);
    case CONCLAVE_SESSION_COMMAND_RESTART:
      return g_strdup_printf (_("Cannot restart %s"), name);
    case CONCLAVE_SESSION_COMMAND_REMOVE:
      return g_strdup_printf (_("Cannot remove %s"), name);
    default:
      g_assert_not_reached ();
    }
}

void
conclave_session_node_command (ConclaveSession        *self,
                               ConclaveSessionCommand  command,
                               const char             *name)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  /* "s1/4711", a forked child, can only be crashed (the core finds it). */
  if (name == NULL || (conclave_cluster_lookup (self->cluster, name) == NULL &&
                       (command != CONCLAVE_SESSION_COMMAND_CRASH || strchr (name, '/') == NULL)))
    {
      noticef (self, _("There is no node called “%s”"), name ? name : "");
      return;
    }
  if (!run_command (self, command, name, &error))
    {
      g_autofree char *text = command_failure (command, name);

      if (error != NULL)
        noticef (self, "%s: %s", text, error->message);
      else
        conclave_session_notice (self, text);
    }
}

/* Chapter 4 is one chapter with three elections: "chapter-4" (raft) and
 * "chapter-4-bully" / "chapter-4-ring" when they ship. Without its own
 * scenario an election still runs: the chapter's group servers get it
 * as their --election argument. */
static ConclaveScenario *
lookup_scenario (ConclaveSession  *self,
                 const char       *id,
                 GError          **error)
{
  g_autofree char *election = NULL;
  g_autofree char *variant = NULL;
  ConclaveScenario *scenario;

  if (g_strcmp0 (id, "chapter-4") != 0)
    return conclave_scenario_lookup (id, error);
  election = election_setting (self);
  variant = g_strcmp0 (election, "raft") == 0 ? g_strdup (id) : g_strdup_printf ("%s-%s", id, election);
  if ((scenario = conclave_scenario_lookup (variant, NULL)) != NULL)
    return scenario;
  if ((scenario = conclave_scenario_lookup (id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < scenario->nodes->len; i++)
    {
      ConclaveScenarioNode *node = g_ptr_array_index (scenario->nodes, i);

      for (guint a = 0; node->args != NULL && node->args[a] != NULL && node->args[a + 1] != NULL; a++)
        if (g_str_equal (node->args[a], "--election"))
          {
            g_free (node->args[a + 1]);
            node->args[a + 1] = g_strdup (election);
          }
    }
  return scenario;
}

void
conclave_session_start_scenario (ConclaveSession *self,
                                 const char      *id)
{
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  scenario = lookup_scenario (self, id, &error);
  if (scenario == NULL)
    {
      noticef (self, _("Cannot start “%s”: %s"), id, error->message);
      return;
    }
  /* A new chapter is a new picture: a fresh cluster (the views follow). */
  if (!conclave_session_new_cluster (self))
    return;
  /* The tempo the teacher chose wins over the scenario's default: slow
   * motion set for one chapter stays on for the next. */
  scenario->tempo = conclave_cluster_get_tempo (self->cluster);
  if (!conclave_cluster_start_scenario (self->cluster, scenario, &error))
    noticef (self, _("Cannot start “%s”: %s"), _(scenario->title), error->message);
}

/* The name of copy `i` (from 0): the next free name of the shape when none
 * was chosen, else the chosen one, then name-2, name-3 … */
static char *
copy_name (ConclaveSession *self,
           const char      *name,
           guint            i,
           gboolean         server)
{
  if (name == NULL)
    return conclave_cluster_next_name (self->cluster, server);
  if (i == 0)
    return g_strdup (name);
  return g_strdup_printf ("%s-%u", name, i + 1);
}

static gboolean
check_program (const char  *command_line,
               const char  *cwd,
               GStrv       *argv,
               GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (command_line ? command_line : ""));

  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the command line of the program to run"));
      return FALSE;
    }
  if (!g_shell_parse_argv (command_line, NULL, argv, &parse_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot read the command line: %s"), parse_error->message);
      return FALSE;
    }
  if (cwd != NULL && !g_file_test (cwd, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("The working folder “%s” does not exist"), cwd);
      return FALSE;
    }
  return TRUE;
}

gboolean
conclave_session_run_program (ConclaveSession  *self,
                              const char       *command_line,
                              const char       *cwd,
                              const char       *name,
                              guint             copies,
                              gboolean          server,
                              GError          **error)
{
  g_auto(GStrv) argv = NULL;
  ConclaveNode *first = NULL;

  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), FALSE);

  if (self->cluster == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Conclave cannot watch processes"));
      return FALSE;
    }
  if (name != NULL && *name == '\0')
    name = NULL;
  if (!check_program (command_line, cwd, &argv, error))
    return FALSE;
  for (guint i = 0; i < MAX (copies, 1); i++)
    {
      g_autofree char *copy = copy_name (self, name, i, server);
      g_autoptr(GError) local_error = NULL;
      ConclaveNode *node = conclave_cluster_add_program (self->cluster, copy,
                                                         (const char * const *) argv,
                                                         cwd, server, &local_error);

      if (node == NULL)
        {
          if (i == 0)
            g_set_error (error, local_error->domain, local_error->code,
                         _("Could not start %s: %s"), copy, local_error->message);
          else
            g_set_error (error, local_error->domain, local_error->code,
                         _("Started %u of %u copies; could not start %s: %s"),
                         i, copies, copy, local_error->message);
                  return FALSE;
        }
      if (first == NULL)
        first = node;
    }
  conclave_session_set_selected (self, first);
  return TRUE;
}

const char *
conclave_session_get_working_folder (ConclaveSession *self)
{
  g_return_val_if_fail (CONCLAVE_IS_SESSION (self), NULL);
  return self->working_folder;
}

void
conclave_session_set_working_folder (ConclaveSession *self,
                                     const char      *folder)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));
  g_return_if_fail (folder != NULL);

  g_free (self->working_folder);
  self->working_folder = g_strdup (folder);
}

void
conclave_session_run_command (ConclaveSession *self,
                              const char      *command_line,
                              gboolean         server)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (!conclave_session_run_program (self, command_line, self->working_folder, NULL, 1, server, &error))
    conclave_session_notice (self, error->message);
}

void
conclave_session_partition (ConclaveSession    *self,
                            const char * const *minority)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  if (!conclave_faults_partition (conclave_cluster_get_faults (self->cluster), minority, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot partition: %s"), error->message);

      conclave_session_notice (self, message);
      return;
    }
  names = g_strjoinv (", ", (char **) minority);
  text = g_strdup_printf (_("%s cut off from the others, both ways"), names);
  conclave_session_notice (self, text);
}

void
conclave_session_heal (ConclaveSession *self)
{
  ConclaveFaults *faults;

  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  faults = conclave_cluster_get_faults (self->cluster);
  if (conclave_faults_is_partitioned (faults))
    conclave_session_notice (self, _("Healed: every node reaches every other again"));
  conclave_faults_heal (faults);
}

void
conclave_session_set_tempo (ConclaveSession*self,
                            double          tempo)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster == NULL)
    return;
  if (!isfinite (tempo) || tempo <= 0)
    {
      conclave_session_notice (self, _("The tempo must be a positive number"));
      return;
    }
  tempo = CLAMP (tempo, TEMPO_MIN, TEMPO_MAX);
  conclave_cluster_set_tempo (self->cluster, tempo);
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "tempo", tempo);
}

void
conclave_session_set_frozen (ConclaveSession*self,
                             gboolean        frozen)
{
  g_return_if_fail (CONCLAVE_IS_SESSION (self));

  if (self->cluster != NULL)
    conclave_cluster_freeze_all (self->cluster, frozen);
}

