import assert from "node:assert/strict";
import fc from "fast-check";
import { extractFeatures, FEATURE_BUCKETS, type FeatureVector } from "./features.ts";

function norm(vector: FeatureVector): number {
  return Math.sqrt(vector.values.reduce((sum, v) => sum + v * v, 0));
}

function cosine(a: FeatureVector, b: FeatureVector): number {
  const weights = new Map<number, number>();
  a.indices.forEach((index, i) => weights.set(index, a.values[i]));
  return b.indices.reduce((sum, index, i) => sum + (weights.get(index) ?? 0) * b.values[i], 0);
}

Deno.test("[classifier] feature vectors are unit length, with unique in-range buckets", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
    const vector = extractFeatures(text);
    assert.equal(vector.indices.length, vector.values.length);
    assert.equal(new Set(vector.indices).size, vector.indices.length);
    for (const index of vector.indices) assert.ok(index < FEATURE_BUCKETS);
    for (const value of vector.values) assert.ok(Number.isFinite(value) && value > 0);
    if (vector.indices.length > 0) assert.ok(Math.abs(norm(vector) - 1) < 1e-9);
  }));
});

Deno.test("[classifier] feature extraction is deterministic and independent of earlier calls", () => {
  fc.assert(fc.property(fc.string(), fc.string(), (text, other) => {
    const first = extractFeatures(text);
    extractFeatures(other); // must not leave anything behind in the shared scratch buffer
    const second = extractFeatures(text);
    assert.deepEqual([...second.indices], [...first.indices]);
    assert.deepEqual([...second.values], [...first.values]);
  }));
});

Deno.test("[classifier] texts with no words have no features", () => {
  for (const text of ["", "   ", "!!! ???", "@user https://t.co/abc", "the and of"]) {
    assert.equal(extractFeatures(text).indices.length, 0, text);
  }
});

Deno.test("[classifier] a misspelt word still shares character n-grams with the right spelling", () => {
  const right = extractFeatures("elevator");
  assert.ok(cosine(right, extractFeatures("elevater")) > 0.2);
  assert.equal(cosine(right, extractFeatures("printer")), 0);
});
