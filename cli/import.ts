/**
 * `deno task import FILE` — loads tickets with their messages from JSON lines (the format of
 * `deno task export`), keeping their historical times. Bad lines are reported by number and skipped,
 * tickets whose id is already stored are left alone, and the exit code is 1 when any line was bad.
 *
 * It writes the KV file directly, so run it while the web app is stopped, or point HELPDESK_KV at
 * another store: a local KV file has one writer process at a time.
 *
 * Why the file's order does not matter: the store writes tickets several times faster in id order than in
 * random order (lib/data/import.ts says why), so the tickets are handed to it a window at a time — a whole
 * file of 100,000 tickets with their threads is one window — and it writes each window in id order. Lines
 * are parsed and checked on parser threads while they are read, and a window is written while the next one
 * is read. A stopped import is simply run again: the tickets it stored are found by one range read per 250
 * ids and skipped. Measured in docs/benchmarks.md ("Import").
 */
import { createClassifier } from "../lib/classifier/mod.ts";
import type { Category } from "../lib/categories.ts";
import { loadConfig } from "../lib/config.ts";
import { type Db, listCorrections, openStore } from "../lib/data/mod.ts";
import type { CategoryCorrection } from "../lib/data/types.ts";
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

/** How far an import got: lines read, and of them the ones settled (imported, already stored or bad). */
interface ImportProgress {
  /** True until the last line is read. */
  reading: boolean;
  read: number;
  settled: number;
  imported: number;
}

type Classify = (text: string) => { category: Category; confidence: number };

/** How to import: the clock that bounds "no time in the future", the classifier, and progress hooks. */
interface ImportOptions {
  now?: Date;
  /**
   * Picks a category for lines without one; by default the app's classifier, built on first need. A function
   * cannot go to another thread, so with one every line is parsed on this thread.
   */
  classify?: Classify;
  /**
   * Parser threads: by default one per core (at most 4) once 2,000 lines have been read (the lines of a
   * smaller file take less time to parse than a thread takes to start); 0 parses on this thread.
   */
  parsers?: number;
  /** Most tickets in one window (written in id order, see the module comment), and most line characters. */
  windowTickets?: number;
  windowChars?: number;
  /** Called for every bad line, in the order of the lines. */
  onBadLine?: (line: number, reason: string) => void;
  /** Called after every commit, and every 1,000 lines read. */
  onProgress?: (progress: ImportProgress) => void;
}

// A window stays in memory until it is written, and the next one is read meanwhile: 128 M characters of
// lines are about 110,000 tickets with three messages each (~155 MB once parsed), or 300,000 without.
// Random order costs more the more windows a file needs, since each window's tickets interleave with those
// already stored (1.5× the id-order time at 1,000,000 tickets without messages, docs/benchmarks.md).
const WINDOW_TICKETS = 1_000_000;
const WINDOW_CHARS = 128 * 2 ** 20;
// Lines sent to a parser at a time; each parser thread has up to four such runs waiting.
const CHUNK_LINES = 500;
const CHUNKS_PER_PARSER = 4;
const PARALLEL_FROM_LINES = 2_000;
const MAX_PARSERS = 4;

/** A run of lines for a parser: their numbers and their texts. */
interface LineChunk {
  numbers: number[];
  lines: string[];
}

/** What parsing a run of lines gave: the valid tickets in the run's order, and the bad lines. */
interface ParsedChunk {
  items: ImportItem[];
  bad: { line: number; reason: string }[];
}

/**
 * Imports every line of `lines` into `db`; see the module comment for the rules and the order of work.
 * Of two lines with the same ticket id the first is imported and the second counts as already stored.
 * @testHook The import tests feed lines without a file and read the summary.
 */
