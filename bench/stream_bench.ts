/**
 * The live ticket stream's costs, for `deno task bench` (bench/app_bench.ts runs them on a web app process):
 *
 * - idle streams: raw TCP clients that send the GET of a long thread's event stream and then never read
 *   (only the 12 bytes of the status line), so back-pressure reaches the server exactly as from a stuck tab;
 * - delivery: a few readers follow one ticket while a pool of posters writes messages through the API, and
 *   every message's event is matched to the 201 of its POST by message id.
 */
import { ulid } from "ulid";
import type { Db } from "../lib/data/db.ts";
import { importTickets } from "../lib/data/import.ts";
import type { Message, TicketRecord } from "../lib/data/types.ts";
import { HOUR_MS, MINUTE_MS } from "../lib/time.ts";

const REPLIES = [
  "Thanks, we have forwarded this to the facilities team and they will come by this afternoon.",
  "It is still not working, I tried again this morning before the lecture.",
  "Could you tell us the exact room number and whether the problem happens every day or only sometimes?",
  "A technician checked it and replaced the part; please let us know if it happens again.",
  "Same here, three of us in the group have the problem since the update last week.",
  "We ordered a replacement, delivery is expected on Thursday. Until then please use room B14.",
];

/**
 * Writes one open ticket with a thread of `count` messages (seq 1…count) in bulk commits; each text is a
 * reply of 80–110 characters, or repeated replies up to `textLength` characters.
 */
export async function seedLongThread(db: Db, count: number, options: { textLength?: number } = {}) {
  const now = Date.now();
  const opened = now - count * MINUTE_MS - HOUR_MS;
  const ticket: TicketRecord = {
    id: ulid(opened),
    description: "The heating in the reading room of the library has been off for a week",
    category: "facility_management",
    categorySource: "auto",
    categoryConfidence: 0.97,
    status: "open",
    openedAt: new Date(opened).toISOString(),
    activatedAt: null,
    closedAt: null,
    updatedAt: new Date(opened + count * MINUTE_MS).toISOString(),
  };
  const messages: Message[] = Array.from({ length: count }, (_, i) => {
    const at = opened + (i + 1) * MINUTE_MS;
    return {
      id: ulid(at),
      ticketId: ticket.id,
      seq: i + 1,
      authorRole: i % 2 ? "helpdesk" : "reporter",
      authorName: i % 2 ? "Dana (helpdesk)" : null,
      internal: false,
      text: textOf(i, options.textLength ?? 0),
      createdAt: new Date(at).toISOString(),
    };
  });
  await importTickets(db, [{ ticket, messages }]);
  // What the stream has to send for the whole thread, as server-sent events.
  const sseBytes = messages.reduce(
    (n, m) =>
      n + new TextEncoder().encode(`event: message\nid: ${m.seq}\ndata: ${JSON.stringify(m)}\n\n`).length,
    0,
  );
  return { id: ticket.id, sseBytes };
}

function textOf(i: number, length: number): string {
  let text = REPLIES[i % REPLIES.length];
  for (let j = i + 1; text.length < length; j++) text += " " + REPLIES[j % REPLIES.length];
  return `${length > 0 ? text.slice(0, length) : text} (#${i + 1})`;
}

/** Resident memory of a process in MB, from /proc. */
export async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/**
 * Writes a module to preload into the web app (`--v8-flags=--expose-gc --preload FILE`) that runs V8's
 * last-resort full collection on SIGUSR2: RSS read right after holds what is live, not a burst's garbage,
 * which V8 otherwise hands back some 20 s later. Returns the file's path.
 */
export async function writeGcHook(dir: string): Promise<string> {
  const path = `${dir}/gc_hook.ts`;
  await Deno.writeTextFile(
    path,
    `Deno.addSignalListener("SIGUSR2", () => (globalThis as unknown as { gc: (o: unknown) => void })` +
      `.gc({ type: "major", execution: "sync", flavor: "last-resort" }));\n`,
  );
  return path;
}

