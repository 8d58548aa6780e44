// Evaluates the ticket classifier on labelled tickets and prints accuracy, macro-F1, per-category
// precision/recall/F1, the confusion matrix, low-confidence rates and, when there is a `source` column,
// accuracy per source.
//
//   deno task eval:classifier                 # the held-out campus corpus
//   deno task eval:classifier tickets.csv     # a CSV with columns text,label[,source] (or category)

import { CATEGORIES, type Category, isCategory } from "../lib/categories.ts";
import { HELD_OUT_SET } from "../lib/classifier/corpus.ts";
import { parseCsvRecords } from "../lib/classifier/csv.ts";
import { evaluate, type Evaluation } from "../lib/classifier/metrics.ts";
import { type Classification, createClassifier, LOW_CONFIDENCE_THRESHOLD } from "../lib/classifier/mod.ts";
import { parseCommandLine, USAGE_EXIT } from "./args.ts";

/** A labelled ticket to score, with where it came from. */
interface EvalRow {
  text: string;
  label: Category;
  source?: string;
}

/** Reads labelled tickets from CSV text with a `text` column and a `label` or `category` column. */
function rowsFromCsv(csv: string): { rows: EvalRow[]; skipped: number } {
  const records = parseCsvRecords(csv);
  const rows: EvalRow[] = [];
  let skipped = 0;
  for (const record of records) {
    const label = record.label ?? record.category;
    if (record.text === undefined || !isCategory(label)) {
      skipped++;
      continue;
    }
    rows.push({ text: record.text, label, source: record.source });
  }
  return { rows, skipped };
}

/** Classifies every row with a fresh shipped classifier and renders the full report as text. */
function report(rows: readonly EvalRow[], title: string): string {
  const classifier = createClassifier();
  const scored = rows.map((row) => ({ row, result: classifier.classify(row.text) }));
  const overall = evaluate(
    scored.map(({ row, result }) => ({ actual: row.label, predicted: result.category })),
  );

  const lines = [
    title,
    "",
    `accuracy ${fmt(overall.accuracy)}   macro-F1 ${
      fmt(overall.macroF1)
    }   (${overall.correct}/${overall.total})`,
    lowConfidenceLine(scored),
    "",
    ...perClassTable(overall),
    "",
    ...confusionTable(overall),
  ];
  if (rows.some((row) => row.source !== undefined)) lines.push("", ...perSourceTable(scored));
  return lines.join("\n");
}

function lowConfidenceLine(scored: { row: EvalRow; result: Classification }[]): string {
  const flagged = scored.filter(({ result }) => result.lowConfidence);
  const sure = scored.filter(({ result }) => !result.lowConfidence);
  const accuracyOf = (items: typeof scored) =>
    items.length === 0
      ? "-"
      : fmt(items.filter(({ row, result }) => row.label === result.category).length / items.length);
  return `low confidence (< ${LOW_CONFIDENCE_THRESHOLD}): ${
    pct(flagged.length / (scored.length || 1))
  } flagged; ` +
    `accuracy ${accuracyOf(flagged)} when flagged, ${accuracyOf(sure)} otherwise`;
}

function perClassTable(evaluation: Evaluation): string[] {
  const header = `${"category".padEnd(22)}${"precision".padStart(10)}${"recall".padStart(8)}` +
    `${"F1".padStart(8)}${"support".padStart(9)}`;
  return [
    header,
    ...CATEGORIES.map((category) => {
      const m = evaluation.perClass[category];
      return `${category.padEnd(22)}${fmt(m.precision).padStart(10)}${fmt(m.recall).padStart(8)}` +
        `${fmt(m.f1).padStart(8)}${String(m.support).padStart(9)}`;
    }),
  ];
}

function confusionTable(evaluation: Evaluation): string[] {
  const short = CATEGORIES.map((category) => category.split("_")[0]);
  return [
    "confusion matrix (rows: actual, columns: predicted)",
    `${"".padEnd(22)}${short.map((s) => s.padStart(12)).join("")}`,
    ...CATEGORIES.map((category, a) =>
      `${category.padEnd(22)}${evaluation.confusion[a].map((n) => String(n).padStart(12)).join("")}`
    ),
  ];
}

function perSourceTable(scored: { row: EvalRow; result: Classification }[]): string[] {
  const bySource = Map.groupBy(scored, ({ row }) => row.source ?? "(none)");
  const width = Math.max(6, ...[...bySource.keys()].map((source) => source.length)) + 2;
  return [
    `${"source".padEnd(width)}${"n".padStart(5)}${"accuracy".padStart(10)}${"low conf".padStart(10)}  labels`,
    ...[...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([source, items]) => {
      const correct = items.filter(({ row, result }) => row.label === result.category).length;
      const flagged = items.filter(({ result }) => result.lowConfidence).length;
      const labels = [...new Set(items.map(({ row }) => row.label.split("_")[0]))].join(",");
      return `${source.padEnd(width)}${String(items.length).padStart(5)}${
        fmt(correct / items.length).padStart(10)
      }` +
        `${pct(flagged / items.length).padStart(10)}  ${labels}`;
    }),
  ];
}

function fmt(value: number): string {
  return value.toFixed(3);
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

async function main(args: string[]): Promise<number> {
  const commandLine = parseCommandLine(args, {
    usage: "usage: deno task eval:classifier [FILE]   (CSV with columns text,label[,source]; " +
      "the held-out campus corpus without FILE)",
    positionals: { max: 1 },
  });
  if (!commandLine) return USAGE_EXIT;
  const [path] = commandLine.positionals;
  if (path === undefined) {
    const rows = HELD_OUT_SET.map(({ text, category }) => ({ text, label: category }));
    console.log(
      report(rows, `Held-out campus corpus (lib/classifier/corpus/heldout.json), ${rows.length} tickets`),
    );
  } else {
    const { rows, skipped } = rowsFromCsv(await Deno.readTextFile(path));
    if (skipped > 0) console.error(`skipped ${skipped} rows without text or with an unknown label`);
    console.log(report(rows, `${path}, ${rows.length} tickets`));
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
