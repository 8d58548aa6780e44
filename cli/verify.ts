/**
 * `deno task verify [--repair]` — recounts every index and counter from the ticket records and prints
 * the differences (exit 1), or "verified N tickets" when there are none. `--repair` rewrites them from
 * the records (also the way to move month counters to a new HELPDESK_TIMEZONE); like every writer of a
 * local KV file, run it while the web app is stopped.
 */
import { loadConfig } from "../lib/config.ts";
import { openStore, TimeZoneMismatchError } from "../lib/data/mod.ts";
import { repairStore } from "../lib/data/repair.ts";
import { type Mismatch, verifyStore } from "../lib/data/verify.ts";
import { parseCommandLine, USAGE_EXIT } from "./args.ts";
import { createProgress } from "./progress.ts";

// Beyond this many lines a diff is no longer read; the count says how much more there is.
const SHOWN = 40;

/**
 * The differences as a readable table: key, expected value, stored value.
 * @testHook The verify tests check the table layout.
 */
export function formatMismatches(mismatches: readonly Mismatch[]): string {
  const rows = mismatches.slice(0, SHOWN).map((m) => [
    JSON.stringify(m.key),
    m.expected ?? "(none)",
    m.actual ?? "(none)",
  ]);
  const all = [["key", "expected", "actual"], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i].length)));
  const lines = all.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  if (mismatches.length > SHOWN) lines.push(`… and ${mismatches.length - SHOWN} more`);
  return lines.join("\n");
}

async function main(args: string[]): Promise<number> {
  const commandLine = parseCommandLine(args, {
    usage: "usage: deno task verify [--repair]",
    options: { repair: { type: "boolean", default: false } },
  });
  if (!commandLine) return USAGE_EXIT;
  const { repair } = commandLine.values;
  const config = loadConfig();
  const progress = createProgress(repair ? "repairing" : "verifying");
  let tickets = 0;
  const onTicket = (n: number) => {
    tickets = n;
    if (n % 1000 === 0) progress.update(0, 0, `${n.toLocaleString("en")} tickets`);
  };
  let db;
  try {
    // Repair may move the month counters to the configured zone, so it opens a store kept in another one.
    db = await openStore(config, { readOnly: !repair, anyTimeZone: repair });
    if (repair) {
      const fixed = await repairStore(db, { onTicket });
      progress.finish();
      if (fixed.length > 0) console.log(`repaired ${fixed.length} keys:\n${formatMismatches(fixed)}`);
    }
    const mismatches = await verifyStore(db, { onTicket });
    progress.finish();
    if (mismatches.length === 0) {
      console.log(`verified ${tickets.toLocaleString("en")} tickets: indexes and counters match`);
      return 0;
    }
    console.log(
      `${mismatches.length} differences between the stored indexes/counters and the records ` +
        `(${tickets.toLocaleString("en")} tickets):\n${formatMismatches(mismatches)}\n` +
        `run "deno task verify --repair" (with the web app stopped) to rewrite them from the records`,
    );
    return 1;
  } catch (error) {
    progress.finish();
    console.error((error as Error).message);
    if (error instanceof TimeZoneMismatchError) {
      console.error(
        `to keep them in ${config.timeZone} from now on, run "deno task verify --repair" with the web app stopped`,
      );
    }
    return 1;
  } finally {
    db?.kv.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
