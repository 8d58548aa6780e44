/**
 * `deno task start` (main.ts) on the real stack: the web app and the three services come up as separate
 * processes on the configured ports; a killed service is restarted while the web app keeps answering; a
 * service that cannot start is given up on with a clear message and the site stays up; a web app that
 * cannot start stops everything; Ctrl-C stops all of them.
 */
import assert from "node:assert/strict";
import { SERVICES } from "../lib/config.ts";

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

/**
 * Pid of the service process listening on `port`: the `deno run` of the service's entry whose environment
 * sets its port variable to `port` (main.ts hands every child the environment it was started with).
 */
async function servicePid(port: number): Promise<number> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let args: string[], env: string[];
    try {
      args = (await Deno.readTextFile(`/proc/${entry.name}/cmdline`)).split("\0");
      env = (await Deno.readTextFile(`/proc/${entry.name}/environ`)).split("\0");
    } catch {
      continue; // exited while we looked
    }
    const serves = SERVICES.some((service) =>
      args.some((a) => a.endsWith(service.entry)) && env.includes(`${service.portVariable}=${port}`)
    );
    if (serves) return Number(entry.name);
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
 * and waits for the processes named in `waitFor` (all five by default) to answer.
 */
async function start(options: { ports?: number[]; waitFor?: number[] } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
  const ports = options.ports ?? freePorts(5);
  const [web, unclosed, resolution, active, backlog] = ports;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN],
    env: {
      HELPDESK_KV: `${dir}/helpdesk.sqlite3`,
      PORT: String(web),
      HELPDESK_UNCLOSED_PORT: String(unclosed),
      HELPDESK_RESOLUTION_PORT: String(resolution),
      HELPDESK_ACTIVE_PORT: String(active),
      HELPDESK_BACKLOG_PORT: String(backlog),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // The "open" lines, each with whether all five ports took a connection at the moment it was printed.
  const opened: { line: string; allListening: boolean }[] = [];
  const urls = [
    `http://127.0.0.1:${web}/`,
    `http://127.0.0.1:${unclosed}/health`,
    `http://127.0.0.1:${resolution}/health`,
    `http://127.0.0.1:${active}/health`,
    `http://127.0.0.1:${backlog}/health`,
  ];
  const outDone = (async () => {
    let rest = "";
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      for (const line of lines.filter((l) => l.includes("Campus Helpdesk: open"))) {
        opened.push({ line, allListening: (await Promise.all(ports.map(listening))).every(Boolean) });
      }
    }
  })();
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
    await Promise.all([logDone, outDone]);
    return s;
  });
  const stack = {
    child,
    urls,
    ports,
    status,
    opened,
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
  for (const i of options.waitFor ?? [0, 1, 2, 3, 4]) await waitUntilUp(urls[i]);
  return stack;
}

/** Whether something on this machine accepts a TCP connection on `port` right now. */
async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

const STAFF = { headers: { cookie: "helpdesk_role=helpdesk" } };

