/* conclave-session-private.h — the session's insides, shared by
 * conclave-session.c (the facts and the pace) and conclave-session-actions.c
 * (what the teacher does to the cluster). Nothing else includes this.
 */
#pragma once

#include "conclave-causal-highlight.h"
#include "conclave-election-story.h"
#include "conclave-faults.h"
#include "conclave-session.h"

G_BEGIN_DECLS

typedef struct {
  ConclaveSession            *session;
  GObject                    *view;
  const ConclaveSessionWatch *watch;
} Watcher;

struct _ConclaveSession
{
  GObject          parent_instance;

  GSettings       *settings;
  ConclaveCluster *cluster;
  ConclaveElectionStory *story;   /* of that cluster's store */
  char            *error;
  guint            base_port;
  ConclaveNode    *selected;
  gboolean         presentation;
  GHashTable      *positions;     /* ConclaveNode* (ref) → Position* */
  guint64          violation;
  guint64          focused_event; /* store index; G_MAXUINT64: none */
  guint            n_violations;
  GdkFrameClock   *clock;
  gulong           update_id;
  gboolean         dirty;
  GPtrArray       *watchers;      /* Watcher*, owned */
  char            *working_folder; /* where programs run: chosen, else where we started */
  ConclaveCausalHighlight *highlight; /* the message explained and its cone; made when first asked */
};

G_END_DECLS
