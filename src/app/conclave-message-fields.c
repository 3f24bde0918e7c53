/* conclave-message-fields.c — what a message of conclave-node says, in words
 * (see the header). The tables follow src/common/PROTOCOL.md; a key that
 * means one thing in one kind and another elsewhere (`last`, `id`) has a
 * row for that kind before its general row.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conclave-message-fields.h"

typedef struct {
  const char *kind;     /* NULL: any kind */
  const char *key;
  const char *meaning;
} Meaning;

static const Meaning field_meanings[] = {
  { "append-ack", "last", N_("The member’s log does not match: the leader resumes after this index") },
  { "sync-ack", "last", N_("Index of the member’s last log entry") },
  { NULL, "last", N_("Index of the sender’s last log entry (a voter refuses a candidate whose log is behind)") },
  { "coordinator", "id", N_("Identifier of the new coordinator") },
  { NULL, "id", N_("The sender’s identifier (in a bully election the highest wins)") },
  { "append-ack", "view", N_("The member asks for the current view (it has not got it yet)") },
  { "vote-request", "from", N_("The candidate asking for a vote") },
  { "election", "from", N_("The node that calls the election or passes it on") },
  { "post", "from", N_("The client posting") },
  { NULL, "from", N_("The node that sent it") },
  { NULL, "term", N_("The sender’s term: the election round it believes is current; a higher term wins") },
  { NULL, "leader", N_("The leader, as the sender knows it") },
  { NULL, "reply", N_("An answer to an announce, sent to the newcomer only") },
  { NULL, "vid", N_("The view’s identifier: which list of members this is") },
  { NULL, "members", N_("The live members, each as name:identifier:port (on a LAN :address too)") },
  { NULL, "prev", N_("Index of the last log entry the leader believes the member holds") },
  { NULL, "pterm", N_("Term in which the entry before this one was written (the member checks its log matches)") },
  { NULL, "plead", N_("Leader that wrote the entry before this one") },
  { NULL, "commit", N_("Entries up to this index are safe and delivered") },
  { NULL, "idx", N_("Position of this entry in the log") },
  { NULL, "seq", N_("Sequence number: the order in which posts are delivered (0: a new leader’s opening entry)") },
  { NULL, "req", N_("Request identifier (client:number); a retry keeps it, so a post is delivered once") },
  { NULL, "eterm", N_("Term in which this entry was written") },
  { NULL, "elead", N_("Leader that wrote this entry") },
  { NULL, "ts", N_("When the leader appended it (its clock, in ms)") },
  { NULL, "client", N_("The client that posted it") },
  { NULL, "text", N_("The post’s text") },
  { NULL, "ok", N_("1: stored; 0: the member’s log does not match") },
  { NULL, "match", N_("The member’s log matches the leader’s up to this index") },
  { NULL, "lterm", N_("Term of that last log entry") },
  { NULL, "granted", N_("1: the vote is given; 0: refused (voted already in this term, or the log is behind)") },
  { NULL, "cand", N_("The best candidate so far: the token carries the highest identifier round the ring") },
  { NULL, "mterm", N_("The term of this ring election") },
  { NULL, "lid", N_("Identifier of the new leader") },
  { NULL, "first", N_("First log index asked for") },
  { NULL, "upto", N_("Last log index asked for") },
  { NULL, "port", N_("The leader’s port: send posts there") },
  { NULL, "host", N_("The leader’s address on the LAN: send posts there") },
  { NULL, "seqno", N_("Position in the log at which the post was delivered") },
};