async function dashboard(webUrl: string, analysis: string) {
  const res = await fetch(`${webUrl}dashboard?analysis=${analysis}`, {
    ...STAFF,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, html: await res.text() };
}

Deno.test("[start] all five processes come up, the dashboard reaches the services, Ctrl-C stops them all", {
  sanitizeResources: false,
}, async () => {
  const stack = await start();
  // "open" only once everything listens: at the moment it was printed, all five ports took a connection.
  for (let i = 0; i < 50 && stack.opened.length === 0; i++) await pause(100);
  assert.equal(stack.opened.length, 1, "one open line");
  assert.match(stack.opened[0].line, new RegExp(`open http://127\\.0\\.0\\.1:${stack.ports[0]}/`));
  assert.ok(stack.opened[0].allListening, "the open line came after all five processes listened");
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
    const [, unclosedPort, resolutionPort, activePort, backlogPort] = stack.ports;
    const others = [
      await servicePid(resolutionPort),
      await servicePid(activePort),
      await servicePid(backlogPort),
    ];
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
    assert.deepEqual(
      [await servicePid(resolutionPort), await servicePid(activePort), await servicePid(backlogPort)],
      others,
    );
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
    const ports = freePorts(5);
    // The unclosed service's port is taken, so every start of it fails right away.
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: ports[1] });
    const stack = await start({ ports, waitFor: [0, 2, 3, 4] });
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
  "[start] a taken web-app port is named with PORT in one line, no stack trace; the web app is given up on and everything stops with a non-zero exit",
  { sanitizeResources: false },
  async () => {
    const ports = freePorts(5);
    const squatter = Deno.listen({ hostname: "127.0.0.1", port: ports[0] });
    const stack = await start({ ports, waitFor: [1, 2, 3, 4] });
    const { code } = await stack.status;
    squatter.close();
    assert.notEqual(code, 0);
    const taken = stack.log().split("\n").filter((line) => line.includes(`port ${ports[0]} (PORT)`));
    assert.match(
      taken[0],
      new RegExp(`^web app could not be started: port ${ports[0]} \\(PORT\\) is already in use`),
    );
    assert.match(taken[0], /set PORT to a free port/);
    assert.doesNotMatch(stack.log(), /^\s+at /m, "no stack trace");
    assert.doesNotMatch(stack.log(), /AddrInUse/);
    assert.deepEqual(stack.opened, [], "never says open");
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

/** Runs one entry of the app with `env` until it exits; its exit code and error output. */
async function runEntry(path: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, new URL(`../${path}`, import.meta.url).pathname],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("[start] a taken service port is named with its variable in one line, no stack trace", async () => {
  const [port] = freePorts(1);
  const squatter = Deno.listen({ hostname: "127.0.0.1", port });
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
  try {
    const { code, stderr } = await runEntry("services/unclosed/main.ts", {
      HELPDESK_KV: `${dir}/helpdesk.sqlite3`,
      HELPDESK_UNCLOSED_PORT: String(port),
    });
    assert.equal(code, 1);
    assert.equal(
      stderr.trim(),
      `unclosed tickets service cannot start: port ${port} (HELPDESK_UNCLOSED_PORT) is already in use on ` +
        `127.0.0.1: stop what uses it, or set HELPDESK_UNCLOSED_PORT to a free port`,
    );
  } finally {
    squatter.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "[start] a corrupt or not-a-database KV file is named in one line by the web app, a service and the CLI; nothing starts",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
    const garbage = `${dir}/helpdesk.sqlite3`;
    await Deno.writeFile(garbage, crypto.getRandomValues(new Uint8Array(8192)));
    const text = `${dir}/notes.txt`;
    await Deno.writeTextFile(text, "these are not the tickets you are looking for\n".repeat(100));
    const [port] = freePorts(1);
    try {
      for (const file of [garbage, text]) {
        const env = { HELPDESK_KV: file, PORT: String(port), HELPDESK_UNCLOSED_PORT: String(port) };
        const before = await Deno.readFile(file);
        for (
          const [entry, prefix] of [
            ["routes/server.ts", "web app cannot start: "],
            ["services/unclosed/main.ts", "unclosed tickets service cannot start: "],
            ["cli/verify.ts", ""],
          ]
        ) {
          const { code, stderr } = await runEntry(entry, env);
          assert.notEqual(code, 0, `${entry} on ${file}`);
          const lines = stderr.trim().split("\n");
          assert.equal(lines.length, 1, `${entry}: one line, no stack trace:\n${stderr}`);
          assert.ok(lines[0].startsWith(`${prefix}cannot open the store ${file} (HELPDESK_KV)`), lines[0]);
          assert.match(lines[0], /is not a Deno KV database/);
          assert.match(lines[0], /Point HELPDESK_KV at the right file, or move this one aside/);
        }
        assert.ok(!await listening(port), "nothing listens");
        assert.deepEqual(await Deno.readFile(file), before, "the file is left as it was");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("[start] a KV path that is a folder is named in one line with what to do", async () => {
  const dir = await Deno.makeTempDir({ prefix: "helpdesk_start_" });
  try {
    const { code, stderr } = await runEntry("routes/server.ts", { HELPDESK_KV: dir, PORT: "0" });
    assert.equal(code, 1);
    assert.equal(
      stderr.trim(),
      `web app cannot start: cannot open the store ${dir} (HELPDESK_KV): it is a folder, or its folder ` +
        `cannot be created or written. Set HELPDESK_KV to a file path in a writable folder ` +
        `(default ./data/helpdesk.sqlite3)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
