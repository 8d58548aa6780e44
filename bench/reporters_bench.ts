/**
 * Parts `mine` and `history` of `deno task bench`: the throughput of a reporter's My tickets (page and API)
 * and of a ticket's history (API, and the ticket page that shows it) on a store of --tickets tickets, where
 * 200 reporter keys have filed 10 tickets each, every one with a 12-entry history and 3 staff replies. Both
 * are range reads of one key's (or one ticket's) own keys, so the store's size should not matter; the
 * reporter list page on the same store is the yardstick.
 */
import { openStore } from "../lib/data/mod.ts";
import { addMessage } from "../lib/data/messages.ts";
import { changeTicket, createHelpdesk, fileTicket } from "../lib/helpdesk.ts";
import { hashSecret, newSecret } from "../lib/secrets.ts";
import { fillTickets, progress } from "./fixtures.ts";

const KEYS = 200;
const TICKETS_PER_KEY = 10;
const EDITS = 11;

/** What the part needs from the bench around it: a load loop and a way to start the web app on a store. */
interface BenchTools {
  load: (op: (i: number) => Promise<void>) => Promise<{ perSecond: number; p50: number; p99: number }>;
  startWebApp: (kvPath: string) => Promise<{ url: string; stop: () => Promise<void> }>;
}

/** Fills the store: the bulk tickets, then reporters who file, edit and get replies through the rules. */
async function fill(kvPath: string, tickets: number) {
  const db = await openStore({ kvPath });
  await fillTickets(db, tickets, Date.now(), progress("filling the reporters store", tickets));
  const h = await createHelpdesk(db);
  const keys: string[] = [];
  const ids: string[] = [];
  const report = progress("reporters filing", KEYS);
  for (let k = 0; k < KEYS; k++) {
    const key = newSecret();
    keys.push(key);
    const reporter = {
      role: "reporter" as const,
      reporterKeyHash: await hashSecret(key),
      name: `Reporter ${k}`,
    };
    const staff = { role: "helpdesk" as const, reporterKeyHash: null, name: "Sam" };
    for (let n = 0; n < TICKETS_PER_KEY; n++) {
      const t = await fileTicket(
        h,
        { description: `The printer in room ${k}-${n} jams on every page` },
        reporter,
      );
      ids.push(t.id);
      for (let e = 0; e < EDITS; e++) {
        const who = e % 2 === 0 ? reporter : staff;
        await changeTicket(h, who, t.id, { saw: {} }, {
          description: `The printer in room ${k}-${n} jams on every page (edit ${e + 1}, more details)`,
        });
      }
      for (let m = 0; m < 3; m++) {
        await addMessage(db, t.id, {
          authorRole: "helpdesk",
          authorName: "Sam",
          text: "We are on it.",
          createdAt: new Date(),
        });
      }
    }
    report(k + 1);
  }
  db.kv.close();
  return { keys, ids };
}

/** The rows of the mine and history parts. */
export async function reporterRows(
  work: string,
  options: { tickets: number; parts: string[] },
  tools: BenchTools,
): Promise<string[][]> {
  const kvPath = `${work}/reporters.sqlite3`;
  const { keys, ids } = await fill(kvPath, options.tickets);
  const web = await tools.startWebApp(kvPath);
  const rows: string[][] = [];
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const get = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(web.url + path, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  };
  const cookie = (i: number) => ({
    cookie: `helpdesk_role=reporter; helpdesk_reporter=${keys[i % keys.length]}`,
  });
  const apiKey = (i: number) => ({
    "x-helpdesk-role": "reporter",
    "x-helpdesk-reporter-key": keys[i % keys.length],
  });
  try {
    const list = await tools.load(async () => await get("/tickets", { cookie: "helpdesk_role=reporter" }));
    const label = `${options.tickets.toLocaleString("en")} tickets`;
    const measured: [string, Awaited<ReturnType<BenchTools["load"]>>][] = [];
    if (options.parts.includes("mine")) {
      measured.push([
        `My tickets page (${label}, 10 of them the key's, 3 unread replies each)`,
        await tools.load((i) => get("/tickets?mine=1", cookie(i))),
      ]);
      measured.push([
        `My tickets API, mine=true (${label})`,
        await tools.load((i) => get("/api/v1/tickets?mine=true", apiKey(i))),
      ]);
    }
    if (options.parts.includes("history")) {
      measured.push([
        `history API, 12 entries (${label})`,
        await tools.load((i) =>
          get(`/api/v1/tickets/${ids[i % ids.length]}/history`, { "x-helpdesk-role": "helpdesk" })
        ),
      ]);
      const ownerOf = (i: number) => cookie(Math.floor((i % ids.length) / TICKETS_PER_KEY));
      const page = (i: number) => get(`/tickets/${ids[i % ids.length]}`, ownerOf(i));
      // A reporter's first look writes (the seen mark, the private link's hash); later looks only read.
      measured.push([
        `ticket page with a 12-entry history, its reporter's first look (${label})`,
        await tools.load(page),
      ]);
      for (let i = 0; i < ids.length; i++) await page(i);
      measured.push([
        `ticket page with a 12-entry history, its reporter's later looks (${label})`,
        await tools.load(page),
      ]);
    }
    for (const [name, r] of measured) {
      rows.push([
        `${name} ÷ reporter list page`,
        `${fmt(r.perSecond)} / ${fmt(list.perSecond)} per s; p50 ${fmt(r.p50, 2)} ms, p99 ${
          fmt(r.p99, 2)
        } ms`,
        fmt(r.perSecond / list.perSecond, 2),
        "report",
      ]);
    }
  } finally {
    await web.stop();
  }
  return rows;
}
