/* conclave-session.h — what the class is looking at: one session model that
 * every view of the window observes.
 *
 * Owned by the application. Holds the cluster (replaced by a fresh one for
 * each chapter, so a new chapter starts a clean picture: new store, new
 * matcher, the old run's processes shut down), the selected node,
 * presentation mode, where the teacher dragged nodes on the canvas, the
 * violation banner, and the refresh pace: views hear "changed" at most once
 * per frame of the frame clock they attach, never per batch of events.
 * Views only observe the cluster through it; they never replace it. Never
 * draws, never touches widgets.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-causal-highlight.h"
#include "conclave-cluster.h"
#include "conclave-election-story.h"
#include "conclave-faults.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_SESSION_COMMAND_CRASH,
  CONCLAVE_SESSION_COMMAND_STOP,
  CONCLAVE_SESSION_COMMAND_PAUSE,
  CONCLAVE_SESSION_COMMAND_RESUME,
  CONCLAVE_SESSION_COMMAND_RESTART,
  CONCLAVE_SESSION_COMMAND_REMOVE,
} ConclaveSessionCommand;

#define CONCLAVE_TYPE_SESSION (conclave_session_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveSession, conclave_session, CONCLAVE, SESSION, GObject)

/* Signals:
 *   "changed" ()            the cluster changed since the last frame (≤ one per frame)
 *   "notice" (const char *) something the user should be told (a toast)
 * Properties (all notify): cluster, selected, presentation, violation
 *   (guint64, the newest; G_MAXUINT64: none), n-violations (guint, shown in
 *   the banner; 0: banner hidden), focused-event (guint64, the store index
 *   of the event the teacher picked in the log, which the timeline shows
 *   and highlights; G_MAXUINT64: none).
 */

/* settings: tempo, retention and loss timeout for every cluster it starts. */
ConclaveSession *conclave_session_new              (GSettings       *settings);
/* NULL when the control channel could not be opened (see get_error). */
ConclaveCluster *conclave_session_get_cluster      (ConclaveSession *self);
const char      *conclave_session_get_error        (ConclaveSession *self);
/* A clean picture: a fresh cluster replaces the old one (whose processes
 * are shut down), selection, positions and banner are forgotten. */
gboolean         conclave_session_new_cluster      (ConclaveSession *self);
/* The class is over (its window closed): the cluster's processes are shut
 * down and it is dropped; new_cluster starts the next. */
void             conclave_session_close            (ConclaveSession *self);
/* For tests: every cluster from now on listens on base_port and up. */
void             conclave_session_set_base_port    (ConclaveSession *self,
                                                    guint            base_port);

ConclaveNode    *conclave_session_get_selected     (ConclaveSession *self);
void             conclave_session_set_selected     (ConclaveSession *self,
                                                    ConclaveNode    *node);
gboolean         conclave_session_get_presentation (ConclaveSession *self);
void             conclave_session_set_presentation (ConclaveSession *self,
                                                    gboolean         presentation);

/* Where the teacher put a node on the canvas (unit square); FALSE: nowhere
 * yet, the view places it. */
gboolean         conclave_session_get_position     (ConclaveSession *self,
                                                    ConclaveNode    *node,
                                                    double          *x,
                                                    double          *y);
void             conclave_session_set_position     (ConclaveSession *self,
                                                    ConclaveNode    *node,
                                                    double           x,
                                                    double           y);

guint64          conclave_session_get_focused_event (ConclaveSession *self);
void             conclave_session_set_focused_event (ConclaveSession *self,
                                                     guint64          index);

/* The message being explained and its lit causes or effects (the message
 * card sets it; the timeline and event log dim by it). */
ConclaveCausalHighlight *conclave_session_get_highlight (ConclaveSession *self);

guint64          conclave_session_get_violation    (ConclaveSession *self);
guint            conclave_session_get_n_violations (ConclaveSession *self);
/* Hides the banner; the newest violation stays for "Show the Cause". */
void             conclave_session_dismiss_banner   (ConclaveSession *self);

/* Pacing: "changed" is emitted in the update phase of this clock (the
 * window's); without one, as soon as the cluster changed. */
void             conclave_session_set_frame_clock  (ConclaveSession *self,
                                                    GdkFrameClock   *clock);
/* The views take what changed now, not at the next frame: before a
 * picture of them is taken outside a frame (Export Image). */
void             conclave_session_catch_up         (ConclaveSession *self);
void             conclave_session_notice           (ConclaveSession *self,
                                                    const char      *text);

/* How a view follows the session: each callback (any may be NULL) is
 * called with the view when that fact changes, and the first three once
 * right away. Connected for the view's lifetime. "cluster" says a new
 * cluster began (conclave_session_get_cluster(), may be NULL): the view
 * resets its picture and stores nothing; old is the cluster that ended
 * (NULL the first time), alive until the callback returns, so the view
 * can disconnect what it connected to it. */
typedef struct {
  void (*cluster)      (gpointer view, ConclaveCluster *old);
  void (*selected)     (gpointer view, ConclaveNode *node);
  void (*presentation) (gpointer view, gboolean presentation);
  void (*changed)      (gpointer view);
  void (*focused)      (gpointer view, guint64 event);
} ConclaveSessionWatch;

void             conclave_session_watch            (ConclaveSession            *self,
                                                    gpointer                    view,
                                                    const ConclaveSessionWatch *watch);
/* Before the view's dispose is done, if it may still be told things then. */
void             conclave_session_unwatch          (ConclaveSession            *self,
                                                    gpointer                    view);

