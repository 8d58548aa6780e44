/**
 * How text becomes search terms, the same way for what is indexed and what is asked: Unicode compatibility
 * forms folded (NFKC: "ﬁ" → "fi", full-width → ASCII), accents stripped ("Café" → "cafe"), case folded, and
 * words split at anything that is neither a letter nor a digit. Free of imports, so the highlighter and the
 * index can never disagree about what a word is.
 */

// Letters with their combining marks, and digits: what a word is made of before folding.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Folds one piece of text: NFKC, accents stripped, lower case (the case fold the index and queries share). */
function foldText(text: string): string {
  return text.normalize("NFKC").normalize("NFD").replace(MARKS, "").toLowerCase().normalize("NFC");
}

/** The search terms of a text, in order, repeats kept (term frequencies count them). */
export function termsOf(text: string): string[] {
  return foldText(text).split(SEPARATORS).filter((term) => term.length > 0);
}

/** A word of the original text with where it stands, for highlighting it in place. */
interface WordSpan {
  start: number;
  end: number;
  terms: string[];
}

/** The words of a text as written, each with the terms it folds to (usually one). */
export function wordsOf(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    const terms = termsOf(match[0]);
    if (terms.length > 0) spans.push({ start: match.index, end: match.index + match[0].length, terms });
  }
  return spans;
}

/**
 * How many edits a query term may be away from an indexed word and still match: none up to four letters
 * (one edit turns "cold" into "could" or "hall" into "all", words of nearly every thread), one from five,
 * two from nine.
 */
export function typosAllowed(term: string): number {
  return term.length >= 9 ? 2 : term.length >= 5 ? 1 : 0;
}

// Words that say nothing about which problem a text describes, nor which ticket it is: function words, and the
// politeness of nearly every thread ("thanks", "please"). They are not indexed at all: a search for "the door"
// looks for "door", and the index is about half as big and quick to build.
const STOP_WORDS = new Set(
  ("a an and are as at be been but by can could did do does for from had has have he her hi hello help " +
    "helpdesk i if in into is it its me my no not of on or our please so that the their them then there " +
    "these they this to too up us very was we were what when where which who will with would you your " +
    "since again still also just now any some all thanks thank thx ok okay dear regards cheers").split(" "),
);

/** The terms of a text that say something about its problem: what is indexed and searched for. */
export function contentTermsOf(text: string): string[] {
  return termsOf(text).filter((term) => !STOP_WORDS.has(term) && (term.length > 1 || /\d/.test(term)));
}
