/**
 * Shows a text with the words a search matched wrapped in `<mark>`. Everything else stays text, which
 * Preact escapes, so a ticket saying `<script>` shows as those characters and never becomes markup.
 */
import { wordsOf } from "../lib/search/normalize.ts";

/** A text with every word that folds to one of `terms` (indexed search terms) marked. */
export function Highlight(props: { text: string; terms: readonly string[] }) {
  const wanted = new Set(props.terms);
  const parts: (string | preact.JSX.Element)[] = [];
  let at = 0;
  for (const word of wordsOf(props.text)) {
    if (!word.terms.some((term) => wanted.has(term))) continue;
    if (word.start > at) parts.push(props.text.slice(at, word.start));
    parts.push(<mark>{props.text.slice(word.start, word.end)}</mark>);
    at = word.end;
  }
  if (at < props.text.length) parts.push(props.text.slice(at));
  return <>{parts}</>;
}

/** Tells whether any word of a text folds to one of `terms`. */
export function mentions(text: string, terms: readonly string[]): boolean {
  const wanted = new Set(terms);
  return wordsOf(text).some((word) => word.terms.some((term) => wanted.has(term)));
}
