import assert from "node:assert/strict";
import fc from "fast-check";
import { ulid } from "ulid";
import { type ImportItem, importTickets } from "./import.ts";
import { listMessages } from "./messages.ts";
import { memoryDb } from "./testing.ts";
import { CATEGORIES, type Category } from "../categories.ts";
import { type Message, type Status, STATUSES } from "./types.ts";
import { HOUR_MS } from "../time.ts";
import { verifyStore } from "./verify.ts";

// One- to four-byte characters, a character JSON escapes, and long runs: what makes commits big.
const textArb = fc.string({
  unit: fc.constantFrom("a", "é", "中", "😀", "\u0001", "\n"),
  minLength: 1,
  maxLength: 5000,
});

/** An open ticket opened at one instant, with a thread of these messages (all of that instant). */
function openTicketWith(
  description: string,
  messages: Pick<Message, "authorRole" | "authorName" | "text">[],
): ImportItem {
  const at = "2026-03-01T10:00:00.000Z";
  const id = ulid(Date.parse(at));
  return {
    ticket: {
      id,
      description,
      category: "technical_it",
      categorySource: "staff",
      categoryConfidence: null,
      status: "open",
      openedAt: at,
      activatedAt: null,
      closedAt: null,
      updatedAt: at,
    },
    messages: messages.map((m, i) => ({
      internal: false,
      ...m,
      id: ulid(Date.parse(at)),
      ticketId: id,
      seq: i + 1,
      createdAt: at,
    })),
  };
}

Deno.test("[data] import packs any threads into commits within Deno KV's limits: every ticket and message stored", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ texts: fc.array(textArb, { maxLength: 120 }), description: textArb }), {
        minLength: 1,
        maxLength: 6,
      }),
      async (tickets) => {
        const db = await memoryDb();
        const items = tickets.map(({ texts, description }) =>
          openTicketWith(
            description,
            texts.map((text) => ({ authorRole: "reporter", authorName: null, text })),
          )
        );
        const outcomes = await importTickets(db, items);
        assert.deepEqual(outcomes, items.map(() => "imported"));
        for (const item of items) {
          assert.equal((await listMessages(db, item.ticket.id)).length, item.messages.length);
        }
        assert.deepEqual(await verifyStore(db), []);
        db.kv.close();
      },
    ),
    { numRuns: 6 },
  );
});

Deno.test("[data] import of the biggest possible threads: 300 messages of 5,000 two-byte characters each", async () => {
  const db = await memoryDb();
  const items = ["中", "😀", "\u0001"].map((unit) => {
    const text = unit.repeat(5000 / unit.length);
    const message = { authorRole: "helpdesk" as const, authorName: "x".repeat(80), text };
    return openTicketWith(text, Array.from({ length: 300 }, () => message));
  });
  assert.deepEqual(await importTickets(db, items), ["imported", "imported", "imported"]);
  for (const item of items) assert.equal((await listMessages(db, item.ticket.id)).length, 300);
  db.kv.close();
});

// ---- Order, interruption and races: what the importer's speed rests on ----

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const START = Date.parse("2025-01-01T00:00:00.000Z");

/** A ULID for time `ms` whose random part is `n`, so generated histories are reproducible. */
function idAt(ms: number, n: number): string {
  let suffix = "";
  for (let i = 0; i < 16; i++, n = Math.floor(n / 32)) suffix = BASE32[n % 32] + suffix;
  return ulid(ms).slice(0, 10) + suffix;
}

/** The shape of a generated ticket: when it opened, how far it got, how long each step took, its thread. */
interface Shape {
  hours: number;
  status: Status;
  category: Category;
  waitHours: number;
  messages: number;
}

const ticketArb: fc.Arbitrary<Shape> = fc.record({
  hours: fc.integer({ min: 0, max: 24 * 500 }),
  status: fc.constantFrom(...STATUSES),
  category: fc.constantFrom(...CATEGORIES),
  waitHours: fc.integer({ min: 0, max: 24 * 40 }),
  // Mostly a few messages; now and then a thread too long for one commit.
  messages: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 1, arbitrary: fc.constant(150) },
  ),
});

