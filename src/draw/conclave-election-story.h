/* conclave-election-story.h — an election as the class follows it: the
 * moments that matter, in the order they happened ("s1 crashed",
 * "heartbeat timeout at s3", "s3 candidate, term 2", "s3 elected, term
 * 2"), read from the store's crash and group-state events.
 *
 * A plain model fed with the store's new events; the timeline draws its
 * entries as markers and the cluster view says why a candidate stood. It
 * never draws, and never reads an event twice.
 */
#pragma once

#include "conclave-event-store.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_STORY_CRASHED,     /* a server was crashed */
  CONCLAVE_STORY_TIMEOUT,     /* the first candidate of an election: its timer ran out */
  CONCLAVE_STORY_CANDIDATE,   /* a server stood, with its why */
  CONCLAVE_STORY_ELECTED,     /* a server became leader of a term */
} ConclaveStoryKind;

typedef struct {
  gint64            time_ns;
  guint64           index;    /* the event's, in the store */
  ConclaveStoryKind kind;
  guint32           node;     /* interned name */
  guint32           why;      /* interned, candidates only; 0 if none */
  guint             term;
} ConclaveStoryEntry;

typedef struct _ConclaveElectionStory ConclaveElectionStory;

ConclaveElectionStory    *conclave_election_story_new      (ConclaveEventStore    *store);
void                      conclave_election_story_free     (ConclaveElectionStory *self);
/* Reads the events the story has not seen yet. */
void                      conclave_election_story_update   (ConclaveElectionStory *self);
guint                     conclave_election_story_get_n_entries (ConclaveElectionStory *self);
const ConclaveStoryEntry *conclave_election_story_get_entry (ConclaveElectionStory *self,
                                                             guint                  i);
/* The first entry at or after time_ns (binary search); n_entries if none. */
guint                     conclave_election_story_find     (ConclaveElectionStory *self,
                                                            gint64                 time_ns);
/* The newest candidate entry of `node` (interned) in its current term, or NULL. */
const ConclaveStoryEntry *conclave_election_story_candidacy (ConclaveElectionStory *self,
                                                             const char            *node,
                                                             guint                  term);
/* "s3 candidate, term 2": the marker's words, translated. */
char                     *conclave_election_story_describe (ConclaveElectionStory    *self,
                                                            const ConclaveStoryEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveElectionStory, conclave_election_story_free)

G_END_DECLS
