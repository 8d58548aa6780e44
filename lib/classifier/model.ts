// Multinomial naive Bayes over hashed feature vectors. The shipped corpus is counted once into a base table
// that every model shares and only reads; each model layers its own sparse corrections over it, so creating
// a model is cheap and learning in one model never leaks into another. The overlay is counted exactly (see
// FIXED_POINT_SCALE), so a correction can be taken back without a trace.

import { FEATURE_BUCKETS, type FeatureVector } from "./features.ts";

/** Tunable knobs of the naive Bayes model; the defaults were picked by cross-validation on the corpus. */
interface ModelOptions {
  /** Additive (Lidstone) smoothing added to every feature count. */
  smoothing: number;
  /** Softmax temperature that turns log-likelihood scores into calibrated probabilities. */
  temperature: number;
}

/** Model settings used by the shipped classifier. */
const DEFAULT_MODEL_OPTIONS: Readonly<ModelOptions> = {
  smoothing: 0.03,
  temperature: 0.7,
};

/** Feature counts per class, as one flat array indexed `bucket * classCount + class`. */
export class CountTable {
  readonly counts: Float64Array;
  readonly totals: Float64Array;
  #used = 0;

  /** Creates an empty table for the given number of classes. */
  constructor(readonly classCount: number) {
    this.counts = new Float64Array(FEATURE_BUCKETS * classCount);
    this.totals = new Float64Array(classCount);
  }

  /** Number of buckets with any count, the vocabulary size used for smoothing. */
  get used(): number {
    return this.#used;
  }

  /** Adds one document's features to a class. */
  add(vector: FeatureVector, classIndex: number): void {
    for (let i = 0; i < vector.indices.length; i++) {
      const bucket = vector.indices[i];
      if (!this.has(bucket)) this.#used++;
      this.counts[bucket * this.classCount + classIndex] += vector.values[i];
      this.totals[classIndex] += vector.values[i];
    }
  }

  /** Tells whether any class has a count in this bucket. */
  has(bucket: number): boolean {
    const slot = bucket * this.classCount;
    for (let c = 0; c < this.classCount; c++) if (this.counts[slot + c] !== 0) return true;
    return false;
  }
}

// Corrections are counted in fixed point: each contribution `weight × value` is rounded to a whole number of
// 2⁻²⁴ units and the overlay sums those integers. Integer sums below 2⁵³ are exact in a double, so they do
// not depend on the order corrections were added in, and taking a correction back (`unlearn`) subtracts
// exactly what was added, down to an exact zero. With plain float counts, a ticket whose correction is
// replaced many times would keep residuals like 1e-17 (and a "used" bucket that should be gone), so the live
// model would drift away from one rebuilt from the stored corrections. Rebuilding the overlay after every
// change would also be exact, but measured 75–150 ms at 10,000 corrections even with cached feature vectors
// (~250 ms without); this costs one learn.
// 2⁻²⁴ (6e-8) is far below anything that moves a probability visibly (smoothing alone is 0.03), and leaves
// room for 2²⁹ count units per class, about a million corrections even if all were 5,000-character tickets.
const FIXED_POINT_SCALE = 2 ** 24;

// Scratch for a document's fixed-point contributions, reused by every call (learning is synchronous).
let units = new Float64Array(1024);

/** A naive Bayes model over a shared base table plus this model's own weighted corrections. */
export class NaiveBayes {
  readonly #base: CountTable;
  readonly #options: Readonly<ModelOptions>;
  // Sparse overlay: bucket → per-class added counts in fixed-point units, then (in slot classCount) how many
  // learned documents touch the bucket, so the bucket and its share of the vocabulary disappear exactly when
  // the last of them is unlearned. Only buckets touched by corrections appear here.
  readonly #delta = new Map<number, Float64Array>();
  // Per-class sums of the overlay, in fixed-point units.
  readonly #deltaTotals: Float64Array;
  // Base totals plus the overlay, always recomputed from #deltaTotals so they stay exact functions of it.
  readonly #totals: Float64Array;
  // Overlay buckets the base has no count in; they widen the vocabulary used for smoothing.
  #newBuckets = 0;

  /** Creates a model that reads `base` (never writes it) and starts with no corrections. */
  constructor(base: CountTable, options: Readonly<ModelOptions> = DEFAULT_MODEL_OPTIONS) {
    this.#base = base;
    this.#options = options;
    this.#deltaTotals = new Float64Array(base.classCount);
    this.#totals = Float64Array.from(base.totals);
  }

