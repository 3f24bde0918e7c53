/* conclave-election-story.c — the moments of an election, in order (see
 * conclave-election-story.h). Must never keep a pointer into the store:
 * events are copied into entries by value.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conclave-election-story.h"

struct _ConclaveElectionStory
{
  ConclaveEventStore *store;
  guint64             next;        /* first event not read yet */
  GArray             *entries;     /* ConclaveStoryEntry, time order of arrival */
  GHashTable         *last_state;  /* proc → (term << 2 | role) + 1 */
  gboolean            undecided;   /* a round of candidates without a leader yet */
};

enum { ROLE_OTHER, ROLE_CANDIDATE, ROLE_LEADER };

ConclaveElectionStory *
conclave_election_story_new (ConclaveEventStore *store)
{
  ConclaveElectionStory *self = g_new0 (ConclaveElectionStory, 1);

  self->store = g_object_ref (store);
  self->entries = g_array_new (FALSE, FALSE, sizeof (ConclaveStoryEntry));
  self->last_state = g_hash_table_new (NULL, NULL);
  return self;
}

void
conclave_election_story_free (ConclaveElectionStory *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->store);
  g_array_unref (self->entries);
  g_hash_table_unref (self->last_state);
  g_free (self);
}

static void
add (ConclaveElectionStory *self,
     const ConclaveEvent   *event,
     guint64                index,
     ConclaveStoryKind      kind,
     guint32                node,
     guint32                why,
     guint                  term)
{
  ConclaveStoryEntry entry = { event->time_ns, index, kind, node, why, term };

  g_array_append_val (self->entries, entry);
}

static void
read_crash (ConclaveElectionStory *self,
            const ConclaveEvent   *event,
            guint64                index)
{
  guint32 node = conclave_event_node (event);
  const char *name = conclave_event_store_str (self->store, node);

  /* A server of the chapter, not a forked child ("s1/4711"). */
  if (name != NULL && strchr (name, '/') == NULL)
    add (self, event, index, CONCLAVE_STORY_CRASHED, node, 0, 0);
}

static void
read_state (ConclaveElectionStory *self,
            const ConclaveEvent   *event,
            guint64                index)
{
  const char *role = conclave_event_store_str (self->store, conclave_event_state_role (event));
  ConclaveProcessInfo *process = conclave_event_store_get_process (self->store, event->proc);
  guint term = (guint) MAX (conclave_event_state_term (event), 0);
  guint kind = g_strcmp0 (role, "candidate") == 0 ? ROLE_CANDIDATE
               : g_strcmp0 (role, "leader") == 0 ? ROLE_LEADER : ROLE_OTHER;
  guint packed = ((term << 2) | kind) + 1;
  gpointer key = GUINT_TO_POINTER (event->proc);

  if (process == NULL || process->node == 0 ||
      GPOINTER_TO_UINT (g_hash_table_lookup (self->last_state, key)) == packed)
    return;
  g_hash_table_insert (self->last_state, key, GUINT_TO_POINTER (packed));
  if (kind == ROLE_CANDIDATE)
    {
      /* The first to stand in a round is the one whose timer ran out. */
      if (!self->undecided)
        add (self, event, index, CONCLAVE_STORY_TIMEOUT, process->node, 0, term);
      self->undecided = TRUE;
      add (self, event, index, CONCLAVE_STORY_CANDIDATE, process->node,
           conclave_event_state_why (event), term);
    }
  else if (kind == ROLE_LEADER)
    {
      self->undecided = FALSE;
      add (self, event, index, CONCLAVE_STORY_ELECTED, process->node, 0, term);
    }
}

void
conclave_election_story_update (ConclaveElectionStory *self)
{
  guint64 end = conclave_event_store_get_end (self->store);

  self->next = MAX (self->next, conclave_event_store_get_first (self->store));
  for (; self->next < end; self->next++)
    {
      const ConclaveEvent *event = conclave_event_store_get (self->store, self->next);

      if (event == NULL)
        continue;
      if (event->type == CONCLAVE_EVENT_CRASH)
        read_crash (self, event, self->next);
      else if (event->type == CONCLAVE_EVENT_STATE)
        read_state (self, event, self->next);
    }
}

guint
conclave_election_story_get_n_entries (ConclaveElectionStory *self)
{
  return self->entries->len;
}

const ConclaveStoryEntry *
conclave_election_story_get_entry (ConclaveElectionStory *self,
                                   guint                  i)
{
  return i < self->entries->len ? &g_array_index (self->entries, ConclaveStoryEntry, i) : NULL;
}

/* Entries arrive in the order the store received them; processes' clocks
 * agree to microseconds, close enough for a binary search by time. */
guint
conclave_election_story_find (ConclaveElectionStory *self,
                              gint64                 time_ns)
{
  guint lo = 0, hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->entries, ConclaveStoryEntry, mid).time_ns < time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

const ConclaveStoryEntry *
conclave_election_story_candidacy (ConclaveElectionStory *self,
                                   const char            *node,
                                   guint                  term)
{
  for (guint i = self->entries->len; i-- > 0;)
    {
      const ConclaveStoryEntry *entry = &g_array_index (self->entries, ConclaveStoryEntry, i);

      if (entry->kind == CONCLAVE_STORY_CANDIDATE && entry->term == term &&
          g_strcmp0 (conclave_event_store_str (self->store, entry->node), node) == 0)
        return entry;
    }
  return NULL;
}

char *
conclave_election_story_describe (ConclaveElectionStory    *self,
                                  const ConclaveStoryEntry *entry)
{
  const char *node = conclave_event_store_str (self->store, entry->node);

  switch (entry->kind)
    {
    case CONCLAVE_STORY_CRASHED:
      /* Translators: a timeline marker, "s1 crashed" */
      return g_strdup_printf (_("%s crashed"), node);
    case CONCLAVE_STORY_TIMEOUT:
      /* Translators: a timeline marker: s3's election timer ran out */
      return g_strdup_printf (_("heartbeat timeout at %s"), node);
    case CONCLAVE_STORY_CANDIDATE:
      /* Translators: a timeline marker, "s3 candidate, term 2" */
      return entry->term ? g_strdup_printf (_("%s candidate, term %u"), node, entry->term)
                         : g_strdup_printf (_("%s candidate"), node);
    case CONCLAVE_STORY_ELECTED:
      /* Translators: a timeline marker, "s3 elected, term 2" */
      return entry->term ? g_strdup_printf (_("%s elected, term %u"), node, entry->term)
                         : g_strdup_printf (_("%s elected"), node);
    default:
      g_assert_not_reached ();
    }
}
