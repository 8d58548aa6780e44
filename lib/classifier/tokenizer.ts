// Turns free-form ticket text into comparable word tokens: people write in any case, with or without
// apostrophes and accents, with URLs and @handles pasted in, so all of that is folded away first.

const URL = /\b(?:https?:\/\/|www\.)\S+/g;
const HANDLE = /@\w+/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
// Apostrophes are dropped rather than split on, so "can't" and the common typo "cant" become one token.
const APOSTROPHES = /['\u2019\u2018`]/g;
const NON_WORD = /[^a-z0-9]+/;

/** Lower-cases text and removes accents, apostrophes, URLs and @handles. */
export function normalize(text: string): string {
  return text
    .replace(URL, " ")
    .replace(HANDLE, " ")
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(APOSTROPHES, "");
}

/** Splits normalised text into its alphanumeric words, in order. */
export function splitWords(normalized: string): string[] {
  return normalized.split(NON_WORD).filter((word) => word.length > 0);
}

/** Reduces a word to a rough stem so that "leaking", "leaks" and "leaked" share one feature. */
export function stem(word: string): string {
  // Deliberately light: a full Porter stemmer merges words that mean different things here
  // ("printer" / "printing" fees), and the character n-grams already cover most spelling variants.
  if (word.length <= 3 || /\d/.test(word)) return word;
  let base = word;
  if (base.endsWith("ies") && base.length > 4) base = base.slice(0, -3) + "y";
  else if (base.endsWith("sses")) base = base.slice(0, -2);
  else if (base.endsWith("s") && !/(?:ss|us|is)$/.test(base)) base = base.slice(0, -1);
  if (base.endsWith("ing") && base.length > 5) base = undouble(base.slice(0, -3));
  else if (base.endsWith("ed") && base.length > 4) base = undouble(base.slice(0, -2));
  return base;
}

// "stopped" → "stopp" → "stop"; keeps "ll"/"ss" ("called", "missed") which are usually part of the root.
function undouble(word: string): string {
  const n = word.length;
  if (n > 2 && word[n - 1] === word[n - 2] && !"lsz".includes(word[n - 1])) return word.slice(0, -1);
  return word;
}