export async function importLines(
  db: Db,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  const windowTickets = options.windowTickets ?? WINDOW_TICKETS;
  const windowChars = options.windowChars ?? WINDOW_CHARS;
  const summary: ImportSummary = { imported: 0, existing: 0, messages: 0, bad: [] };
  const parsers = new Parsers(now, options.classify ? [] : await listCorrections(db), options);
  const progress: ImportProgress = { reading: true, read: 0, settled: 0, imported: 0 };
  const report = () => options.onProgress?.(progress);

  // One window is written while the next is read and parsed; the store sees one import call at a time.
  let window: ImportItem[] = [];
  let chars = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = async () => {
    const items = window;
    window = [];
    chars = 0;
    await writing;
    writing = importTickets(db, items, {
      onImported: (tickets) => {
        progress.imported += tickets;
        progress.settled += tickets;
        report();
      },
    }).then((outcomes) => {
      outcomes.forEach((outcome, i) => {
        if (outcome === "imported") {
          summary.imported++;
          summary.messages += items[i].messages.length;
        } else summary.existing++;
      });
      progress.imported = summary.imported;
      progress.settled = summary.imported + summary.existing + summary.bad.length;
      report();
    });
    // A failed write is thrown where it is awaited, not reported as unhandled while the next window is read.
    writing.catch(() => {});
  };

  // Runs of lines being parsed, taken in order, so bad lines are reported in order and of two lines with
  // one id the first is the one imported.
  const parsing: { answer: Promise<ParsedChunk>; chars: number }[] = [];
  const take = async () => {
    const { answer, chars: length } = parsing.shift()!;
    const parsed = await answer;
    for (const bad of parsed.bad) {
      summary.bad.push(bad);
      options.onBadLine?.(bad.line, bad.reason);
    }
    progress.settled += parsed.bad.length;
    for (const item of parsed.items) window.push(item);
    chars += length;
    if (window.length >= windowTickets || chars >= windowChars) await write();
  };

  try {
    let chunk: LineChunk = { numbers: [], lines: [] };
    let chunkChars = 0;
    const send = async () => {
      const parser = parsers.for(progress.read);
      parsing.push({ answer: parser.parse(chunk), chars: chunkChars });
      chunk = { numbers: [], lines: [] };
      chunkChars = 0;
      while (parsing.length >= parser.depth) await take();
    };
    let number = 0;
    for await (const text of lines) {
      number++;
      if (text.trim() === "") continue;
      chunk.numbers.push(number);
      chunk.lines.push(text);
      chunkChars += text.length;
      if (++progress.read % 1000 === 0) report();
      if (chunk.lines.length >= CHUNK_LINES) await send();
    }
    if (chunk.lines.length > 0) await send();
    progress.reading = false;
    while (parsing.length > 0) await take();
    await write();
    await writing;
  } finally {
    parsers.close();
  }
  return summary;
}

/** Parses and checks a run of lines: a line that breaks a rule is a bad line, any other failure is thrown. */
function parseChunk(chunk: LineChunk, now: Date, classifier: () => Classify): ParsedChunk {
  const parsed: ParsedChunk = { items: [], bad: [] };
  chunk.lines.forEach((text, i) => {
    try {
      const line = parseTicketLine(text, now);
      parsed.items.push(toImportItem(line, line.category ? noClassifier : classifier()));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      parsed.bad.push({ line: chunk.numbers[i], reason: error.message });
    }
  });
  return parsed;
}

const noClassifier = (): never => {
  throw new Error("a line with a category needs no classifier");
};

/** Something that parses runs of lines, answering in the order it was asked, with `depth` runs in flight. */
interface Parser {
  depth: number;
  parse(chunk: LineChunk): Promise<ParsedChunk>;
}

/** Parses on this thread or on parser threads, which are started on first need and kept for later windows. */
class Parsers {
  #threads: ParserThreads | null = null;
  #here: Parser;

  constructor(
    readonly now: Date,
    readonly corrections: CategoryCorrection[],
    readonly options: ImportOptions,
  ) {
    let classify = options.classify;
    const classifier = () => classify ??= appClassifier(corrections);
    this.#here = { depth: 1, parse: (chunk) => Promise.resolve(parseChunk(chunk, now, classifier)) };
  }

  /** The parser for the next run of lines, once `read` lines have been read. */
  for(read: number): Parser {
    const { parsers, classify } = this.options;
    const count = classify ? 0 : parsers ??
      (read >= PARALLEL_FROM_LINES ? Math.min(MAX_PARSERS, navigator.hardwareConcurrency) : 0);
    if (count === 0) return this.#here;
    return this.#threads ??= new ParserThreads(count, this.now, this.corrections);
  }

