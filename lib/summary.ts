/** A ticket's one-line summary for lists and cards; free of imports, so islands bundle it cheaply. */

// List cards and the queue show up to 140 characters; the short lists of similar tickets 120.
const LIST_SUMMARY_MAX = 140;

/** The first line of a description, cut to at most `max` characters (with an ellipsis when cut). */
export function summary(description: string, max = LIST_SUMMARY_MAX): string {
  const line = description.split("\n")[0].trim();
  return line.length > max ? line.slice(0, max - 1).trimEnd() + "…" : line;
}