static const Meaning kind_meanings[] = {
  { "data", NULL, N_("What a traced program sent: its own bytes, seen by the trace library") },
  { "hello", NULL, N_("A client greets the server (chapter 1)") },
  { "reply", NULL, N_("The server answers a client; a forked child signs with its own PID (chapter 2)") },
  { "request", NULL, N_("A client asks the pool for the square of a number (chapter 3)") },
  { "task", NULL, N_("The pool server hands a request to its workers’ task queue (chapter 3)") },
  { "square", NULL, N_("A worker answers the client with the square (chapter 3)") },
  { "error", NULL, N_("A worker could not compute the answer") },
  { "announce", NULL, N_("A server says it is here, to the whole group or to a newcomer") },
  { "view", NULL, N_("The leader tells the members who is in the group now") },
  { "heartbeat", NULL, N_("The leader is alive; does the member’s log match up to prev?") },
  { "append", NULL, N_("The leader replicates one log entry to a member") },
  { "append-ack", NULL, N_("A member says how far its log matches the leader’s") },
  { "vote-request", NULL, N_("A candidate asks for a vote (raft-style, one vote per term)") },
  { "vote", NULL, N_("The answer to a vote request") },
  { "election", NULL, N_("An election message: bully asks the higher identifiers, ring passes the token on") },
  { "answer", NULL, N_("“I am alive” (bully), or one hop of the ring acknowledged") },
  { "coordinator", NULL, N_("The winner announces that it leads") },
  { "sync", NULL, N_("A new leader (bully, ring) asks how far each member’s log goes") },
  { "sync-ack", NULL, N_("A member answers the new leader’s sync") },
  { "fetch", NULL, N_("The new leader fetches entries it lacks") },
  { "catch-up", NULL, N_("Entries sent so a log catches up") },
  { "discover", NULL, N_("A client asks who leads") },
  { "redirect", NULL, N_("A server tells the client who leads and where") },
  { "post", NULL, N_("A client posts a message to the leader") },
  { "post-ack", NULL, N_("The leader confirms the post is delivered and safe") },
};

static const char *
field_meaning (const char *kind,
               const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_meanings); i++)
    if (g_str_equal (field_meanings[i].key, key) &&
        (field_meanings[i].kind == NULL || g_strcmp0 (field_meanings[i].kind, kind) == 0))
      return _(field_meanings[i].meaning);
  return NULL;
}

const char *
conclave_message_kind_meaning (const char *kind)
{
  for (guint i = 0; kind != NULL && i < G_N_ELEMENTS (kind_meanings); i++)
    if (g_str_equal (kind_meanings[i].kind, kind))
      return _(kind_meanings[i].meaning);
  return NULL;
}

static void
field_free (gpointer data)
{
  ConclaveMessageField *field = data;

  g_free (field->key);
  g_free (field->value);
  g_free (field);
}

static gboolean
valid_key (const char *word,
           gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (word[i]) && word[i] != '-')
      return FALSE;
  return TRUE;
}

GPtrArray *
conclave_message_fields_parse (const char *kind,
                               const char *payload,
                               gboolean    cut)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (field_free);
  const char *p = payload;

  if (payload == NULL)
    return NULL;
  while (*p != '\0')
    {
      const char *eq = strchr (p, '='), *end;
      ConclaveMessageField *field;

      if (eq == NULL || !valid_key (p, eq - p) || memchr (p, ' ', eq - p) != NULL)
        {
          /* a key cut in half ends a cut payload */
          if (cut && fields->len > 0 && strchr (p, ' ') == NULL)
            return g_steal_pointer (&fields);
          return NULL;
        }
      /* text= holds spaces and comes last */
      end = strncmp (p, "text=", 5) == 0 ? eq + strlen (eq) : eq + strcspn (eq, " ");
      field = g_new0 (ConclaveMessageField, 1);
      field->key = g_strndup (p, eq - p);
      field->value = g_strndup (eq + 1, end - eq - 1);
      field->meaning = field_meaning (kind, field->key);
      g_ptr_array_add (fields, field);
      p = *end == ' ' ? end + 1 : end;
    }
  /* it ended inside the last value */
  if (cut && fields->len > 0)
    ((ConclaveMessageField *) g_ptr_array_index (fields, fields->len - 1))->cut = TRUE;
  return fields->len > 0 ? g_steal_pointer (&fields) : NULL;
}
