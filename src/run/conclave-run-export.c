/* conclave-run-export.c — the whole run into a file (see the header). */
#include "config.h"

#include "conclave-export.h"
#include "conclave-run-export.h"
#include "conclave-shiviz.h"

#define EXPORT_WIDTH 1600   /* points: a slide's width at a readable size */

gboolean
conclave_run_export_known (const char *path)
{
  return conclave_export_format_for_path (path) != CONCLAVE_EXPORT_NONE;
}

gboolean
conclave_run_export (const ConclaveRunView *view,
                     const char            *path,
                     GError               **error)
{
  g_autoptr(ConclaveTimelinePainter) painter = NULL;
  g_autoptr(ConclaveElectionStory) story = NULL;
  gboolean ok;

  if (conclave_export_format_for_path (path) == CONCLAVE_EXPORT_SHIVIZ)
    {
      if ((ok = conclave_shiviz_write (view->store, view->matcher, path, error)))
        g_print ("ShiViz log written to %s\n", path);
      return ok;
    }
  painter = conclave_timeline_painter_new ();
  if (view->cluster != NULL)
    conclave_timeline_painter_set_cluster (painter, view->cluster);
  else
    conclave_timeline_painter_set_recording (painter, view->store, view->matcher, view->leaders);
  story = conclave_election_story_new (view->store);
  conclave_election_story_update (story);
  painter->story = story;
  painter->show_unheard = TRUE;
  if ((ok = conclave_export_timeline_run (painter, path, EXPORT_WIDTH, error)))
    g_print ("Timeline (%u messages drawn one by one, %u in bars) written to %s\n",
             painter->stats.arrows, painter->stats.binned, path);
  return ok;
}
