// Feature extraction: stemmed word unigrams and bigrams plus character n-grams of each word, hashed into a
// fixed number of buckets. Hashing avoids building feature strings on the hot path and keeps the count
// tables flat typed arrays, which is what makes classification take a few microseconds.

import { normalize, splitWords, stem } from "./tokenizer.ts";

/** Tunable knobs of feature extraction (weights > 0); the defaults were picked by cross-validation. */
interface FeatureOptions {
  /** Weight of each word bigram relative to a unigram. */
  bigramWeight: number;
  /** Weight of each character n-gram relative to a unigram. */
  charWeight: number;
  /** Shortest character n-gram, counted with the word-boundary markers. */
  charMin: number;
  /** Longest character n-gram, counted with the word-boundary markers. */
  charMax: number;
}

/** Feature settings used by the shipped classifier. */
const DEFAULT_FEATURE_OPTIONS: Readonly<FeatureOptions> = {
  bigramWeight: 1,
  charWeight: 0.2,
  charMin: 4,
  charMax: 5,
};

/** Number of hash buckets; a power of two well above the corpus vocabulary so collisions stay rare. */
export const FEATURE_BUCKETS = 1 << 18;
const MASK = FEATURE_BUCKETS - 1;

// Different seeds per feature kind keep e.g. the unigram "wifi" and the character 4-gram "wifi" apart.
const SEED_UNIGRAM = 0x811c9dc5;
const SEED_BIGRAM = 0x01000193;
const SEED_CHAR = 0x5bd1e995;
const BOUNDARY = 0x5e; // "^", marks the start and end of a word in character n-grams

// Words that carry no category signal; they are kept out of unigrams and character n-grams but still
// join bigrams with a content word ("is broken", "in the library"); two of them together ("is in") are
// dropped.
const STOPWORDS = new Set(
  ("a an the and or but of to in on at for with by from is are was were be been am it its this that " +
    "these those i me my we our you your he she they them their there here as so if then than too very " +
    "just also still again has have had do does did can could would will should please hi hello dear " +
    "thanks thank").split(" "),
);

/** A sparse feature vector: parallel arrays of bucket indices and weights, L2-normalised. */
export interface FeatureVector {
  readonly indices: Uint32Array;
  readonly values: Float64Array;
}

// Scratch accumulator indexed by bucket, reused by every call: adding a feature is one array write instead
// of a Map lookup. `touched` remembers which buckets to read back and reset. Extraction is synchronous,
// so calls can never interleave.
const scratch = new Float64Array(FEATURE_BUCKETS);
let touched = new Uint32Array(256);
let touchedCount = 0;

function add(bucket: number, weight: number): void {
  if (scratch[bucket] === 0) {
    if (touchedCount === touched.length) {
      const grown = new Uint32Array(touched.length * 2);
      grown.set(touched);
      touched = grown;
    }
    touched[touchedCount++] = bucket;
  }
  scratch[bucket] += weight;
}

/** Extracts the normalised, hashed feature vector of a ticket description. */
export function extractFeatures(
  text: string,
  options: Readonly<FeatureOptions> = DEFAULT_FEATURE_OPTIONS,
): FeatureVector {
  let previous: string | undefined;
  let previousIsStopword = true;
  for (const word of splitWords(normalize(text))) {
    const stemmed = stem(word);
    const isStopword = STOPWORDS.has(word);
    if (!isStopword) {
      add(hashString(SEED_UNIGRAM, stemmed) & MASK, 1);
      if (options.charWeight > 0) addCharGrams(word, options);
    }
    if (previous !== undefined && !(isStopword && previousIsStopword) && options.bigramWeight > 0) {
      add(hashString(hashString(SEED_BIGRAM, previous) ^ 0x20, stemmed) & MASK, options.bigramWeight);
    }
    previous = stemmed;
    previousIsStopword = isStopword;
  }
  return collect();
}

function addCharGrams(word: string, options: Readonly<FeatureOptions>): void {
  // Character n-grams of "^word^" so that a typo ("wifii", "elevater") still shares most grams.
  const length = word.length + 2;
  const codeAt = (i: number) => (i === 0 || i === length - 1 ? BOUNDARY : word.charCodeAt(i - 1));
  for (let start = 0; start + options.charMin <= length; start++) {
    let hash = SEED_CHAR;
    for (let end = start; end < length && end - start < options.charMax; end++) {
      hash = fnvStep(hash, codeAt(end));
      if (end - start + 1 >= options.charMin) add(hash & MASK, options.charWeight);
    }
  }
}

// Reads the accumulated features out of the scratch buffer (clearing it) as a damped, unit-length vector.
function collect(): FeatureVector {
  const indices = touched.slice(0, touchedCount);
  const values = new Float64Array(touchedCount);
  let sumSquares = 0;
  for (let i = 0; i < touchedCount; i++) {
    // log(1 + tf) damps words repeated in one long ticket (Rennie et al. 2003).
    const damped = Math.log1p(scratch[indices[i]]);
    scratch[indices[i]] = 0;
    values[i] = damped;
    sumSquares += damped * damped;
  }
  touchedCount = 0;
  // Unit length makes short and long tickets contribute comparably and keeps score scales stable,
  // which is what lets one temperature turn scores into calibrated probabilities.
  const norm = Math.sqrt(sumSquares);
  if (norm > 0) { for (let i = 0; i < values.length; i++) values[i] /= norm; }
  return { indices, values };
}

function hashString(seed: number, text: string): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return hash;
}

// One step of 32-bit FNV-1a.
function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193) >>> 0;
}
