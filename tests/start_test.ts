/**
 * `deno task start` (main.ts) on the real stack: the web app and the three services come up as separate
 * processes on the configured ports; a killed service is restarted while the web app keeps answering; a
 * service that cannot start is given up on with a clear message and the site stays up; a web app that
 * cannot start stops everything; Ctrl-C stops all of them.
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET; true when it answered 2xx. A generous timeout: the shared test machine can be slow. */
async function answers(url: string, init: RequestInit = {}): Promise<boolean> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntilUp(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return;
    await pause(100);
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000} s`);
}

async function isDown(url: string) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return false;
  } catch {
    return true;
  }
}

/** Pid of the `deno serve --port <port>` process, found by scanning /proc for its command line. */
async function servicePid(port: number): Promise<number> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let args: string[];
    try {
      args = (await Deno.readTextFile(`/proc/${entry.name}/cmdline`)).split("\0");
    } catch {
      continue; // exited while we looked
    }
    const at = args.indexOf("--port");
    if (args.includes("serve") && at >= 0 && args[at + 1] === String(port)) return Number(entry.name);
  }
  throw new Error(`no process serves port ${port}`);
}

/** Asks the web app for `/` every ~100 ms until stopped, counting the requests that did not answer. */
function pollWebApp(url: string) {
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = new Date().toISOString();
      if (await answers(url)) ok++;
      else failures.push(at);
      await pause(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failures };
    },
  };
}

/**
 * Starts main.ts on a temp store and free ports, keeps its stderr (echoed, for a failing test's output),
 * and waits for the processes named in `waitFor` (all four by default) to answer.
 */
async function start(options: { ports?: number[]; waitFor?: number[] } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
  const ports = options.ports ?? freePorts(4);
  const [web, unclosed, resolution, active] = ports;
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
    stderr: "piped",
  }).spawn();
  let log = "";
  const logDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      log += decoder.decode(chunk, { stream: true });
      await Deno.stderr.write(chunk);
    }
  })();
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await logDone;
    return s;
  });
  const urls = [
    `http://127.0.0.1:${web}/`,
    `http://127.0.0.1:${unclosed}/health`,
    `http://127.0.0.1:${resolution}/health`,
    `http://127.0.0.1:${active}/health`,
  ];
  const stack = {
    child,
    urls,
    ports,
    status,
    log: () => log,
    exited: () => exited,
    async waitForLog(pattern: RegExp, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = log.match(pattern);
        if (found) return found;
        await pause(100);
      }
      throw new Error(`stderr did not show ${pattern} within ${timeoutMs / 1000} s`);
    },
    /** Ctrl-C, then checks the exit code is 0 and every port is down. */
    async interrupt() {
      child.kill("SIGINT");
      const { code } = await status;
      assert.equal(code, 0, "Ctrl-C exits 0");
      for (const url of urls) assert.ok(await isDown(url), `${url} stopped`);
    },
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
  for (const i of options.waitFor ?? [0, 1, 2, 3]) await waitUntilUp(urls[i]);
  return stack;
}

const STAFF = { headers: { cookie: "helpdesk_role=helpdesk" } };

