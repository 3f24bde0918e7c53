/* conclave-node.c — the model of one process the class can see.
 *
 * Holds identity, state, counters, group state and the last few thousand
 * output lines of a server, a client or a forked child, and tells observers
 * about changes: GObject notify per property as it changes, and one
 * "changed" per batch when the cluster flushes. It must never spawn, signal
 * or look at a process itself; the cluster feeds it.
 */
#include "conclave-node-private.h"


G_DEFINE_FINAL_TYPE (ConclaveNode, conclave_node, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ConclaveNodeState, conclave_node_state,
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_EXITED, "exited"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_CRASHED, "crashed"))

G_DEFINE_ENUM_TYPE (ConclaveNodeKind, conclave_node_kind,
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_KIND_SERVER, "server"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_KIND_CLIENT, "client"),
  G_DEFINE_ENUM_VALUE (CONCLAVE_NODE_KIND_CHILD, "child"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_ROLE,
  PROP_KIND,
  PROP_PID,
  PROP_PPID,
  PROP_STATE,
  PROP_EXIT_CODE,
  PROP_EXIT_SIGNAL,
  PROP_GROUP_ROLE,
  PROP_TERM,
  PROP_LEADER,
  PROP_IS_LEADER,
  PROP_PARENT,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_OUTPUT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Every change goes through here: the property notify now, "changed" at the
 * next flush. */
static void
notify_change (ConclaveNode *self,
               guint         prop)
{
  self->dirty = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
set_string (ConclaveNode  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  notify_change (self, prop);
  return TRUE;
}

static gboolean
set_int (ConclaveNode *self,
         gint         *field,
         gint          value,
         guint         prop)
{
  if (*field == value)
    return FALSE;
  *field = value;
  notify_change (self, prop);
  return TRUE;
}

ConclaveNode *
conclave_node_new (const char       *name,
                   const char       *role,
                   ConclaveNodeKind  kind)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (CONCLAVE_TYPE_NODE,
                       "name", name,
                       "role", role,
                       "kind", kind,
                       NULL);
}

const char *
conclave_node_get_name (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->name;
}

const char *
conclave_node_get_role (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->role;
}

ConclaveNodeKind
conclave_node_get_kind (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), CONCLAVE_NODE_KIND_CLIENT);
  return self->kind;
}

gboolean
conclave_node_is_server (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), FALSE);
  return self->kind == CONCLAVE_NODE_KIND_SERVER;
}

const char * const *
conclave_node_get_argv (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return (const char * const *) self->argv;
}

void
conclave_node_set_argv (ConclaveNode       *self,
                        const char * const *argv)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));

  g_strfreev (self->argv);
  self->argv = g_strdupv ((char **) argv);
  self->dirty = TRUE;
}

gint
conclave_node_get_pid (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->pid;
}

void
conclave_node_set_pid (ConclaveNode *self,
                       gint          pid)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  set_int (self, &self->pid, pid, PROP_PID);
}

gint
conclave_node_get_ppid (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->ppid;
}

void
conclave_node_set_ppid (ConclaveNode *self,
                        gint          ppid)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  set_int (self, &self->ppid, ppid, PROP_PPID);
}

ConclaveNodeState
conclave_node_get_state (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), CONCLAVE_NODE_EXITED);
  return self->state;
}

void
conclave_node_set_state (ConclaveNode      *self,
                         ConclaveNodeState  state)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));

  if (self->state == state)
    return;
  self->state = state;
  notify_change (self, PROP_STATE);
}

gint
conclave_node_get_exit_code (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->exit_code;
}

gint
conclave_node_get_exit_signal (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->exit_signal;
}

void
conclave_node_set_exit (ConclaveNode *self,
                        gint          code,
                        gint          signal)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_int (self, &self->exit_code, code, PROP_EXIT_CODE);
  set_int (self, &self->exit_signal, signal, PROP_EXIT_SIGNAL);
  g_object_thaw_notify (G_OBJECT (self));
}

ConclaveNode *
conclave_node_get_parent (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->parent;
}

static void
set_parent (ConclaveNode *self,
            ConclaveNode *parent)
{
  if (self->parent == parent)
    return;
  g_set_weak_pointer (&self->parent, parent);
  notify_change (self, PROP_PARENT);
}

GListModel *
conclave_node_get_children (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return G_LIST_MODEL (self->children);
}

