/**
 * Log-scale histogram buckets of resolution time (closedAt − openedAt), kept per opening month, from which
 * the median and 90th percentile are estimated without reading a single ticket.
 *
 * Bucket 0 holds durations of exactly 0 ms (estimated as 0, exactly). Bucket i ≥ 1 holds the durations d in
 * whole milliseconds with RATIO^(i−1) ≤ d < RATIO^i, and is estimated by its geometric middle
 * RATIO^(i−½). Any d in the bucket is then within a factor √RATIO of the estimate, so the relative error is at
 * most √RATIO − 1 = √1.1 − 1 ≈ 4.88 % < 5 %. Sub-minute durations need nothing special: the buckets start at
 * 1 ms. Ten years are about 280 buckets; a month only stores those its tickets fall in.
 *
 * The percentile is defined by nearest rank: of n closed tickets sorted by resolution time, the p-th
 * percentile is the one at rank ⌈p/100 · n⌉ (1-based); the median is p = 50 (the lower middle for even n).
 */

/** Ratio between one bucket's bounds: √1.1 − 1 ≈ 4.88 % bounds the estimate's relative error. */
const RATIO = 1.1;
const LOG_RATIO = Math.log(RATIO);

/** The histogram bucket of a resolution time in milliseconds (a negative time counts as 0). */
export function histogramBucketOf(durationMs: number): number {
  if (durationMs < 1) return 0;
  // The floor of log_RATIO(d), then nudged so floating point never puts d on the wrong side of a bound.
  let i = Math.floor(Math.log(durationMs) / LOG_RATIO);
  while (i > 0 && RATIO ** i > durationMs) i--;
  while (RATIO ** (i + 1) <= durationMs) i++;
  return i + 1;
}

/**
 * The estimate of every duration in a bucket: 0 for bucket 0, else the bucket's geometric middle in ms.
 * @testHook Tests compute the exact estimate a known duration gets.
 */
export function bucketEstimateMs(bucket: number): number {
  return bucket === 0 ? 0 : RATIO ** (bucket - 0.5);
}

/**
 * The nearest-rank `p`-th percentile (0 < p ≤ 100) of a histogram given as [bucket, count] pairs in bucket
 * order, as an estimate in ms; null when the histogram is empty.
 */
export function percentileMs(histogram: [number, bigint][], p: number): number | null {
  const total = histogram.reduce((sum, [, count]) => sum + count, 0n);
  if (total === 0n) return null;
  // ⌈p/100 · n⌉ in integers (p is a whole number here), so no rounding can move the rank.
  const rank = (BigInt(p) * total + 99n) / 100n;
  let seen = 0n;
  for (const [bucket, count] of histogram) {
    seen += count;
    if (seen >= rank) return bucketEstimateMs(bucket);
  }
  return bucketEstimateMs(histogram[histogram.length - 1][0]);
}
