import assert from "node:assert/strict";
import { seed, seedLines } from "../cli/seed.ts";
import { parseTicketLine } from "../cli/ticket_lines.ts";
import { CATEGORIES, type Category } from "../lib/categories.ts";
import { allTickets, listMessages } from "../lib/data/mod.ts";
import { verifyStore } from "../lib/data/verify.ts";
import { DAY_MS, HOUR_MS } from "../lib/time.ts";
import { memoryDb } from "./helpers.ts";

const NOW = new Date("2026-03-10T12:00:00.000Z");
// A stand-in classifier that guesses from the text's length: often wrong, so staff corrections appear too.
const classify = (text: string) => ({ category: CATEGORIES[text.length % 3] as Category, confidence: 0.7 });
const options = (seedValue: number, tickets = 400) => ({
  tickets,
  seed: seedValue,
  now: NOW,
  timeZone: "Europe/Berlin",
  classify,
});

Deno.test("[cli] seeding is deterministic for a seed and a present, and different for another seed", () => {
  const a = [...seedLines(options(7, 50))];
  assert.deepEqual([...seedLines(options(7, 50))], a);
  const other = [...seedLines(options(8, 50))];
  assert.notDeepEqual(other.map((l) => JSON.parse(l).description), a.map((l) => JSON.parse(l).description));
  const later = [...seedLines({ ...options(7, 50), now: new Date("2026-04-10T12:00:00.000Z") })];
  assert.notDeepEqual(later, a);
});

Deno.test("[cli] seeded history is valid import data with a believable shape", async () => {
  const db = await memoryDb("Europe/Berlin");
  const totals = await seed(db, options(42, 600));
  assert.equal(totals.tickets, 600);
  assert.deepEqual(await verifyStore(db), []);
  const tickets = [];
  for await (const t of allTickets(db)) tickets.push(t);
  const ageDays = (t: { openedAt: string }) => (NOW.getTime() - Date.parse(t.openedAt)) / DAY_MS;
  // 18 months back, none in the future.
  assert.ok(tickets.every((t) => ageDays(t) >= 0 && ageDays(t) <= 549));
  assert.ok(tickets.some((t) => ageDays(t) > 480));
  // Old tickets are (almost) all closed; recent ones include open and active work.
  const old = tickets.filter((t) => ageDays(t) > 60);
  assert.ok(old.filter((t) => t.status === "closed").length / old.length > 0.97);
  const recent = tickets.filter((t) => ageDays(t) < 3);
  assert.ok(recent.some((t) => t.status !== "closed"));
  for (const category of CATEGORIES) assert.ok(tickets.some((t) => t.category === category), category);
  assert.ok(tickets.some((t) => t.categorySource === "staff"));
  // Resolution takes hours to weeks.
  const hours = tickets.filter((t) => t.closedAt).map((t) =>
    (Date.parse(t.closedAt!) - Date.parse(t.openedAt)) / HOUR_MS
  );
  assert.ok(Math.min(...hours) < 6 && Math.max(...hours) > 24 * 14);
  // Threads alternate between reporter and helpdesk and stay within the ticket's life.
  let messages = 0;
  for (const t of tickets.slice(0, 100)) {
    for (const m of await listMessages(db, t.id)) {
      messages++;
      assert.ok(m.createdAt >= t.openedAt && m.createdAt <= t.updatedAt);
    }
  }
  assert.ok(messages > 50);
  // Descriptions vary.
  assert.ok(new Set(tickets.map((t) => t.description)).size > 500);
  db.kv.close();
});

Deno.test("[cli] every seeded line passes the importer's checks", () => {
  for (const line of seedLines(options(3, 200))) parseTicketLine(line, NOW);
});

Deno.test("[cli] deno task seed refuses a store with tickets unless --force", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_seed_" });
  const root = new URL("..", import.meta.url).pathname;
  const run = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        `${root}deno.json`,
        "cli/seed.ts",
        "--tickets",
        "20",
        "--seed",
        "1",
        ...args,
      ],
      cwd: root,
      env: { HELPDESK_KV: `${dir}/kv.sqlite3` },
    }).output();
  try {
    const first = await run();
    assert.equal(first.code, 0, new TextDecoder().decode(first.stderr));
    assert.match(new TextDecoder().decode(first.stdout), /seeded 20 tickets .* with --seed 1/);
    const second = await run();
    assert.equal(second.code, 1);
    assert.match(new TextDecoder().decode(second.stderr), /already has tickets.*--force/);
    const forced = await run("--force", "--seed", "2");
    assert.equal(forced.code, 0, new TextDecoder().decode(forced.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