void
conclave_node_add_child (ConclaveNode *self,
                         ConclaveNode *child)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  g_return_if_fail (CONCLAVE_IS_NODE (child));
  g_return_if_fail (child != self);

  if (g_list_store_find (self->children, child, NULL))
    return;
  g_list_store_append (self->children, child);
  set_parent (child, self);
  self->dirty = TRUE;
}

void
conclave_node_remove_child (ConclaveNode *self,
                            ConclaveNode *child)
{
  guint position;

  g_return_if_fail (CONCLAVE_IS_NODE (self));
  g_return_if_fail (CONCLAVE_IS_NODE (child));

  if (!g_list_store_find (self->children, child, &position))
    return;
  /* Keep the child alive while we clear its parent. */
  g_object_ref (child);
  g_list_store_remove (self->children, position);
  if (child->parent == self)
    set_parent (child, NULL);
  self->dirty = TRUE;
  g_object_unref (child);
}

const char * const *
conclave_node_get_addresses (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return (const char * const *) self->addresses->pdata;
}

void
conclave_node_add_address (ConclaveNode *self,
                           const char   *address)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  g_return_if_fail (address != NULL);

  /* The array is NULL-terminated, so the real length is one less. */
  for (guint i = 0; i + 1 < self->addresses->len; i++)
    if (g_str_equal (g_ptr_array_index (self->addresses, i), address))
      return;
  g_ptr_array_insert (self->addresses, self->addresses->len - 1, g_strdup (address));
  self->dirty = TRUE;
}

const ConclaveNodeCounters *
conclave_node_get_counters (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return &self->counters;
}

static void
add_counters (ConclaveNodeCounters *sum, const ConclaveNodeCounters *c)
{
  sum->sent += c->sent;
  sum->received += c->received;
  sum->dropped += c->dropped;
  sum->lost += c->lost;
  sum->garbage += c->garbage;
  sum->errors += c->errors;
  sum->lines_lost += c->lines_lost;
  sum->delivered += c->delivered;
}

guint
conclave_node_get_children_counters (ConclaveNode *self, ConclaveNodeCounters *sum)
{
  guint n_children, n = 0;

  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  g_return_val_if_fail (sum != NULL, 0);

  n_children = g_list_model_get_n_items (G_LIST_MODEL (self->children));
  for (guint i = 0; i < n_children; i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (G_LIST_MODEL (self->children), i);

      add_counters (sum, &child->counters);
      n += 1 + conclave_node_get_children_counters (child, sum);
    }
  return n;
}

ConclaveNodeCounters *
conclave_node_edit_counters (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  /* The caller edits in place, so we cannot know whether it did: assume so. */
  self->dirty = TRUE;
  return &self->counters;
}

const char *
conclave_node_get_group_role (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->group_role ? self->group_role : "";
}

guint64
conclave_node_get_term (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->term;
}

const char *
conclave_node_get_leader (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->leader ? self->leader : "";
}

const char * const *
conclave_node_get_view (ConclaveNode *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);
  return self->view ? (const char * const *) self->view : empty;
}

guint
conclave_node_get_election_timeout_ms (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->election_timeout_ms;
}

void
conclave_node_set_election_timeout_ms (ConclaveNode *self,
                                       guint         timeout_ms)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));
  self->election_timeout_ms = timeout_ms;
}

gboolean
conclave_node_is_leader (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), FALSE);
  return g_strcmp0 (self->group_role, "leader") == 0;
}

static void
set_view (ConclaveNode       *self,
          const char * const *view)
{
  if (self->view == NULL && view == NULL)
    return;
  if (self->view != NULL && view != NULL &&
      g_strv_equal ((const char * const *) self->view, view))
    return;
  g_strfreev (self->view);
  self->view = g_strdupv ((char **) view);
  self->dirty = TRUE;
}

void
conclave_node_set_group_state (ConclaveNode       *self,
                               const char         *group_role,
                               guint64             term,
                               const char         *leader,
                               const char * const *view)
{
  gboolean was_leader;

  g_return_if_fail (CONCLAVE_IS_NODE (self));

  was_leader = conclave_node_is_leader (self);
  g_object_freeze_notify (G_OBJECT (self));

  set_string (self, &self->group_role, group_role, PROP_GROUP_ROLE);
  if (self->term != term)
    {
      self->term = term;
      notify_change (self, PROP_TERM);
    }
  set_string (self, &self->leader, leader, PROP_LEADER);
  set_view (self, view);
  if (was_leader != conclave_node_is_leader (self))
    notify_change (self, PROP_IS_LEADER);

  g_object_thaw_notify (G_OBJECT (self));
}

