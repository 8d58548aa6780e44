// Multinomial naive Bayes over hashed feature vectors. The shipped corpus is counted once into a base table
// that every model shares and only reads; each model layers its own sparse corrections over it, so creating
// a model is cheap and learning in one model never leaks into another.

import { FEATURE_BUCKETS, type FeatureVector } from "./features.ts";

/** Tunable knobs of the naive Bayes model; the defaults were picked by cross-validation on the corpus. */
export interface ModelOptions {
  /** Additive (Lidstone) smoothing added to every feature count. */
  smoothing: number;
  /** Softmax temperature that turns log-likelihood scores into calibrated probabilities. */
  temperature: number;
}

/** Model settings used by the shipped classifier. */
export const DEFAULT_MODEL_OPTIONS: Readonly<ModelOptions> = {
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

/** A naive Bayes model over a shared base table plus this model's own weighted corrections. */
export class NaiveBayes {
  readonly #base: CountTable;
  readonly #options: Readonly<ModelOptions>;
  // Sparse overlay: bucket → per-class added counts. Only buckets touched by corrections appear here.
  readonly #delta = new Map<number, Float64Array>();
  readonly #totals: Float64Array;
  #used: number;

  /** Creates a model that reads `base` (never writes it) and starts with no corrections. */
  constructor(base: CountTable, options: Readonly<ModelOptions> = DEFAULT_MODEL_OPTIONS) {
    this.#base = base;
    this.#options = options;
    this.#totals = Float64Array.from(base.totals);
    this.#used = base.used;
  }

  /** Adds a labelled document to this model only, counted `weight` times. */
  learn(vector: FeatureVector, classIndex: number, weight: number): void {
    const k = this.#base.classCount;
    for (let i = 0; i < vector.indices.length; i++) {
      const bucket = vector.indices[i];
      let delta = this.#delta.get(bucket);
      if (delta === undefined) {
        delta = new Float64Array(k);
        this.#delta.set(bucket, delta);
        if (!this.#base.has(bucket)) this.#used++;
      }
      delta[classIndex] += weight * vector.values[i];
      this.#totals[classIndex] += weight * vector.values[i];
    }
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
        row[c] = counts[slot + c] + (delta === undefined ? 0 : delta[c]);
        rowTotal += row[c];
      }
      // A feature never seen in training says nothing about the class, but would still shift scores
      // through the normalising term below, favouring whichever class has the least text.
      if (rowTotal === 0) continue;
      const x = vector.values[i];
      for (let c = 0; c < k; c++) scores[c] += x * Math.log(row[c] + smoothing);
      mass += x;
    }
    const vocabulary = smoothing * this.#used;
    for (let c = 0; c < k; c++) scores[c] -= mass * Math.log(this.#totals[c] + vocabulary);
    return scores;
  }
}
