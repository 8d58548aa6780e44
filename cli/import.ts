/**
 * `deno task import FILE` — loads tickets with their messages from JSON lines (the format of
 * `deno task export`), keeping their historical times. Bad lines are reported by number and skipped,
 * tickets whose id is already stored are left alone, and the exit code is 1 when any line was bad.
 *
 * It writes the KV file directly, so run it while the web app is stopped, or point HELPDESK_KV at
 * another store: a local KV file has one writer process at a time.
 */
import { createClassifier } from "../lib/classifier/mod.ts";
import type { Category } from "../lib/categories.ts";
import { loadConfig } from "../lib/config.ts";
import { type Db, listCorrections, openStore } from "../lib/data/mod.ts";
import { type ImportItem, importTickets } from "../lib/data/import.ts";
import { parseCommandLine, USAGE_EXIT } from "./args.ts";
import { createProgress } from "./progress.ts";
import { readLines } from "./read_lines.ts";
import { ValidationError } from "../lib/errors.ts";
import { parseTicketLine, toImportItem } from "./ticket_lines.ts";

/** What an import did. */
interface ImportSummary {
  imported: number;
  existing: number;
  messages: number;
  bad: { line: number; reason: string }[];
}

/** How to import: the clock that bounds "no time in the future", the classifier, and progress hooks. */
interface ImportOptions {
  now?: Date;
  /** Picks a category for lines without one; by default the app's classifier, built on first need. */
  classify?: (text: string) => { category: Category; confidence: number };
  /** Tickets handed to the store per call (it packs them into commits itself). */
  batchSize?: number;
  /** Called for every bad line, as soon as it is found. */
  onBadLine?: (line: number, reason: string) => void;
  /** Called after every batch with the running totals. */
  onBatch?: (summary: ImportSummary) => void;
}

/**
 * Imports every line of `lines` into `db`; see the module comment for the rules.
 * @testHook The import tests feed lines without a file and read the summary.
 */
export async function importLines(
  db: Db,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 1000;
  let classify = options.classify;
  const summary: ImportSummary = { imported: 0, existing: 0, messages: 0, bad: [] };
  let batch: ImportItem[] = [];
  // One batch is written while the next is parsed; the store sees one import call at a time.
  let writing: Promise<void> = Promise.resolve();

  const flush = async () => {
    const items = batch;
    batch = [];
    await writing;
    writing = importTickets(db, items).then((outcomes) => {
      outcomes.forEach((outcome, i) => {
        if (outcome === "imported") {
          summary.imported++;
          summary.messages += items[i].messages.length;
        } else summary.existing++;
      });
      options.onBatch?.(summary);
    });
  };

  let number = 0;
  for await (const text of lines) {
    number++;
    if (text.trim() === "") continue;
    try {
      const line = parseTicketLine(text, now);
      if (!line.category && !classify) classify = await appClassifier(db);
      batch.push(toImportItem(line, classify!));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      summary.bad.push({ line: number, reason: error.message });
      options.onBadLine?.(number, error.message);
      continue;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await writing;
  return summary;
}

/** The classifier the web app would use on this store, corrections by staff included. */
async function appClassifier(db: Db) {
  const classifier = createClassifier(await listCorrections(db));
  return (text: string) => classifier.classify(text);
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * One line saying what an import did.
 * @testHook The import tests check the wording of the summary line.
 */
export function describeSummary(s: ImportSummary, seconds: number): string {
  return `imported ${plural(s.imported, "ticket")} (${plural(s.messages, "message")}), ` +
    `skipped ${s.existing.toLocaleString("en")} already stored, ${plural(s.bad.length, "bad line")} ` +
    `in ${seconds.toFixed(1)} s`;
}

async function main(args: string[]): Promise<number> {
  const commandLine = parseCommandLine(args, {
    usage: "usage: deno task import FILE   (JSON lines, as written by deno task export)",
    positionals: { min: 1, max: 1 },
  });
  if (!commandLine) return USAGE_EXIT;
  const [path] = commandLine.positionals;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    console.error(`cannot read ${path}: ${(error as Error).message}`);
    return 2;
  }
  const size = (await file.stat()).size;
  const config = loadConfig();
  const db = await openStore(config);
  const progress = createProgress("importing");
  let bytes = 0;
  const started = performance.now();
  const summary = await importLines(db, readLines(file.readable, (n) => bytes = n), {
    onBadLine: (line, reason) => progress.log(`line ${line}: ${reason}`),
    onBatch: (s) => progress.update(bytes, size, `${s.imported.toLocaleString("en")} tickets`),
  });
  progress.finish();
  db.kv.close();
  console.log(describeSummary(summary, (performance.now() - started) / 1000));
  return summary.bad.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  // Expected failures (a store kept in another time zone, an unreadable file) get one clear line, not a trace.
  Deno.exit(
    await main(Deno.args).catch((error) => {
      console.error(`import: ${error instanceof Error ? error.message : error}`);
      return 1;
    }),
  );
}
