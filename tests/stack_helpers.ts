/** The real stack for tests: `main.ts` on a temp store and free ports, plus the CLI tools beside it. */

const ROOT = new URL("..", import.meta.url).pathname;
const CONFIG = `${ROOT}deno.json`;

/** Ports nobody listens on right now. */
export function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** Runs a CLI tool of the project (`cli/NAME.ts`) on a store; resolves with its exit code and output. */
export async function runCli(name: string, args: string[], kvPath: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, `${ROOT}cli/${name}.ts`, ...args],
    cwd: ROOT,
    env: { HELPDESK_KV: kvPath },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Starts `deno task start`'s main.ts on a fresh temp store; `stop()` sends Ctrl-C and waits. */
export async function startStack() {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_stack_" });
  const kvPath = `${dir}/helpdesk.sqlite3`;
  const [web, unclosed, resolution, active, backlog] = freePorts(5);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, `${ROOT}main.ts`],
    env: {
      HELPDESK_KV: kvPath,
      PORT: String(web),
      HELPDESK_UNCLOSED_PORT: String(unclosed),
      HELPDESK_RESOLUTION_PORT: String(resolution),
      HELPDESK_ACTIVE_PORT: String(active),
      HELPDESK_BACKLOG_PORT: String(backlog),
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const base = `http://127.0.0.1:${web}`;
  for (let i = 0;; i++) {
    try {
      const res = await fetch(`${base}/api/v1/openapi.json`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* starting */ }
    if (i > 600) throw new Error("the stack did not come up");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dir,
    kvPath,
    async stop() {
      child.kill("SIGINT");
      await child.status;
    },
  };
}

/** Calls the JSON API of a running stack as a role. */
export async function call(base: string, role: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "x-helpdesk-role": role, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Runs `tasks` with at most `inFlight` of them at a time; resolves with their results in order. */
export async function pool<T>(
  count: number,
  inFlight: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}

/** Reads server-sent events from a stream response, calling `onEvent` for each, until the stream ends. */
export async function readEvents(
  res: Response,
  onEvent: (event: { event: string; id: string | null; data: string }) => boolean | void,
) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(":")) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const id = /^id: (.*)$/m.exec(block)?.[1] ?? null;
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
        if (onEvent({ event, id, data }) === true) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