/** Valid import items from generated shapes, each with its own id. */
function historyOf(shapes: Shape[]): ImportItem[] {
  return shapes.map((shape, n) => {
    const opened = START + shape.hours * HOUR_MS;
    const started = opened + shape.waitHours * HOUR_MS;
    const closed = started + shape.waitHours * HOUR_MS + 1;
    const last = shape.status === "closed" ? closed : shape.status === "active" ? started : opened;
    const id = idAt(opened, n);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      ticket: {
        id,
        description: `ticket ${n}`,
        category: shape.category,
        categorySource: "auto",
        categoryConfidence: 0.5,
        status: shape.status,
        openedAt: iso(opened),
        activatedAt: shape.status === "open" ? null : iso(started),
        closedAt: shape.status === "closed" ? iso(closed) : null,
        updatedAt: iso(last),
      },
      messages: Array.from({ length: shape.messages }, (_, i) => ({
        id: idAt(opened, n * 1000 + i),
        ticketId: id,
        seq: i + 1,
        authorRole: i % 2 ? "helpdesk" as const : "reporter" as const,
        authorName: null,
        // Every third staff message is an internal note, so import and verify meet notes too.
        internal: i % 6 === 5,
        // Long threads carry long messages, so they really span several commits.
        text: (shape.messages > 100 ? "é".repeat(4000) : "Any news?") + i,
        createdAt: iso(opened),
      })),
    };
  });
}

/** Everything the store holds but the change counter (which counts commits), as comparable text. */
async function dump(db: Awaited<ReturnType<typeof memoryDb>>): Promise<string[]> {
  const lines: string[] = [];
  for await (const entry of db.kv.list({ prefix: [] })) {
    if (entry.key[0] === "meta" && entry.key[1] === "ticket_changes") continue;
    const value = entry.value instanceof Deno.KvU64
      ? `u64 ${entry.value.value}`
      : JSON.stringify(entry.value);
    lines.push(`${JSON.stringify(entry.key)} ${value}`);
  }
  return lines;
}

/** A random order of `items`, cut into calls of random sizes. */
const orderArb = (n: number) =>
  fc.record({
    order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    cuts: fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: 4 }),
  });

function callsOf(items: ImportItem[], order: number[], cuts: number[]): ImportItem[][] {
  const shuffled = order.map((i) => items[i]);
  const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, shuffled.length)), shuffled.length])]
    .sort((a, b) => a - b);
  return bounds.slice(1).map((end, i) => shuffled.slice(bounds[i], end));
}

Deno.test("[data] import stores the same whatever the order of the tickets and however they are cut into calls", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(ticketArb, { minLength: 1, maxLength: 40 }).chain((shapes) =>
        fc.tuple(fc.constant(shapes), orderArb(shapes.length))
      ),
      fc.constantFrom("UTC", "America/New_York"),
      async ([shapes, { order, cuts }], timeZone) => {
        const items = historyOf(shapes);
        const sorted = await memoryDb(timeZone);
        await importTickets(sorted, [...items].sort((a, b) => a.ticket.id < b.ticket.id ? -1 : 1));
        const shuffled = await memoryDb(timeZone);
        for (const call of callsOf(items, order, cuts)) {
          // A repeated ticket (the same line twice) is imported once, wherever the copies fall.
          await importTickets(shuffled, [...call, ...call.slice(0, 1)]);
        }
        assert.deepEqual(await dump(shuffled), await dump(sorted));
        assert.deepEqual(await verifyStore(shuffled), []);
        sorted.kv.close();
        shuffled.kv.close();
      },
    ),
    { numRuns: 25 },
  );
});

