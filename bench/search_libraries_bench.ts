/**
 * `deno run -A --v8-flags=--expose-gc bench/search_libraries_bench.ts [--tickets N]`: MiniSearch, FlexSearch and Orama
 * on the same seeded tickets and threads (docs/search.md says which was chosen and why). For each library:
 * index build time and heap, query median and p99 over the search bench's queries, whether a typo and a
 * prefix find the ticket, and whether every word must match. The same folding (lib/search/normalize.ts)
 * feeds all three, so they differ only in how they index and rank.
 */
import { parseArgs } from "node:util";
import MiniSearch from "minisearch";
import FlexSearch from "flexsearch";
import { create, insertMultiple, search as oramaSearch } from "@orama/orama";
import { parseTicketLine, toImportItem } from "../cli/ticket_lines.ts";
import { seedLines } from "../cli/seed.ts";
import { createClassifier } from "../lib/classifier/mod.ts";
import { contentTermsOf, typosAllowed } from "../lib/search/normalize.ts";
import { percentiles } from "./fixtures.ts";
import { QUERIES } from "./search_bench.ts";

const { values } = parseArgs({ args: Deno.args, options: { tickets: { type: "string", default: "20000" } } });
const TICKETS = Number(values.tickets);

interface Doc {
  id: string;
  description: string;
  messages: string;
}

/** Seeded tickets as documents: the description and the thread's texts, folded to content terms. */
function seededDocs(count: number): Doc[] {
  const classifier = createClassifier([]);
  const now = new Date();
  const docs: Doc[] = [];
  const classify = (text: string) => classifier.classify(text);
  for (const line of seedLines({ tickets: count, seed: 10, now, timeZone: "UTC", classify })) {
    const item = toImportItem(parseTicketLine(line, now), classify);
    docs.push({
      id: item.ticket.id,
      description: item.ticket.description,
      messages: item.messages.map((m) => m.text).join("\n"),
    });
  }
  return docs;
}

interface Engine {
  name: string;
  build(docs: Doc[]): Promise<void> | void;
  search(query: string): Promise<string[]> | string[];
  incremental: string;
}

const folded = (text: string) => contentTermsOf(text).join(" ");

function miniSearch(): Engine {
  const index = new MiniSearch<Doc>({ fields: ["description", "messages"], tokenize: contentTermsOf });
  return {
    name: "MiniSearch 7.2.0",
    build: (docs) => index.addAll(docs),
    search: (q) =>
      index.search(folded(q), {
        combineWith: "AND",
        prefix: true,
        fuzzy: (term) => typosAllowed(term),
        tokenize: (s) => s.split(" "),
      }).map((r) => r.id as string),
    incremental: "add, remove, discard (lazy, auto-vacuum), replace",
  };
}

function flexSearch(): Engine {
  // deno-lint-ignore no-explicit-any -- FlexSearch's typings do not describe Document options of 0.8.
  const flex = FlexSearch as any;
  const index = new flex.Document({
    document: { id: "id", index: ["description", "messages"] },
    tokenize: "forward",
    encoder: new flex.Encoder({ normalize: false }),
  });
  return {
    name: "FlexSearch 0.8.212",
    build: (docs) => {
      for (const d of docs) {
        index.add({ ...d, description: folded(d.description), messages: folded(d.messages) });
      }
    },
    search: (q) => index.search(folded(q), { limit: 200_000, merge: true }).map((r: { id: string }) => r.id),
    incremental: "add, update, remove",
  };
}

function orama(): Engine {
  // deno-lint-ignore no-explicit-any -- Orama's inferred schema types are too deep for the checker here.
  let db: any;
  return {
    name: "Orama 3.1.18",
    async build(docs) {
      db = create({
        schema: { description: "string", messages: "string" } as const,
        components: {
          tokenizer: {
            language: "english",
            normalizationCache: new Map(),
            tokenize: (raw: string) => contentTermsOf(raw),
          },
        },
      });
      await insertMultiple(db, docs.map((d) => ({ ...d })), 1000);
    },
    async search(q) {
      const result = await oramaSearch(db, { term: folded(q), tolerance: 1, threshold: 0, limit: 200_000 });
      return result.hits.map((hit: { id: string }) => hit.id);
    },
    incremental: "insert, update, remove",
  };
}

/** A full collection, when V8 offers it (run with --v8-flags=--expose-gc), so heap figures hold only what lives. */
function collectGarbage() {
  (globalThis as { gc?: () => void }).gc?.();
}

const docs = seededDocs(TICKETS);
const messages = docs.reduce((n, d) => n + (d.messages ? d.messages.split("\n").length : 0), 0);
console.log(`${TICKETS.toLocaleString("en")} seeded tickets, ${messages.toLocaleString("en")} messages\n`);
const probe = docs.find((d) => /projector/i.test(d.description))!;
const rows = [[
  "library",
  "build",
  "heap",
  "query median / p99",
  "typo finds it",
  "prefix finds it",
  "AND",
  "updates",
]];
for (const make of [miniSearch, flexSearch, orama]) {
  collectGarbage();
  const heap = Deno.memoryUsage().heapUsed;
  const engine = make();
  const t0 = performance.now();
  await engine.build(docs);
  const buildMs = performance.now() - t0;
  collectGarbage();
  const heapMb = (Deno.memoryUsage().heapUsed - heap) / 2 ** 20;
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of QUERIES) {
      const t1 = performance.now();
      await engine.search(q);
      samples.push(performance.now() - t1);
    }
  }
  const { p50, p99 } = percentiles(samples);
  const typo = (await engine.search("projctor")).includes(probe.id);
  const prefix = (await engine.search("project")).includes(probe.id);
  const both = await engine.search("projector wifi");
  const onlyProjector = await engine.search("projector");
  const and = both.length <= onlyProjector.length ? "yes" : "no (any word)";
  rows.push([
    engine.name,
    `${(buildMs / 1000).toFixed(1)} s`,
    `${heapMb.toFixed(0)} MB`,
    `${p50.toFixed(1)} / ${p99.toFixed(1)} ms`,
    typo ? "yes" : "no",
    prefix ? "yes" : "no",
    and,
    engine.incremental,
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [line(rows[0]), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.slice(1).map(line)].join(
    "\n",
  ),
);