/** RSS in MB of a process started with {@link writeGcHook}'s module, right after a full collection. */
export async function liveRssMb(child: Deno.ChildProcess): Promise<number> {
  child.kill("SIGUSR2");
  await new Promise((r) => setTimeout(r, 500));
  return await rssMb(child.pid);
}

/** An idle stream: its socket and the port it speaks from. */
export interface IdleStream {
  conn: Deno.TcpConn;
  port: number;
}

/**
 * Opens `count` event streams on `path` over raw sockets (`concurrency` connecting at a time), checks that
 * each answers `HTTP/1.1 200` by reading exactly those 12 bytes, and never reads from them again.
 */
export async function openIdleStreams(
  url: string,
  path: string,
  cookie: string,
  count: number,
  concurrency = 25,
): Promise<IdleStream[]> {
  const { hostname, port } = new URL(url);
  const request = new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  const open = async (): Promise<IdleStream> => {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    for (let written = 0; written < request.length;) written += await conn.write(request.subarray(written));
    const status = new Uint8Array(12);
    for (let got = 0; got < status.length;) {
      const n = await conn.read(status.subarray(got));
      if (n === null) throw new Error("the server closed an event stream before answering");
      got += n;
    }
    const line = new TextDecoder().decode(status);
    if (line !== "HTTP/1.1 200") throw new Error(`event stream answered "${line}"`);
    return { conn, port: conn.localAddr.port };
  };
  const streams: IdleStream[] = [];
  for (let i = 0; i < count; i += concurrency) {
    streams.push(...await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, open)));
  }
  return streams;
}

/** A TCP socket of this machine's IPv4 table. */
interface SocketRow {
  /** TCP state: 1 ESTABLISHED, 4 FIN_WAIT1, 5 FIN_WAIT2, 7 CLOSE, 8 CLOSE_WAIT… */
  state: number;
  /** Bytes sent but not yet acknowledged (the peer's window is full: unread by the peer). */
  txQueue: number;
  /** Bytes received and not yet read by the owner. */
  rxQueue: number;
}

/** The IPv4 TCP sockets, keyed `localPort>remotePort`. */
async function sockets(): Promise<Map<string, SocketRow>> {
  const table = new Map<string, SocketRow>();
  for (const line of (await Deno.readTextFile("/proc/net/tcp")).split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const port = (address: string) => parseInt(address.split(":")[1], 16);
    const [tx, rx] = fields[4].split(":").map((hex) => parseInt(hex, 16));
    table.set(`${port(fields[1])}>${port(fields[2])}`, {
      state: parseInt(fields[3], 16),
      txQueue: tx,
      rxQueue: rx,
    });
  }
  return table;
}

/**
 * Where the idle streams' unread events sit: bytes in the kernel per stream (the client's receive queue plus
 * the server's send queue, none of it in the server's RSS), and how many the server still holds open.
 */
export async function idleStreamState(serverPort: number, streams: IdleStream[]) {
  const table = await sockets();
  let kernelBytes = 0;
  let open = 0;
  for (const { port } of streams) {
    const client = table.get(`${port}>${serverPort}`);
    const server = table.get(`${serverPort}>${port}`);
    kernelBytes += (client?.rxQueue ?? 0) + (server?.txQueue ?? 0);
    if (server?.state === 1) open++;
  }
  return { kernelBytesPerStream: kernelBytes / streams.length, serverOpen: open };
}

/**
 * Waits until the server has written all it will to idle streams: their kernel bytes stop growing for a
 * second (at most `maxMs`; growth under 64 bytes a stream is a heartbeat). Returns their state and when the
 * bytes last grew.
 */
export async function waitUntilWritten(serverPort: number, streams: IdleStream[], maxMs = 60_000) {
  const started = performance.now();
  let state = await idleStreamState(serverPort, streams);
  let grewAt = performance.now();
  while (performance.now() - grewAt < 1000 && performance.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await idleStreamState(serverPort, streams);
    if (now.kernelBytesPerStream - state.kernelBytesPerStream >= 64) {
      grewAt = performance.now();
      state = now;
    }
  }
  return { ...state, writtenAt: grewAt, seconds: (grewAt - started) / 1000 };
}

