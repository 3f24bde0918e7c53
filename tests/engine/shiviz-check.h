/* shiviz-check.h — reads a ShiViz log back and checks its clocks against
 * the matcher's pairs: each host's own entry counts its events one by one,
 * and every receive's clock is at least its send's in every entry and
 * greater in the receiver's own. Shared by test-shiviz.c (crafted events)
 * and test-run-export.c (a real run). */
#pragma once

#include "conclave-shiviz.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* host → GPtrArray of JsonObject* (its clocks in order). */
static GHashTable *
shiviz_read (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  guint i = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  /* The regular expression to paste is in the first comment. */
  g_assert_true (g_str_has_prefix (text, "# ShiViz parser RE: " CONCLAVE_SHIVIZ_REGEX "\n"));
  lines = g_strsplit (text, "\n", -1);
  while (lines[i] != NULL && lines[i][0] == '#')
    i++;
  for (; lines[i] != NULL && lines[i][0] != '\0'; i += 2)
    {
      const char *clock_line = lines[i + 1];
      const char *space;
      g_autofree char *host = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      GPtrArray *clocks;

      g_assert_nonnull (clock_line);
      space = strchr (clock_line, ' ');
      g_assert_nonnull (space);
      host = g_strndup (clock_line, space - clock_line);
      g_assert_true (json_parser_load_from_data (parser, space + 1, -1, &error));
      g_assert_no_error (error);
      clocks = g_hash_table_lookup (hosts, host);
      if (clocks == NULL)
        {
          clocks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
          g_hash_table_insert (hosts, g_strdup (host), clocks);
        }
      g_ptr_array_add (clocks, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
      /* Own entry: one more per event. */
      g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (clocks, clocks->len - 1), host), ==, clocks->len);
    }
  return hosts;
}

static char *
shiviz_host (ConclaveEventStore *store, guint32 proc)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (store, proc);
  const char *node = conclave_event_store_str (store, info->node);

  return g_strdup_printf ("%s/%d", node && *node ? node : "pid", info->pid);
}

/* The clock written for the event at index: its process's k-th written
 * event, in the order the process reported them. */
static JsonObject *
shiviz_clock_of (GHashTable *hosts, ConclaveEventStore *store, guint64 index, char **host)
{
  const ConclaveEvent *event = conclave_event_store_get (store, index);
  guint rank = 0;
  GPtrArray *clocks;

  for (guint64 i = conclave_event_store_get_first (store); i <= index; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      rank += e->proc == event->proc && conclave_shiviz_is_written (e);
    }
  *host = shiviz_host (store, event->proc);
  clocks = g_hash_table_lookup (hosts, *host);
  g_assert_nonnull (clocks);
  g_assert_cmpuint (rank, >=, 1);
  g_assert_cmpuint (rank, <=, clocks->len);
  return g_ptr_array_index (clocks, rank - 1);
}

static gint64
shiviz_entry (JsonObject *clock, const char *host)
{
  return json_object_has_member (clock, host) ? json_object_get_int_member (clock, host) : 0;
}

/* Checks every message the matcher paired across processes; returns how
 * many. */
static guint
shiviz_check (const char *path, ConclaveEventStore *store, ConclaveMatcher *matcher)
{
  g_autoptr(GHashTable) hosts = shiviz_read (path);
  guint checked = 0;

  for (guint64 m = conclave_matcher_get_first_message (matcher); m < conclave_matcher_get_n_messages (matcher); m++)
    {
      ConclaveMessage message_data;
      const ConclaveMessage *message = conclave_matcher_get_message (matcher, m, &message_data);
      g_autofree char *send_host = NULL, *recv_host = NULL;
      JsonObject *sent, *received;
      g_autoptr(GList) members = NULL;

      if (message == NULL || message->send_index == G_MAXUINT64 || message->recv_index == G_MAXUINT64 ||
          conclave_event_store_get (store, message->recv_index)->proc == message->src_proc)
        continue;
      sent = shiviz_clock_of (hosts, store, message->send_index, &send_host);
      received = shiviz_clock_of (hosts, store, message->recv_index, &recv_host);
      members = json_object_get_members (sent);
      for (GList *l = members; l != NULL; l = l->next)
        if (shiviz_entry (received, l->data) < shiviz_entry (sent, l->data))
          g_error ("message %" G_GUINT64_FORMAT ": %s's entry %s is behind its send's", m, recv_host, (char *) l->data);
      g_assert_cmpint (shiviz_entry (received, recv_host), >, shiviz_entry (sent, recv_host));
      checked++;
    }
  return checked;
}
