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
 * Each fine bucket also counts in a coarse one (bucket 0 in coarse 0; buckets 8c−7 … 8c in coarse c, a factor
 * of about 2.1). A percentile reads a month's coarse counters (a dozen or so, however many tickets), finds
 * the coarse bucket holding the rank, then reads exactly that coarse bucket's eight fine counters by key.
 * So the cost per month is nearly the same for 50 tickets as for 50,000: listing every fine bucket instead
 * cost twice as much once the months were full (measured with `deno task bench:analytics`).
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

/** Fine buckets per coarse bucket. */
const FINE_PER_COARSE = 8;

/** The coarse bucket a fine bucket also counts in. */
export function coarseBucketOf(bucket: number): number {
  return bucket === 0 ? 0 : Math.floor((bucket - 1) / FINE_PER_COARSE) + 1;
}

/** The fine buckets of a coarse bucket, in order. */
export function fineBucketsOf(coarse: number): number[] {
  if (coarse === 0) return [0];
  return Array.from({ length: FINE_PER_COARSE }, (_, i) => (coarse - 1) * FINE_PER_COARSE + 1 + i);
}

/** The nearest rank of the `p`-th percentile (whole p, 0 < p ≤ 100) of `total` values: ⌈p·n/100⌉. */
export function percentileRank(total: bigint, p: number): bigint {
  // In integers, so no rounding can move the rank.
  return (BigInt(p) * total + 99n) / 100n;
}

/**
 * The bucket holding the value at 1-based `rank` of a histogram given as [bucket, count] pairs in bucket
 * order, and that value's rank within the bucket; null when the histogram holds fewer values.
 */
export function bucketAtRank(
  histogram: [number, bigint][],
  rank: bigint,
): { bucket: number; rank: bigint } | null {
  let seen = 0n;
  for (const [bucket, count] of histogram) {
    if (seen + count >= rank) return { bucket, rank: rank - seen };
    seen += count;
  }
  return null;
}

/**
 * The nearest-rank `p`-th percentile of a one-level histogram ([bucket, count] pairs in bucket order), as an
 * estimate in ms; null when the histogram is empty.
 * @testHook The histogram tests check the estimate against exact percentiles.
 */
export function percentileMs(histogram: [number, bigint][], p: number): number | null {
  const total = histogram.reduce((sum, [, count]) => sum + count, 0n);
  if (total === 0n) return null;
  const found = bucketAtRank(histogram, percentileRank(total, p));
  return found === null ? null : bucketEstimateMs(found.bucket);
}