async function dashboard(webUrl: string, analysis: string) {
  const res = await fetch(`${webUrl}dashboard?analysis=${analysis}`, {
    ...STAFF,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, html: await res.text() };
}

Deno.test("[start] all four processes come up, the dashboard reaches the services, Ctrl-C stops them all", {
  sanitizeResources: false,
}, async () => {
  const stack = await start();
  const { status, html } = await dashboard(stack.urls[0], "active");
  assert.equal(status, 200);
  assert.match(html, /Active tickets per category/);
  assert.doesNotMatch(html, /unavailable/);
  await stack.interrupt();
  assert.doesNotMatch(stack.log(), /restarting/, "no restarts after Ctrl-C");
  await stack.cleanup();
});

Deno.test(
  "[start] a killed service is restarted within 15 s while the web app answers every request",
  { sanitizeResources: false },
  async () => {
    const stack = await start();
    const [webUrl, unclosedUrl, ...otherUrls] = stack.urls;
    const [, unclosedPort, resolutionPort, activePort] = stack.ports;
    const others = [await servicePid(resolutionPort), await servicePid(activePort)];
    const poller = pollWebApp(webUrl);
    await pause(500);

    const pid = await servicePid(unclosedPort);
    const killedAt = Date.now();
    Deno.kill(pid, "SIGKILL");
    await stack.waitForLog(
      /unclosed tickets service exited \(code 137, killed by SIGKILL\); restarting in 0\.5 s \(restart 1\)/,
      15_000,
    );
    await waitUntilUp(unclosedUrl, 15_000 - (Date.now() - killedAt));
    const backAfterMs = Date.now() - killedAt;
    console.log(`unclosed tickets service answered again ${backAfterMs} ms after SIGKILL`);
    assert.ok(backAfterMs < 15_000);
    assert.notEqual(await servicePid(unclosedPort), pid, "a new process");

    // A little longer with the web app polled, then check nothing else was touched.
    await pause(1_000);
    const { ok, failures } = await poller.stop();
    assert.deepEqual(failures, [], "the web app answered every request");
    assert.ok(ok >= 5, `the web app was polled throughout (${ok} answers)`);
    assert.deepEqual([await servicePid(resolutionPort), await servicePid(activePort)], others);
    for (const url of otherUrls) assert.ok(await answers(url), `${url} still up`);
    assert.equal(stack.log().match(/restarting in/g)?.length, 1, "one restart, one log line");
    assert.doesNotMatch((await dashboard(webUrl, "unclosed")).html, /unavailable/);

    await stack.interrupt();
    await stack.cleanup();
  },
);

Deno.test(
  "[start] a service that cannot start is given up on with a clear message; the web app and other services stay up",
  { sanitizeResources: false },
  async () => {
    const ports = freePorts(4);
    // The unclosed service's port is taken, so every start of it fails right away.
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: ports[1] });
    const stack = await start({ ports, waitFor: [0, 2, 3] });
    const [webUrl, unclosedUrl, ...otherUrls] = stack.urls;
    const poller = pollWebApp(webUrl);

    const [message] = await stack.waitForLog(
      /unclosed tickets service exited 5 times in a row[^\n]*/,
      120_000,
    );
    assert.match(message, /last exit code 1\b/);
    assert.match(message, /giving up on it; the other processes keep running/);
    assert.match(message, /dashboard shows its analysis as unavailable/);
    assert.match(message, new RegExp(`port ${ports[1]} \\(HELPDESK_UNCLOSED_PORT\\) is free`));
    assert.equal(stack.log().match(/unclosed tickets service exited \(code 1\); restarting in/g)?.length, 4);

    // Given up means given up: with the port free again nothing comes back, and the dashboard says so.
    squatter.close();
    await pause(2_000);
    assert.ok(await isDown(unclosedUrl), "not restarted after giving up");
    assert.match((await dashboard(webUrl, "unclosed")).html, /unavailable/);
    assert.doesNotMatch((await dashboard(webUrl, "resolution")).html, /unavailable/);
    const { ok, failures } = await poller.stop();
    assert.deepEqual(failures, [], "the web app answered every request");
    assert.ok(ok >= 5, `the web app was polled throughout (${ok} answers)`);
    for (const url of otherUrls) assert.ok(await answers(url), `${url} still up`);
    assert.equal(stack.exited(), false, "the launcher keeps running");

    await stack.interrupt();
    await stack.cleanup();
  },
);

Deno.test(
  "[start] a web app that cannot start is given up on and stops everything with a non-zero exit",
  { sanitizeResources: false },
  async () => {
    const ports = freePorts(4);
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: ports[0] });
    const stack = await start({ ports, waitFor: [1, 2, 3] });
    const { code } = await stack.status;
    squatter.close();
    assert.notEqual(code, 0);
    assert.match(
      stack.log(),
      new RegExp(
        `web app exited 5 times in a row.*giving up and stopping everything\\. Check that port ${
          ports[0]
        } \\(PORT\\)`,
      ),
    );
    for (const url of stack.urls.slice(1)) assert.ok(await isDown(url), `${url} stopped`);
    await stack.cleanup();
  },
);
