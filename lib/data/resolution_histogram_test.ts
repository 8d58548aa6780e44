import assert from "node:assert/strict";
import fc from "fast-check";
import { bucketEstimateMs, histogramBucketOf, percentileMs } from "./resolution_histogram.ts";

Deno.test("[data] every duration's bucket estimate is within 5 % of it, 0 exactly", () => {
  assert.equal(histogramBucketOf(0), 0);
  assert.equal(bucketEstimateMs(histogramBucketOf(0)), 0);
  assert.equal(histogramBucketOf(-5), 0);
  for (const d of [1, 2, 999, 59_999, 60_000, 3_600_000, 10 * 365 * 86_400_000]) {
    assert.ok(Math.abs(bucketEstimateMs(histogramBucketOf(d)) - d) <= 0.05 * d, `duration ${d}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 * 365 * 86_400_000 }), (d) => {
      const bucket = histogramBucketOf(d);
      assert.ok(Math.abs(bucketEstimateMs(bucket) - d) <= 0.05 * d);
      // Buckets keep the order of durations, so a rank read in bucket order is a rank of durations.
      assert.ok(histogramBucketOf(d + 1) >= bucket);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("[data] the nearest-rank percentile of a histogram is the bucket of the value at that rank", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 90 * 86_400_000 }), { minLength: 1, maxLength: 60 }),
      (ds) => {
        const counts = new Map<number, bigint>();
        for (const d of ds) counts.set(histogramBucketOf(d), (counts.get(histogramBucketOf(d)) ?? 0n) + 1n);
        const histogram = [...counts].sort((a, b) => a[0] - b[0]);
        const sorted = [...ds].sort((a, b) => a - b);
        for (const p of [50, 90]) {
          const exact = sorted[Math.ceil((p * sorted.length) / 100) - 1];
          const estimate = percentileMs(histogram, p)!;
          assert.ok(
            Math.abs(estimate - exact) <= 0.05 * exact,
            `p${p} of ${sorted}: ${estimate} vs ${exact}`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
  assert.equal(percentileMs([], 50), null);
  // Two values: the median by nearest rank is the lower one.
  assert.equal(percentileMs([[0, 1n], [50, 1n]], 50), 0);
});
