/**
 * `deno task start` (main.ts): the web app and the three services come up as separate processes on the
 * configured ports, Ctrl-C stops all of them, and a process that dies stops the rest instead of being
 * restarted silently.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

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

async function isDown(url: string) {
  try {
    const res = await fetch(url);
    await res.body?.cancel();
    return false;
  } catch {
    return true;
  }
}

async function start() {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
  const [web, unclosed, resolution, active] = freePorts(4);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN],
    env: {
      HELPDESK_KV: `${dir}/helpdesk.sqlite3`,
      PORT: String(web),
      HELPDESK_UNCLOSED_PORT: String(unclosed),
      HELPDESK_RESOLUTION_PORT: String(resolution),
      HELPDESK_ACTIVE_PORT: String(active),
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const urls = [
    `http://127.0.0.1:${web}/`,
    `http://127.0.0.1:${unclosed}/health`,
    `http://127.0.0.1:${resolution}/health`,
    `http://127.0.0.1:${active}/health`,
  ];
  for (const url of urls) await waitUntilUp(url);
  return { child, urls, dir };
}

Deno.test("[start] all four processes come up, the dashboard reaches the services, Ctrl-C stops them all", {
  sanitizeResources: false,
}, async () => {
  const { child, urls, dir } = await start();
  const res = await fetch(urls[0] + "dashboard?analysis=active", {
    headers: { cookie: "helpdesk_role=helpdesk" },
  });
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.match(html, /Active tickets per category/);
  assert.doesNotMatch(html, /unavailable/);
  child.kill("SIGINT");
  const status = await child.status;
  assert.equal(status.code, 0);
  for (const url of urls) assert.ok(await isDown(url), `${url} stopped`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test(
  "[start] a service that dies stops everything with a non-zero exit",
  { sanitizeResources: false },
  async () => {
    const { child, urls, dir } = await start();
    // Find the unclosed service's process by its port and kill it from outside.
    const port = new URL(urls[1]).port;
    const ps = await new Deno.Command("sh", {
      args: ["-c", `ps -eo pid,args | grep -- "--port ${port}" | grep -v grep`],
    })
      .output();
    const pid = Number(new TextDecoder().decode(ps.stdout).trim().split(/\s+/)[0]);
    assert.ok(pid > 0, "found the service process");
    Deno.kill(pid, "SIGKILL");
    const status = await child.status;
    assert.notEqual(status.code, 0);
    for (const url of urls) assert.ok(await isDown(url), `${url} stopped`);
    await Deno.remove(dir, { recursive: true });
  },
);
