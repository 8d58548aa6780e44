/**
 * `deno task export [FILE]` — writes every ticket with its messages as JSON lines (stdout by default), in
 * the format `deno task import` reads: export, import into an empty store and export again gives the
 * same bytes. It only reads, so it may run while the web app is up.
 */
import { loadConfig } from "../lib/config.ts";
import {
  allTickets,
  countByStatusCategory,
  type Db,
  listHistory,
  listMessages,
  openStore,
  type Ticket,
} from "../lib/data/mod.ts";
import { parseCommandLine, USAGE_EXIT } from "./args.ts";
import { createProgress } from "./progress.ts";
import { exportLine } from "../lib/wire.ts";

// Threads are read this many tickets ahead, so the reads overlap instead of waiting one by one.
const READ_AHEAD = 64;

/**
 * Yields one export line per ticket, in id order.
 * @testHook The export tests compare these lines without a file in between.
 */
export async function* exportLines(db: Db): AsyncGenerator<string> {
  const queue: Promise<string>[] = [];
  // Only the messages the record read counts: one committed after it belongs to a later state of the
  // ticket (with a later updatedAt), so every line is one consistent state even while the app writes.
  const line = async (ticket: Ticket) =>
    exportLine(
      ticket,
      await listMessages(db, ticket.id, { throughSeq: ticket.messageCount }),
      // Only a ticket with a history costs a read for it; like the thread, only the entries its record counts.
      ticket.historyCount > 0 ? await listHistory(db, ticket.id, ticket.historyCount) : [],
    );
  for await (const ticket of allTickets(db)) {
    queue.push(line(ticket));
    if (queue.length >= READ_AHEAD) yield await queue.shift()!;
  }
  while (queue.length > 0) yield await queue.shift()!;
}

/** Writes every export line to `out`, buffered; returns how many tickets were written. */
async function writeExport(db: Db, out: WritableStream<Uint8Array>, onLine?: (n: number) => void) {
  const writer = out.getWriter();
  const encoder = new TextEncoder();
  let buffer = "";
  let count = 0;
  for await (const line of exportLines(db)) {
    buffer += line + "\n";
    onLine?.(++count);
    if (buffer.length >= 1 << 16) {
      await writer.write(encoder.encode(buffer));
      buffer = "";
    }
  }
  if (buffer) await writer.write(encoder.encode(buffer));
  await writer.close();
  return count;
}

async function main(args: string[]): Promise<number> {
  const commandLine = parseCommandLine(args, {
    usage: "usage: deno task export [FILE]   (JSON lines; standard output without FILE)",
    positionals: { max: 1 },
  });
  if (!commandLine) return USAGE_EXIT;
  const [path] = commandLine.positionals;
  const config = loadConfig();
  const db = await openStore(config, { readOnly: true });
  const out = path
    ? (await Deno.open(path, { write: true, create: true, truncate: true })).writable
    : Deno.stdout.writable;
  // The status counters add up to the number of tickets, which gives the bar its end without a scan.
  const counts = await countByStatusCategory(db);
  const total = Object.values(counts).flatMap((byCategory) => Object.values(byCategory))
    .reduce((a, b) => a + b, 0);
  const progress = createProgress("exporting");
  const started = performance.now();
  const count = await writeExport(db, out, (n) => {
    if (n % 500 === 0) progress.update(n, total, `${n.toLocaleString("en")} tickets`);
  });
  progress.finish();
  db.kv.close();
  console.error(
    `exported ${count.toLocaleString("en")} tickets in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  return 0;
}

if (import.meta.main) {
  // Expected failures (a store kept in another time zone, an unreadable file) get one clear line, not a trace.
  Deno.exit(
    await main(Deno.args).catch((error) => {
      console.error(`export: ${error instanceof Error ? error.message : error}`);
      return 1;
    }),
  );
}
