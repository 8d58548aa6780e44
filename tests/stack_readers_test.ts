/**
 * The real stack (`deno task start`: the web app writes the local KV file, three services read it) with
 * `deno task export` and `deno task verify` run over and over beside 8 clients that file tickets and post
 * messages: the read-only tools must never make one of those writes fail.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const EXPORT = new URL("../cli/export.ts", import.meta.url).pathname;
const VERIFY = new URL("../cli/verify.ts", import.meta.url).pathname;

// The failures this guards against were a few per thousand writes, each met while an export or verify
// process was starting: so the clients write for at least MIN_MS and until MIN_WRITES are done (a loaded
// machine writes slower), with both tools run several times meanwhile, but for at most MAX_MS.
const MIN_MS = 8_000;
const MIN_WRITES = 2_000;
const MAX_MS = 45_000;
const CLIENTS = 8;

function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

async function waitUntilUp(url: string) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** One write that did not succeed: what was asked, and the status and body (or network error) answered. */
interface Failure {
  request: string;
  outcome: string;
}

/** Starts `main.ts` on free ports over a new KV file; resolves once all five processes answer. */
async function startStack() {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_stack_readers_" });
  const [web, unclosed, resolution, active, backlog] = freePorts(5);
  const env = {
    HELPDESK_KV: `${dir}/helpdesk.sqlite3`,
    PORT: String(web),
    HELPDESK_UNCLOSED_PORT: String(unclosed),
    HELPDESK_RESOLUTION_PORT: String(resolution),
    HELPDESK_ACTIVE_PORT: String(active),
    HELPDESK_BACKLOG_PORT: String(backlog),
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN],
    env,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const base = `http://127.0.0.1:${web}`;
  const ports = [unclosed, resolution, active, backlog];
  for (const url of [`${base}/`, ...ports.map((p) => `http://127.0.0.1:${p}/health`)]) await waitUntilUp(url);
  return { child, dir, env, base };
}

/** Tallies writes against the web app: every answer that is not 2xx, and every network error, is a failure. */
function writer(base: string) {
  const failures: Failure[] = [];
  let writes = 0;
  const headers = { "content-type": "application/json", "x-helpdesk-role": "reporter" };
  async function write(path: string, body: unknown): Promise<unknown> {
    writes++;
    const request = `POST ${path}`;
    try {
      const res = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.ok) return JSON.parse(text);
      failures.push({ request, outcome: `${res.status} ${text}` });
    } catch (error) {
      failures.push({ request, outcome: `network error: ${error}` });
    }
    return null;
  }
  return { write, failures, count: () => writes };
}

/** One client until `done()`: a new ticket every fourth write, messages on its own tickets in between. */
async function client(
  write: (path: string, body: unknown) => Promise<unknown>,
  n: number,
  done: () => boolean,
) {
  const ids: string[] = [];
  for (let i = 0; !done(); i++) {
    if (i % 4 === 0 || ids.length === 0) {
      const ticket = await write("/api/v1/tickets", {
        description: `Client ${n}: the printer in room ${i} shows a paper jam`,
      }) as { id: string } | null;
      if (ticket) ids.push(ticket.id);
    } else {
      await write(`/api/v1/tickets/${ids[i % ids.length]}/messages`, { text: `Client ${n}, follow-up ${i}` });
    }
  }
}

/**
 * Runs `deno task export` (or verify) over and over until `done()`, the way a person would beside the app;
 * `tally.runs` counts the finished runs, `tally.problems` says what the runs that crashed printed.
 */
async function readerLoop(
  tool: "export" | "verify",
  env: Record<string, string>,
  dir: string,
  done: () => boolean,
  tally: { runs: number; problems: string[] },
) {
  const args = tool === "export"
    ? ["run", "-A", "--config", CONFIG, EXPORT, `${dir}/export.jsonl`]
    : ["run", "-A", "--config", CONFIG, VERIFY];
  while (!done()) {
    const out = await new Deno.Command(Deno.execPath(), { args, env, stdout: "piped", stderr: "piped" })
      .output();
    tally.runs++;
    // verify may catch a write half-way through its scan and report a difference (exit 1, nothing on
    // stderr); only a crash of a reading tool is worth showing, the assertion is about the writes.
    const stderr = new TextDecoder().decode(out.stderr).trim();
    if (out.code !== 0 && !(tool === "verify" && out.code === 1 && stderr === "")) {
      tally.problems.push(`${tool} exit ${out.code}: ${stderr.slice(0, 400)}`);
    }
  }
}

Deno.test(
  "[stack] export and verify beside 8 writing clients never make a write fail",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    const { child, dir, env, base } = await startStack();
    try {
      const { write, failures, count } = writer(base);
      const exports = { runs: 0, problems: [] as string[] };
      const verifies = { runs: 0, problems: [] as string[] };
      const started = Date.now();
      const done = () => {
        const elapsed = Date.now() - started;
        if (elapsed >= MAX_MS) return true;
        return elapsed >= MIN_MS && count() >= MIN_WRITES && exports.runs >= 3 && verifies.runs >= 3;
      };
      await Promise.all([
        readerLoop("export", env, dir, done, exports),
        readerLoop("verify", env, dir, done, verifies),
        ...Array.from({ length: CLIENTS }, (_, n) => client(write, n, done)),
      ]);
      const writes = count();
      console.log(
        `${writes} writes in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} failed; ` +
          `export ran ${exports.runs}×, verify ${verifies.runs}×`,
      );
      for (const f of failures.slice(0, 20)) console.log(`  ${f.request} → ${f.outcome}`);
      if (failures.length > 20) console.log(`  … and ${failures.length - 20} more`);
      for (const p of [...exports.problems, ...verifies.problems].slice(0, 5)) console.log(`  reader: ${p}`);
      assert.ok(exports.runs > 0 && verifies.runs > 0, "the reading tools ran beside the writers");
      assert.ok(writes > 0, "the clients wrote");
      assert.equal(failures.length, 0, `${failures.length} of ${writes} writes failed`);
    } finally {
      child.kill("SIGINT");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
);