/* How a view reads what a batch appended, each event once: calls func for
 * every event of cluster's store from *next (or the oldest retained) to
 * the end, then moves *next there. */
typedef void (*ConclaveSessionEventFunc) (gpointer view, ConclaveEventStore *store, const ConclaveEvent *event);
void             conclave_session_read_new_events  (ConclaveCluster            *cluster,
                                                    guint64                    *next,
                                                    ConclaveSessionEventFunc    func,
                                                    gpointer                    view);

/* What the teacher does (conclave-session-actions.c). Failures are told
 * through "notice"; nothing is assumed to exist. */
/* role NULL: what the running chapter uses; the new node is selected. */
void             conclave_session_add_node         (ConclaveSession        *self,
                                                    gboolean                server,
                                                    const char             *role);
void             conclave_session_node_command     (ConclaveSession        *self,
                                                    ConclaveSessionCommand  command,
                                                    const char             *name);
/* A clean picture (new_cluster), then the chapter's nodes. */
void             conclave_session_start_scenario   (ConclaveSession        *self,
                                                    const char             *id);
/* Runs a command line (no shell) as `copies` traced programs in `cwd`;
 * `name` NULL: the next free names. FALSE with an error, nothing hidden. */
/* Where run-command, run-server-command and the Run a Program dialog run
 * programs (relative paths are relative to it): the folder the teacher
 * chose last, else the one Conclave was started from. */
/* The "show-unheard" setting: whether views draw messages nobody heard or
 * read (TRUE without settings). */
gboolean         conclave_session_get_show_unheard  (ConclaveSession *self);
const char      *conclave_session_get_working_folder (ConclaveSession *self);
void             conclave_session_set_working_folder (ConclaveSession *self,
                                                      const char      *folder);
gboolean         conclave_session_run_program      (ConclaveSession        *self,
                                                    const char             *command_line,
                                                    const char             *cwd,
                                                    const char             *name,
                                                    guint                   copies,
                                                    gboolean                server,
                                                    GError                **error);
/* One copy in the examples folder; a failure is a notice. */
void             conclave_session_run_command      (ConclaveSession        *self,
                                                    const char             *command_line,
                                                    gboolean                server);
/* Cuts the named top-level nodes off from the others, both ways. */
void             conclave_session_partition        (ConclaveSession        *self,
                                                    const char * const     *minority);
void             conclave_session_heal             (ConclaveSession        *self);
/* How long an ended child stays on screen before it goes (its fade). */
gint64           conclave_session_get_child_linger_ns (ConclaveSession   *self);
/* The election's moments so far, in this cluster (NULL without one). */
ConclaveElectionStory *conclave_session_get_story  (ConclaveSession        *self);
void             conclave_session_set_tempo        (ConclaveSession        *self,
                                                    double                  tempo);
void             conclave_session_set_frozen       (ConclaveSession        *self,
                                                    gboolean                frozen);
/* What the teacher set per node, for the current cluster (NULL without one). */

/* Replay and the moment shown (conclave-session-replay.c). */
/* Opens a recording (JSON Lines, gzip when it is): the class on screen
 * ends and the recording is shown, through the same views, at its end.
 * A damaged file opens up to the damage (get_replay_problem says which
 * line and why, a notice too); FALSE with error when it cannot be read. */
gboolean         conclave_session_open_trace       (ConclaveSession *self,
                                                    const char      *path,
                                                    GError         **error);
/* Showing a recording (no process runs; new_cluster goes back to live). */
gboolean         conclave_session_is_replay        (ConclaveSession *self);
const char      *conclave_session_get_replay_problem (ConclaveSession *self);
/* The class whose processes run, also while the past is shown; NULL
 * while a recording is. */
ConclaveCluster *conclave_session_get_live_cluster (ConclaveSession *self);
/* The whole class, for a picture of the whole run while a moment is
 * shown: the live cluster, or the recording replayed to its end (a new
 * reference; NULL without a class). */
ConclaveCluster *conclave_session_dup_whole_cluster (ConclaveSession *self);
/* Live and showing the present (not scrubbed back, not a recording). */
gboolean         conclave_session_is_following     (ConclaveSession *self);
/* The moment the views show as "now": the present (the monotonic clock)
 * while following, else the scrubber's time. */
gint64           conclave_session_get_now_ns       (ConclaveSession *self);
/* The times one can scrub between (live: up to the present); FALSE:
 * nothing recorded yet. */
gboolean         conclave_session_get_time_range   (ConclaveSession *self,
                                                    gint64          *start_ns,
                                                    gint64          *end_ns);
/* Shows the state at time_ns: every event up to it, nothing after. Live,
 * the processes go on meanwhile; a time at or past the present follows it. */
void             conclave_session_seek             (ConclaveSession *self,
                                                    gint64           time_ns);
/* Live: back to the present. */
void             conclave_session_follow           (ConclaveSession *self);

typedef enum {
  CONCLAVE_MOMENT_EVENT,      /* any event */
  CONCLAVE_MOMENT_CRASH,      /* a process ended by a signal */
  CONCLAVE_MOMENT_ELECTION,   /* someone started to lead (forward only) */
  CONCLAVE_MOMENT_VIOLATION,  /* the checker flagged a broken rule */
} ConclaveMoment;
/* Where the scrubber goes to show the next such moment (forward) or to
 * hide the newest one shown (back); FALSE when there is none. */
gboolean         conclave_session_find_moment      (ConclaveSession *self,
                                                    ConclaveMoment   kind,
                                                    gboolean         forward,
                                                    gint64          *time_ns);

G_END_DECLS