/* The ring grows as lines come, up to OUTPUT_CAPACITY: most nodes of a
 * big recording print little or nothing, and a replay's checkpoint keeps
 * a copy of every node (as long as its lines). */
static void
grow_output (ConclaveNode *self)
{
  guint capacity = MIN (MAX (self->output_capacity * 2, 64), OUTPUT_CAPACITY);
  OutputLine *ring = g_new0 (OutputLine, capacity);

  for (guint i = 0; i < self->n_output; i++)
    ring[i] = self->output[(self->output_start + i) % self->output_capacity];
  g_free (self->output);
  self->output = ring;
  self->output_start = 0;
  self->output_capacity = capacity;
}

void
conclave_node_append_output (ConclaveNode         *self,
                             ConclaveOutputStream  stream,
                             const char           *line)
{
  OutputLine *slot;

  g_return_if_fail (CONCLAVE_IS_NODE (self));
  g_return_if_fail (line != NULL);

  if (self->n_output == self->output_capacity && self->output_capacity < OUTPUT_CAPACITY)
    grow_output (self);
  if (self->n_output < OUTPUT_CAPACITY)
    {
      slot = &self->output[(self->output_start + self->n_output) % self->output_capacity];
      self->n_output++;
    }
  else
    {
      /* Full: the oldest line makes room. */
      slot = &self->output[self->output_start];
      g_ref_string_release (slot->text);
      self->output_start = (self->output_start + 1) % self->output_capacity;
    }
  slot->stream = stream;
  /* Shared, not copied, by a checkpoint's clone. */
  slot->text = g_ref_string_new (line);

  g_signal_emit (self, signals[SIGNAL_OUTPUT], 0, (gint) stream, slot->text);
}

static void
delivered_post_free (gpointer data)
{
  ConclaveDeliveredPost *post = data;

  g_free (post->client);
  g_free (post->text);
  g_free (post);
}

void
conclave_node_add_delivered (ConclaveNode *self,
                             gint          seqno,
                             const char   *client,
                             const char   *text)
{
  ConclaveDeliveredPost *post;

  g_return_if_fail (CONCLAVE_IS_NODE (self));

  if (self->delivered == NULL)
    self->delivered = g_ptr_array_new_with_free_func (delivered_post_free);
  if (self->delivered->len >= DELIVERED_CAPACITY)
    g_ptr_array_remove_index (self->delivered, 0);
  post = g_new0 (ConclaveDeliveredPost, 1);
  post->seqno = seqno;
  post->client = g_strdup (client);
  post->text = g_strdup (text);
  g_ptr_array_add (self->delivered, post);
  self->dirty = TRUE;
}

guint
conclave_node_get_n_delivered (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->delivered ? self->delivered->len : 0;
}

const ConclaveDeliveredPost *
conclave_node_get_delivered (ConclaveNode *self,
                             guint         index)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);

  if (self->delivered == NULL || index >= self->delivered->len)
    return NULL;
  return g_ptr_array_index (self->delivered, index);
}

guint
conclave_node_get_n_output (ConclaveNode *self)
{
  g_return_val_if_fail (CONCLAVE_IS_NODE (self), 0);
  return self->n_output;
}

const char *
conclave_node_get_output (ConclaveNode         *self,
                          guint                 index,
                          ConclaveOutputStream *stream)
{
  const OutputLine *line;

  g_return_val_if_fail (CONCLAVE_IS_NODE (self), NULL);

  if (index >= self->n_output)
    return NULL;
  line = &self->output[(self->output_start + index) % self->output_capacity];
  if (stream != NULL)
    *stream = line->stream;
  return line->text;
}