  /** Adds a labelled document to this model only, counted `weight` times; the order of learns never matters. */
  learn(vector: FeatureVector, classIndex: number, weight: number): void {
    const k = this.#base.classCount;
    const total = this.#deltaTotals[classIndex] + this.#toUnits(vector, classIndex, weight);
    // Checked before any count changes: every unit is ≥ 0, so no bucket's count can exceed its class total.
    if (total > Number.MAX_SAFE_INTEGER) throw new RangeError("too many corrections to count exactly");
    for (let i = 0; i < vector.indices.length; i++) {
      const bucket = vector.indices[i];
      let row = this.#delta.get(bucket);
      if (row === undefined) {
        row = new Float64Array(k + 1);
        this.#delta.set(bucket, row);
        if (!this.#base.has(bucket)) this.#newBuckets++;
      }
      row[classIndex] += units[i];
      row[k]++;
    }
    this.#setTotal(classIndex, total);
  }

  /** Takes back a document learned earlier with the same vector, class and weight, leaving no trace. */
  unlearn(vector: FeatureVector, classIndex: number, weight: number): void {
    const k = this.#base.classCount;
    const total = this.#deltaTotals[classIndex] - this.#toUnits(vector, classIndex, weight);
    // Checked before any count changes, so a wrong call leaves the model as it was instead of negative counts.
    for (let i = 0; i < vector.indices.length; i++) {
      const row = this.#delta.get(vector.indices[i]);
      if (row === undefined || row[classIndex] < units[i]) {
        throw new RangeError("unlearn of a document this model never learned");
      }
    }
    for (let i = 0; i < vector.indices.length; i++) {
      const bucket = vector.indices[i];
      const row = this.#delta.get(bucket)!;
      row[classIndex] -= units[i];
      if (--row[k] === 0) {
        this.#delta.delete(bucket);
        if (!this.#base.has(bucket)) this.#newBuckets--;
      }
    }
    this.#setTotal(classIndex, total);
  }

  // Writes a document's contributions in fixed-point units into `units` and returns their sum. One rounding
  // per feature, of a value computed the same way every time, so learn and unlearn of the same document see
  // the same integers.
  #toUnits(vector: FeatureVector, classIndex: number, weight: number): number {
    if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weight must be > 0, got ${weight}`);
    if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < this.#base.classCount)) {
      throw new RangeError(`no class ${classIndex}`);
    }
    const n = vector.indices.length;
    if (units.length < n) units = new Float64Array(Math.max(n, units.length * 2));
    let sum = 0;
    for (let i = 0; i < n; i++) {
      units[i] = Math.round(weight * vector.values[i] * FIXED_POINT_SCALE);
      sum += units[i];
    }
    return sum;
  }

  #setTotal(classIndex: number, units: number): void {
    this.#deltaTotals[classIndex] = units;
    this.#totals[classIndex] = this.#base.totals[classIndex] + units / FIXED_POINT_SCALE;
  }

  /** Probability of each class for a document; uniform when the document has no known features. */
  probabilities(vector: FeatureVector): Float64Array {
    const k = this.#base.classCount;
    const scores = this.#scores(vector);
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[c]);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      scores[c] = Math.exp((scores[c] - max) / this.#options.temperature);
      sum += scores[c];
    }
    for (let c = 0; c < k; c++) scores[c] /= sum;
    return scores;
  }

  // Log-likelihood of the document under each class (uniform priors: the corpus is balanced by design,
  // not by how often each kind of ticket really arrives).
  #scores(vector: FeatureVector): Float64Array {
    const k = this.#base.classCount;
    const { smoothing } = this.#options;
    const counts = this.#base.counts;
    const scores = new Float64Array(k);
    const row = new Float64Array(k);
    let mass = 0;
    for (let i = 0; i < vector.indices.length; i++) {
      const bucket = vector.indices[i];
      const slot = bucket * k;
      const delta = this.#delta.get(bucket);
      let rowTotal = 0;
      for (let c = 0; c < k; c++) {
        // Dividing by a power of two is exact, so the only rounding is the one addition to the base count.
        row[c] = counts[slot + c] + (delta === undefined ? 0 : delta[c] / FIXED_POINT_SCALE);
        rowTotal += row[c];
      }
      // A feature never seen in training says nothing about the class, but would still shift scores
      // through the normalising term below, favouring whichever class has the least text.
      if (rowTotal === 0) continue;
      const x = vector.values[i];
      for (let c = 0; c < k; c++) scores[c] += x * Math.log(row[c] + smoothing);
      mass += x;
    }
    const vocabulary = smoothing * (this.#base.used + this.#newBuckets);
    for (let c = 0; c < k; c++) scores[c] -= mass * Math.log(this.#totals[c] + vocabulary);
    return scores;
  }
}
