/**
 * `deno task seed [--tickets N] [--seed S] [--now ISO] [--force]` — loads a believable campus history of
 * the last 18 months: more tickets on weekdays and in term time, a category-dependent pace (IT in hours,
 * facilities in days, complaints in days to weeks), threads between reporters and staff, and statuses
 * that follow from those times (old tickets closed, recent ones open or active). The same seed and `--now`
 * give the same data. It goes through the importer's checks and writes, so seeded data is valid import data.
 *
 * Like the importer it writes the KV file directly: run it while the web app is stopped, or on another
 * HELPDESK_KV. It refuses a store that already has tickets unless `--force`.
 */
import { ulid } from "ulid";
import { CATEGORIES, type Category } from "../lib/categories.ts";
import { createClassifier } from "../lib/classifier/mod.ts";
import { loadConfig } from "../lib/config.ts";
import { allTickets, type Db, listCorrections, openStore } from "../lib/data/mod.ts";
import { type ImportItem, importTickets } from "../lib/data/import.ts";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../lib/time.ts";
import { parseCommandLine, USAGE_EXIT, usageError } from "./args.ts";
import { createProgress } from "./progress.ts";
import {
  CATEGORY_WEIGHTS,
  CLOSERS,
  HELPDESK_CLOSING,
  HELPDESK_FIRST,
  HELPDESK_UPDATES,
  OPENERS,
  PACE,
  PLACES,
  PROBLEMS,
  REPORTER_FOLLOW_UPS,
  REPORTER_NAMES,
  REPORTER_THANKS,
  STAFF_NAMES,
  STALLED_SHARE,
} from "./seed_data.ts";
import { parseTicketLine, toImportItem } from "./ticket_lines.ts";

/** How far back the seeded history reaches. */
const HISTORY_DAYS = 548;

type Random = () => number;

/** A small, fast, seedable generator (mulberry32): the same seed gives the same history. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** A log-normal draw around `median` (Box–Muller), for waits with a long tail. */
function logNormal(random: Random, median: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * normal);
}

/** A log-normal wait in whole milliseconds. */
function waitMs(random: Random, median: number, sigma: number, unit: number): number {
  return Math.round(logNormal(random, median, sigma) * unit);
}

/** Hour of day (0–23), weekday (0 = Sunday) and month (1–12) of a time on the campus clock. */
function campusClock(timeZone: string) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "numeric",
    weekday: "short",
    month: "numeric",
  });
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return (ms: number) => {
    const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
    return { hour: Number(parts.hour), weekday: days.indexOf(parts.weekday), month: Number(parts.month) };
  };
}

/** How many tickets people open at a moment, relative to a weekday late morning in term time. */
function busyness(clock: ReturnType<typeof campusClock>, ms: number): number {
  const { hour, weekday, month } = clock(ms);
  const byHour = hour < 7 ? 0.05 : hour < 9 ? 0.5 : hour < 17 ? 1 : hour < 21 ? 0.4 : 0.12;
  const byDay = weekday === 0 ? 0.15 : weekday === 6 ? 0.25 : 1;
  // Summer break and the turn of the year are quiet on campus.
  const byMonth = month === 8 ? 0.4 : month === 7 ? 0.6 : month === 12 || month === 1 ? 0.75 : 1;
  return byHour * byDay * byMonth;
}

/** The next moment staff are at work (weekdays 8–18 on the campus clock) at or after `ms`. */
function nextWorkingTime(clock: ReturnType<typeof campusClock>, random: Random, ms: number): number {
  for (let t = ms, i = 0; i < 24 * 7; i++, t += HOUR_MS) {
    const { hour, weekday } = clock(t);
    if (weekday >= 1 && weekday <= 5 && hour >= 8 && hour < 18) {
      return t === ms ? ms : t - (t % HOUR_MS) + Math.floor(random() * 50) * MINUTE_MS;
    }
  }
  return ms;
}

function fill(random: Random, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => pick(random, PLACES[name]));
}