void
conclave_node_flush_changes (ConclaveNode *self)
{
  g_return_if_fail (CONCLAVE_IS_NODE (self));

  if (!self->dirty)
    return;
  /* Cleared first, so a handler that changes us again gets its own flush. */
  self->dirty = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

const char *
conclave_node_state_to_string (ConclaveNodeState state)
{
  switch (state)
    {
    case CONCLAVE_NODE_STARTING: return "starting";
    case CONCLAVE_NODE_RUNNING:  return "running";
    case CONCLAVE_NODE_PAUSED:   return "paused";
    case CONCLAVE_NODE_EXITED:   return "exited";
    case CONCLAVE_NODE_CRASHED:  return "crashed";
    default:                     return "unknown";
    }
}

static void
conclave_node_dispose (GObject *object)
{
  ConclaveNode *self = CONCLAVE_NODE (object);

  g_clear_weak_pointer (&self->parent);
  if (self->children != NULL)
    g_list_store_remove_all (self->children);

  G_OBJECT_CLASS (conclave_node_parent_class)->dispose (object);
}

static void
conclave_node_finalize (GObject *object)
{
  ConclaveNode *self = CONCLAVE_NODE (object);

  for (guint i = 0; i < self->n_output; i++)
    g_ref_string_release (self->output[(self->output_start + i) % self->output_capacity].text);
  g_free (self->output);
  g_clear_pointer (&self->delivered, g_ptr_array_unref);

  g_clear_object (&self->children);
  g_ptr_array_unref (self->addresses);
  g_free (self->name);
  g_free (self->role);
  g_strfreev (self->argv);
  g_free (self->group_role);
  g_free (self->leader);
  g_strfreev (self->view);

  G_OBJECT_CLASS (conclave_node_parent_class)->finalize (object);
}

static void
conclave_node_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ConclaveNode *self = CONCLAVE_NODE (object);

  switch (prop_id)
    {
    case PROP_NAME:        g_value_set_string (value, self->name); break;
    case PROP_ROLE:        g_value_set_string (value, self->role); break;
    case PROP_KIND:        g_value_set_enum (value, self->kind); break;
    case PROP_PID:         g_value_set_int (value, self->pid); break;
    case PROP_PPID:        g_value_set_int (value, self->ppid); break;
    case PROP_STATE:       g_value_set_enum (value, self->state); break;
    case PROP_EXIT_CODE:   g_value_set_int (value, self->exit_code); break;
    case PROP_EXIT_SIGNAL: g_value_set_int (value, self->exit_signal); break;
    case PROP_GROUP_ROLE:  g_value_set_string (value, conclave_node_get_group_role (self)); break;
    case PROP_TERM:        g_value_set_uint64 (value, self->term); break;
    case PROP_LEADER:      g_value_set_string (value, conclave_node_get_leader (self)); break;
    case PROP_IS_LEADER:   g_value_set_boolean (value, conclave_node_is_leader (self)); break;
    case PROP_PARENT:      g_value_set_object (value, self->parent); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_node_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ConclaveNode *self = CONCLAVE_NODE (object);

  switch (prop_id)
    {
    case PROP_NAME:  self->name = g_value_dup_string (value); break;
    case PROP_ROLE:  self->role = g_value_dup_string (value); break;
    case PROP_KIND:  self->kind = g_value_get_enum (value); break;
    case PROP_PID:   conclave_node_set_pid (self, g_value_get_int (value)); break;
    case PROP_PPID:  conclave_node_set_ppid (self, g_value_get_int (value)); break;
    case PROP_STATE: conclave_node_set_state (self, g_value_get_enum (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conclave_node_class_init (ConclaveNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = conclave_node_dispose;
  object_class->finalize = conclave_node_finalize;
  object_class->get_property = conclave_node_get_property;
  object_class->set_property = conclave_node_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, construct);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, CONCLAVE_TYPE_NODE_KIND,
                                             CONCLAVE_NODE_KIND_CLIENT, construct);
  properties[PROP_PID] = g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_PPID] = g_param_spec_int ("ppid", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CONCLAVE_TYPE_NODE_STATE,
                                              CONCLAVE_NODE_STARTING, rw);
  properties[PROP_EXIT_CODE] = g_param_spec_int ("exit-code", NULL, NULL, -1, G_MAXINT, 0, ro);
  properties[PROP_EXIT_SIGNAL] = g_param_spec_int ("exit-signal", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_GROUP_ROLE] = g_param_spec_string ("group-role", NULL, NULL, "", ro);
  properties[PROP_TERM] = g_param_spec_uint64 ("term", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LEADER] = g_param_spec_string ("leader", NULL, NULL, "", ro);
  properties[PROP_IS_LEADER] = g_param_spec_boolean ("is-leader", NULL, NULL, FALSE, ro);
  properties[PROP_PARENT] = g_param_spec_object ("parent", NULL, NULL, CONCLAVE_TYPE_NODE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Once per flush, however many things changed. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (gint stream, const char *text): one line of stdout or stderr. */
  signals[SIGNAL_OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
conclave_node_init (ConclaveNode *self)
{
  self->state = CONCLAVE_NODE_STARTING;
  self->children = g_list_store_new (CONCLAVE_TYPE_NODE);
  self->addresses = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->addresses, NULL);
}
