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

  /* conclave-session-replay.c */
  ConclaveEventStore *recording;  /* an opened trace: `cluster` replays it; NULL: live */
  char            *recording_problem; /* the first damaged line of it, NULL: none */
  GPtrArray       *recording_hosts;   /* its header's LAN hosts (ConclaveTraceHost), NULL: loopback */
  ConclaveCluster *past;          /* live, scrubbed back: the live store replayed up to the cursor */
  gint64           cursor_ns;     /* the moment shown; G_MAXINT64: the present (live) */
  guint64          live_violation;    /* the live banner's, kept while the past is shown */
  guint            live_n_violations;
};

/* conclave-session.c */
void _conclave_session_connect         (ConclaveSession *self,
                                        ConclaveCluster *cluster);
void _conclave_session_cluster_changed (ConclaveSession *self);
void _conclave_session_forget_picture  (ConclaveSession *self);
/* The cluster (live or replayed) ends: its processes are shut down. */
void _conclave_session_drop_cluster    (ConclaveSession *self);
/* Every view hears that another cluster is shown; old: the one before. */
void _conclave_session_tell_cluster    (ConclaveSession *self,
                                        ConclaveCluster *old);
/* conclave-session-replay.c: back to a live session (the recording and the
 * past are dropped, the cursor follows the present). */
void _conclave_session_leave_replay    (ConclaveSession *self);

G_END_DECLS
