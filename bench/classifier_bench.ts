// Times the ticket classifier: training (counting the shipped corpus), creating a classifier (empty, and
// replaying 1,000 / 10,000 stored corrections as a start-up does), classifying one ticket, and learning one
// correction, new or replacing a ticket's earlier one. Prints medians over many runs as a small table.
//
//   deno task bench:classifier

import { HELD_OUT_SET, TRAINING_SET } from "../lib/classifier/corpus.ts";
import { CATEGORIES } from "../lib/categories.ts";
import { type Correction, countCorpus, createClassifier } from "../lib/classifier/mod.ts";

/** Median, 95th percentile and maximum of a list of timings. */
export interface Timing {
  median: number;
  p95: number;
  max: number;
}

/** Summarises raw timings (any unit) into median, p95 and max. */
export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

// Runs `fn` once per item per round and returns per-call times in microseconds. Items are timed in batches
// of one round because performance.now() is coarse (often 5–100 µs) next to a single classification.
function timePerCall<T>(items: readonly T[], rounds: number, fn: (item: T) => unknown): number[] {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const start = performance.now();
      for (let repeat = 0; repeat < 20; repeat++) fn(item);
      samples.push(((performance.now() - start) * 1000) / 20);
    }
  }
  return samples;
}

function row(name: string, unit: string, timing: Timing, note = ""): string {
  const f = (n: number) => n.toFixed(1).padStart(10);
  return `${name.padEnd(30)}${f(timing.median)}${f(timing.p95)}${f(timing.max)}  ${unit.padEnd(4)}${note}`;
}

if (import.meta.main) {
  const tickets = [...HELD_OUT_SET, ...TRAINING_SET].map((row) => row.text);

  // The first classifier of a process counts the shipped corpus with nothing compiled yet: the cold start.
  const coldStart = performance.now();
  const classifier = createClassifier();
  const cold = performance.now() - coldStart;

  // Training: counting the whole shipped corpus, the work done once per process.
  const training = summarise(Array.from({ length: 15 }, () => {
    const start = performance.now();
    countCorpus(TRAINING_SET);
    return performance.now() - start;
  }));

  for (const text of tickets) classifier.classify(text); // warm-up, so the JIT has compiled the hot path

  const creating = summarise(timePerCall([undefined], 200, () => createClassifier()));
  const classifying = summarise(timePerCall(tickets, 5, (text) => classifier.classify(text)));
  const longest = tickets.reduce((a, b) => (b.length > a.length ? b : a));
  const classifyingLongest = summarise(timePerCall([longest], 200, (text) => classifier.classify(text)));
  // Stored corrections as a restart replays them: one per ticket, texts and categories from the corpora.
  const stored = (count: number): Correction[] =>
    Array.from({ length: count }, (_, i) => ({
      ticketId: `T${String(i).padStart(6, "0")}`,
      text: tickets[i % tickets.length],
      category: CATEGORIES[i % CATEGORIES.length],
    }));
  const replay = (count: number) => {
    const corrections = stored(count);
    return summarise(Array.from({ length: 7 }, () => {
      const start = performance.now();
      createClassifier(corrections);
      return performance.now() - start;
    }));
  };
  const replaying1k = replay(1_000);
  const replaying10k = replay(10_000);

  const learner = createClassifier(stored(10_000));
  let next = 0;
  const learningNew = summarise(timePerCall(tickets.slice(0, 200), 1, (text) => {
    learner.learn({ ticketId: `N${next++}`, text, category: "technical_it" });
  }));
  // Toggling one ticket's category: each call takes the old correction back and counts the new one.
  let toggle = 0;
  const learningReplace = summarise(timePerCall(tickets.slice(0, 200), 1, (text) => {
    learner.learn({ ticketId: "T000000", text, category: CATEGORIES[toggle++ % CATEGORIES.length] });
  }));
  // The first classification after a correction: nothing is rebuilt lazily, so it costs what any does.
  const classifyingAfterLearn = summarise(timePerCall(tickets.slice(0, 200), 1, (text) => {
    learner.learn({ ticketId: "T000001", text, category: CATEGORIES[toggle++ % CATEGORIES.length] });
    learner.classify(text);
  }));

  const averageLength = Math.round(tickets.reduce((sum, text) => sum + text.length, 0) / tickets.length);
  console.log(`${"".padEnd(30)}${"median".padStart(10)}${"p95".padStart(10)}${"max".padStart(10)}`);
  console.log(row("first createClassifier (cold)", "ms", summarise([cold]), "includes training"));
  console.log(row("train on shipped corpus", "ms", training, `${TRAINING_SET.length} tickets`));
  console.log(row("createClassifier()", "µs", creating, "shared counts already built"));
  console.log(
    row("classify, per ticket", "µs", classifying, `${tickets.length} tickets, avg ${averageLength} chars`),
  );
  console.log(row("classify, longest ticket", "µs", classifyingLongest, `${longest.length} chars`));
  console.log(row("createClassifier(1,000)", "ms", replaying1k, "replaying stored corrections"));
  console.log(row("createClassifier(10,000)", "ms", replaying10k, "replaying stored corrections"));
  console.log(row("learn, new ticket", "µs", learningNew, "10,000 corrections held"));
  console.log(row("learn, replacing a correction", "µs", learningReplace, "same ticket, toggled category"));
  console.log(row("learn + classify", "µs", classifyingAfterLearn, "no rebuild after a change"));
}