/** Closes idle streams' sockets. */
export function closeIdleStreams(streams: IdleStream[]): void {
  for (const { conn } of streams) {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

/** One message event as a reader got it. */
interface Received {
  id: string;
  seq: number;
  at: number;
}

/**
 * Follows a ticket's event stream with fetch, timestamping each message event when its bytes arrived;
 * `stop()` cancels the body (an aborted signal does not end a pending read of a streaming body).
 */
function follow(url: string, ticketId: string) {
  const received: Received[] = [];
  let caughtUp!: () => void;
  const ready = new Promise<void>((resolve) => caughtUp = resolve);
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let stopped = false;
  const done = (async () => {
    const res = await fetch(`${url}/tickets/${ticketId}/events?after=0`, {
      headers: { cookie: "helpdesk_role=helpdesk", accept: "text/event-stream" },
    });
    if (res.status !== 200) throw new Error(`event stream answered ${res.status}`);
    reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    if (stopped) await reader.cancel();
    let buffer = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "ticket") caughtUp();
        if (event === "message" && data) {
          const message = JSON.parse(data);
          received.push({ id: message.id, seq: message.seq, at });
        }
      }
    }
  })();
  const stop = async () => {
    stopped = true;
    await reader?.cancel();
    await done;
  };
  return { received, ready, stop };
}

/**
 * Commit-to-page delivery: `readers` follow a fresh ticket; `inFlight` posters write `posts` messages
 * through the API; latency = the reader got the event − the POST answered 201 (both on this process's clock).
 */
export async function deliveryLatency(
  url: string,
  options: { posts: number; inFlight: number; readers: number; timeoutMs?: number },
) {
  const headers = { "content-type": "application/json", "x-helpdesk-role": "reporter" };
  const created = await fetch(`${url}/api/v1/tickets`, {
    method: "POST",
    headers,
    body: JSON.stringify({ description: "Projector in lecture hall A12 shows no picture from any laptop" }),
  });
  if (created.status !== 201) throw new Error(`ticket creation answered ${created.status}`);
  const ticketId: string = (await created.json()).id;

  const readers = Array.from({ length: options.readers }, () => follow(url, ticketId));
  await Promise.all(readers.map((r) => r.ready));

  const answered = new Map<string, number>();
  const postLatencies: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: options.inFlight }, async () => {
    while (next < options.posts) {
      const n = ++next;
      const t0 = performance.now();
      const res = await fetch(`${url}/api/v1/tickets/${ticketId}/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ text: `Any news on the projector? (post ${n})` }),
      });
      const at = performance.now();
      if (res.status !== 201) throw new Error(`message post answered ${res.status}`);
      answered.set((await res.json()).id, at);
      postLatencies.push(at - t0);
    }
  }));

  // Every reader should get every message; wait for the last ones, up to a limit.
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  while (readers.some((r) => r.received.length < options.posts) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200)); // anything beyond `posts` would be a duplicate
  await Promise.all(readers.map((r) => r.stop()));

  const latencies: number[] = [];
  let missed = 0, duplicated = 0, outOfOrder = 0, unknown = 0;
  for (const { received } of readers) {
    const ids = new Set<string>();
    let previous = 0;
    for (const { id, seq, at } of received) {
      if (ids.has(id)) duplicated++;
      ids.add(id);
      if (seq !== previous + 1) outOfOrder++;
      previous = seq;
      const sent = answered.get(id);
      if (sent === undefined) unknown++;
      else latencies.push(at - sent);
    }
    for (const id of answered.keys()) if (!ids.has(id)) missed++;
  }
  return {
    latencies,
    postLatencies,
    missed,
    duplicated,
    outOfOrder,
    unknown,
    beforeAnswer: latencies.filter((l) => l < 0).length,
  };
}