function describe(random: Random, category: Category): string {
  const problem = fill(random, pick(random, PROBLEMS[category]));
  const opener = pick(random, OPENERS);
  // After "Hi, " an ordinary first word goes lower case; "I", "PCs" and "Wi-Fi" keep their capitals.
  const ordinary = /^[A-Z][a-z']+\s/.test(problem);
  let text = opener && ordinary
    ? opener + problem.charAt(0).toLowerCase() + problem.slice(1)
    : opener + problem;
  text += pick(random, CLOSERS);
  // Some people type everything in lower case.
  return random() < 0.15 ? text.toLowerCase() : text;
}

function pickCategory(random: Random): Category {
  let r = random();
  for (const category of CATEGORIES) {
    r -= CATEGORY_WEIGHTS[category];
    if (r < 0) return category;
  }
  return CATEGORIES[0];
}

/** What seeding needs: how many tickets, the seed, the present, the campus zone and the classifier. */
interface SeedOptions {
  tickets: number;
  seed: number;
  now: Date;
  timeZone: string;
  classify: (text: string) => { category: Category; confidence: number };
}

interface DraftMessage {
  at: number;
  role: "reporter" | "helpdesk";
  name: string | null;
  text: string;
}

/**
 * Yields the seeded tickets as export lines (JSON text), oldest first.
 * @testHook The seed tests check that the same seed gives the same lines.
 */
export function* seedLines(options: SeedOptions): Generator<string> {
  const random = seededRandom(options.seed);
  const clock = campusClock(options.timeZone);
  const nowMs = options.now.getTime();
  const startMs = nowMs - HISTORY_DAYS * DAY_MS;
  const openings: number[] = [];
  while (openings.length < options.tickets) {
    const at = startMs + Math.floor(random() * (nowMs - startMs));
    // The campus grows: a third more tickets at the end of the history than at its start.
    const growth = 0.75 + 0.25 * (at - startMs) / (nowMs - startMs);
    if (random() < busyness(clock, at) * growth) openings.push(at);
  }
  openings.sort((a, b) => a - b);

  for (const openedMs of openings) {
    const category = pickCategory(random);
    const pace = PACE[category];
    const description = describe(random, category);
    const reporter = random() < 0.6 ? pick(random, REPORTER_NAMES) : null;
    const staff = pick(random, STAFF_NAMES[category]);
    const startMs = nextWorkingTime(clock, random, openedMs + waitMs(random, pace.startHours, 1, HOUR_MS));
    const stall = random() < STALLED_SHARE ? 6 : 1;
    const resolveMs = Math.max(
      10 * MINUTE_MS,
      stall * waitMs(random, pace.resolveHours, pace.sigma, HOUR_MS),
    );
    const closeMs = nextWorkingTime(clock, random, startMs + resolveMs);
    const status = startMs > nowMs ? "open" : closeMs > nowMs ? "active" : "closed";
    const endMs = status === "closed" ? closeMs : nowMs;

    const drafts: DraftMessage[] = [];
    const say = (at: number, role: DraftMessage["role"], text: string) =>
      drafts.push({ at, role, name: role === "reporter" ? reporter : staff, text: fill(random, text) });
    let chatFrom = status === "open" ? openedMs : startMs;
    if (status !== "open" && random() < 0.85) {
      const first = pick(random, HELPDESK_FIRST[category]);
      say(startMs + Math.floor(random() * 20) * MINUTE_MS, "helpdesk", first.text);
      if (first.answers && random() < 0.8) {
        chatFrom = startMs + Math.floor(random() * 180 + 25) * MINUTE_MS;
        say(chatFrom, "reporter", pick(random, first.answers));
      }
    }
    const chatter = status === "open" ? (random() < 0.25 ? 1 : 0) : Math.floor(random() * 3);
    for (let i = 0; i < chatter && chatFrom < endMs; i++) {
      const at = chatFrom + Math.floor(random() * (endMs - chatFrom));
      say(
        at,
        i % 2 === 0 ? "reporter" : "helpdesk",
        pick(random, i % 2 === 0 ? REPORTER_FOLLOW_UPS : HELPDESK_UPDATES),
      );
    }
    if (status === "closed") {
      if (random() < 0.3) say(closeMs - 30 * MINUTE_MS, "reporter", pick(random, REPORTER_THANKS));
      if (random() < 0.75) say(closeMs - 2 * MINUTE_MS, "helpdesk", pick(random, HELPDESK_CLOSING));
    }
    // Every message falls inside the ticket's life, a millisecond apart at least, in time order.
    drafts.forEach((d) => d.at = Math.min(Math.max(d.at, openedMs + 1), endMs));
    drafts.sort((a, b) => a.at - b.at);
    drafts.forEach((d, i) => {
      if (i > 0 && d.at <= drafts[i - 1].at) d.at = drafts[i - 1].at + 1;
    });
    // Nudging apart can push the last ones past the end; a thread never outlives its ticket.
    const kept = drafts.filter((d) => d.at <= endMs);
    const messages = kept.map((d) => ({
      id: ulid(d.at, random),
      authorRole: d.role,
      authorName: d.name,
      text: d.text,
      createdAt: new Date(d.at).toISOString(),
    }));

    // The classifier files the ticket; staff fixed its guess on tickets they worked on.
    const guess = options.classify(description);
    const right = guess.category === category;
    const categorySource = right || status === "open" ? "auto" : "staff";
    const times = [
      openedMs,
      ...(status === "open" ? [] : [startMs]),
      ...(status === "closed" ? [closeMs] : []),
    ];
    const updatedMs = Math.max(...times, ...kept.map((d) => d.at));
    const iso = (ms: number) => new Date(ms).toISOString();
    const id = ulid(openedMs, random);
    yield JSON.stringify({
      id,
      description,
      category: categorySource === "staff" ? category : guess.category,
      categorySource,
      categoryConfidence: categorySource === "staff" ? null : guess.confidence,
      status,
      openedAt: iso(openedMs),
      activatedAt: status === "open" ? null : iso(startMs),
      closedAt: status === "closed" ? iso(closeMs) : null,
      updatedAt: iso(updatedMs),
      messages: messages.map((m) => ({ ...m, ticketId: id })),
    });
  }
}

/**
 * Seeds `db` and returns how many tickets and messages were written.
 * @testHook The seed tests seed an in-memory store.
 */
export async function seed(
  db: Db,
  options: SeedOptions,
  onProgress?: (done: number) => void,
): Promise<{ tickets: number; messages: number; byStatus: Record<string, number> }> {
  const totals = {
    tickets: 0,
    messages: 0,
    byStatus: { open: 0, active: 0, closed: 0 } as Record<string, number>,
  };
  let batch: ImportItem[] = [];
  const flush = async () => {
    const outcomes = await importTickets(db, batch);
    outcomes.forEach((outcome, i) => {
      if (outcome !== "imported") return;
      totals.tickets++;
      totals.messages += batch[i].messages.length;
      totals.byStatus[batch[i].ticket.status]++;
    });
    batch = [];
    onProgress?.(totals.tickets);
  };
  for (const text of seedLines(options)) {
    // The importer's own checks: seeded data must be data the importer accepts.
    batch.push(toImportItem(parseTicketLine(text, options.now), options.classify));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return totals;
}

const USAGE = "usage: deno task seed [--tickets N] [--seed INTEGER] [--now ISO-TIME] [--force]";

async function main(args: string[]): Promise<number> {
  const commandLine = parseCommandLine(args, {
    usage: USAGE,
    options: {
      tickets: { type: "string", default: "3000" },
      seed: { type: "string" },
      now: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  if (!commandLine) return USAGE_EXIT;
  const { values } = commandLine;
  const tickets = Number(values.tickets);
  const seedValue = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const now = values.now ? new Date(values.now) : new Date();
  if (
    !Number.isInteger(tickets) || tickets < 1 || !Number.isInteger(seedValue) || Number.isNaN(now.getTime())
  ) {
    return usageError(USAGE);
  }
  const config = loadConfig();
  const db = await openStore(config);
  try {
    const first = await allTickets(db).next();
    if (!first.done && !values.force) {
      console.error(
        `${config.kvPath} already has tickets; seeding would mix demo data into them. ` +
          `Use --force to add demo tickets anyway, or point HELPDESK_KV at an empty store.`,
      );
      return 1;
    }
    const classifier = createClassifier(await listCorrections(db));
    const progress = createProgress("seeding");
    const started = performance.now();
    const totals = await seed(db, {
      tickets,
      seed: seedValue,
      now,
      timeZone: config.timeZone,
      classify: (text) => classifier.classify(text),
    }, (done) => progress.update(done, tickets, `${done.toLocaleString("en")} tickets`));
    progress.finish();
    const { open, active, closed } = totals.byStatus;
    console.log(
      `seeded ${totals.tickets.toLocaleString("en")} tickets (${
        totals.messages.toLocaleString("en")
      } messages; ` +
        `${open} open, ${active} active, ${closed} closed) over the last 18 months with --seed ${seedValue} ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    db.kv.close();
  }
}

if (import.meta.main) {
  // Expected failures (a store kept in another time zone, an unreadable file) get one clear line, not a trace.
  Deno.exit(
    await main(Deno.args).catch((error) => {
      console.error(`seed: ${error instanceof Error ? error.message : error}`);
      return 1;
    }),
  );
}