/** `kv` with its commits failing from the `failFrom`-th on, as a killed process stops committing. */
function stoppingAfter(kv: Deno.Kv, commits: number): Deno.Kv {
  let count = 0;
  return new Proxy(kv, {
    get(target, name) {
      if (name === "atomic") {
        return () => {
          const op = target.atomic();
          if (++count > commits) op.commit = () => Promise.reject(new Error("stopped"));
          return op;
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("[data] an import stopped after any commit leaves counters that agree with the records, and a rerun completes it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(ticketArb, { minLength: 1, maxLength: 400 }),
      fc.nat({ max: 12 }),
      async (shapes, commits) => {
        const items = historyOf(shapes);
        const whole = await memoryDb();
        await importTickets(whole, items);
        const db = await memoryDb();
        const stopped = await importTickets({ ...db, kv: stoppingAfter(db.kv, commits) }, items).then(
          () => false,
          (error) => (error as Error).message === "stopped" || Promise.reject(error),
        );
        // Nothing of the stopped import runs on once it has returned: the store holds still.
        const atStop = await dump(db);
        await new Promise((resolve) => setTimeout(resolve, 10));
        assert.deepEqual(await dump(db), atStop);
        assert.deepEqual(await verifyStore(db), []);
        let storedAtStop = 0;
        for await (const _ of db.kv.list({ prefix: ["tickets"] })) storedAtStop++;
        if (!stopped) assert.equal(storedAtStop, items.length);
        // The rerun writes exactly the tickets the stopped import had not completed.
        const rerun = await importTickets(db, items);
        assert.equal(rerun.filter((o) => o === "imported").length, items.length - storedAtStop);
        assert.deepEqual(await dump(db), await dump(whole));
        assert.deepEqual(await verifyStore(db), []);
        whole.kv.close();
        db.kv.close();
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("[data] import reads which tickets exist by id range, and one by one when the range holds many others", async () => {
  const items = historyOf(Array.from({ length: 900 }, (_, n) => ({
    hours: n,
    status: "closed" as const,
    category: "technical_it" as const,
    waitHours: 1,
    messages: 1,
  })));
  const db = await memoryDb();
  // Every third ticket is stored first: the others lie between them, so each range read of the next
  // import meets many stored tickets that are not its own.
  const first = items.filter((_, i) => i % 3 === 0);
  assert.deepEqual(await importTickets(db, first), first.map(() => "imported"));
  const counts = await dump(db);
  assert.deepEqual(await importTickets(db, first), first.map(() => "exists"));
  assert.deepEqual(await dump(db), counts);
  // A few new ones between many stored ones, and the stored ones again.
  const few = items.filter((_, i) => i % 90 === 1);
  const outcomes = await importTickets(db, [...few, ...first]);
  assert.deepEqual(outcomes, [...few.map(() => "imported"), ...first.map(() => "exists")]);
  const rest = await importTickets(db, items);
  assert.equal(rest.filter((o) => o === "imported").length, items.length - first.length - few.length);
  const whole = await memoryDb();
  await importTickets(whole, items);
  assert.deepEqual(await dump(db), await dump(whole));
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
  whole.kv.close();
});

Deno.test("[data] a ticket another writer stores between the import's read and its commit is left as that writer stored it", async () => {
  const items = historyOf(Array.from({ length: 30 }, (_, n) => ({
    hours: n,
    status: "open" as const,
    category: "technical_it" as const,
    waitHours: 0,
    messages: 2,
  })));
  const db = await memoryDb();
  const theirs: ImportItem = {
    ticket: { ...items[7].ticket, category: "services_complaints", description: "theirs" },
    messages: [],
  };
  let raced = false;
  // The other writer commits right after the import's existence read has run.
  const racingKv = new Proxy(db.kv, {
    get(target, name) {
      if (name === "list") {
        return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) =>
          (async function* () {
            yield* target.list(selector, options);
            if (!raced) {
              raced = true;
              await importTickets(db, [theirs]);
            }
          })();
      }
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const outcomes = await importTickets({ ...db, kv: racingKv }, items);
  assert.ok(raced);
  assert.deepEqual(outcomes, items.map((_, i) => i === 7 ? "exists" : "imported"));
  const stored =
    (await db.kv.get<{ description: string; messageCount: number }>(["tickets", items[7].ticket.id]))
      .value!;
  assert.deepEqual([stored.description, stored.messageCount], ["theirs", 0]);
  assert.equal((await listMessages(db, items[7].ticket.id)).length, 0);
  assert.deepEqual(await verifyStore(db), []);
  db.kv.close();
});