  close() {
    this.#threads?.close();
  }
}

// The name a parser thread is started with: this same module, run as a worker, serves as one.
const PARSER_NAME = "helpdesk-import-parser";

/** What a parser thread is sent: the setting-up, then runs of lines. */
type ParserRequest =
  | { kind: "start"; now: string; corrections: CategoryCorrection[] }
  | { kind: "lines"; chunk: LineChunk };

/** What a parser thread answers each run of lines with. */
type ParserAnswer = { ok: true; chunk: ParsedChunk } | { ok: false; error: string };

/** Worker threads that parse runs of lines, taking turns; each answers its runs in the order it got them. */
class ParserThreads implements Parser {
  #threads: { worker: Worker; waiting: PromiseWithResolvers<ParsedChunk>[] }[];
  #next = 0;
  depth: number;

  constructor(count: number, now: Date, corrections: CategoryCorrection[]) {
    this.depth = count * CHUNKS_PER_PARSER;
    this.#threads = Array.from({ length: count }, () => {
      const worker = new Worker(import.meta.url, { type: "module", name: PARSER_NAME });
      const waiting: PromiseWithResolvers<ParsedChunk>[] = [];
      worker.onmessage = (event: MessageEvent<ParserAnswer>) => {
        const answer = event.data;
        const next = waiting.shift()!;
        if (answer.ok) next.resolve(answer.chunk);
        else next.reject(new Error(answer.error));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        for (const next of waiting.splice(0)) {
          next.reject(new Error(`a parser thread failed: ${event.message}`));
        }
      };
      worker.postMessage({ kind: "start", now: now.toISOString(), corrections } satisfies ParserRequest);
      return { worker, waiting };
    });
  }

  parse(chunk: LineChunk): Promise<ParsedChunk> {
    const thread = this.#threads[this.#next++ % this.#threads.length];
    const answer = Promise.withResolvers<ParsedChunk>();
    // Marked as handled: a failure is thrown where the answer is awaited, in order.
    answer.promise.catch(() => {});
    thread.waiting.push(answer);
    thread.worker.postMessage({ kind: "lines", chunk } satisfies ParserRequest);
    return answer.promise;
  }

  close() {
    for (const { worker } of this.#threads) worker.terminate();
  }
}

/** Serves as a parser thread (see ParserThreads). */
function serveAsParser(scope: { onmessage: unknown; postMessage(answer: ParserAnswer): void }) {
  let now = new Date();
  let corrections: CategoryCorrection[] = [];
  let classify: Classify | undefined;
  const classifier = () => classify ??= appClassifier(corrections);
  scope.onmessage = (event: MessageEvent<ParserRequest>) => {
    const request = event.data;
    if (request.kind === "start") {
      now = new Date(request.now);
      corrections = request.corrections;
      return;
    }
    try {
      scope.postMessage({ ok: true, chunk: parseChunk(request.chunk, now, classifier) });
    } catch (error) {
      scope.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** The classifier the web app would use on this store, corrections by staff included. */
function appClassifier(corrections: CategoryCorrection[]) {
  const classifier = createClassifier(corrections);
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
    onProgress: ({ reading, read, settled, imported }) =>
      reading
        ? progress.update(bytes, size, `reading, ${read.toLocaleString("en")} lines`)
        : progress.update(settled, read, `${imported.toLocaleString("en")} tickets imported`),
  });
  progress.finish();
  db.kv.close();
  console.log(describeSummary(summary, (performance.now() - started) / 1000));
  return summary.bad.length > 0 ? 1 : 0;
}

if ("WorkerGlobalScope" in globalThis && (globalThis as { name?: string }).name === PARSER_NAME) {
  serveAsParser(globalThis as unknown as Parameters<typeof serveAsParser>[0]);
} else if (import.meta.main) {
  // Expected failures (a store kept in another time zone, an unreadable file) get one clear line, not a trace.
  Deno.exit(
    await main(Deno.args).catch((error) => {
      console.error(`import: ${error instanceof Error ? error.message : error}`);
      return 1;
    }),
  );
}
