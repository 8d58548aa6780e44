/**
 * The supervisor's restart policy, driven by fake processes, a hand-moved clock and instant sleeps, so
 * minutes of backoff run in milliseconds.
 */
import assert from "node:assert/strict";
import {
  type Child,
  decide,
  DEFAULT_POLICY,
  type ExitStatus,
  type ProcessSpec,
  type RestartState,
  supervise,
} from "./supervisor.ts";

const FRESH: RestartState = { restarts: 0, quickExits: 0 };

/** A process that runs until the test ends it; `ignoresTerm` makes it survive SIGTERM. */
class FakeChild implements Child {
  readonly signals: string[] = [];
  readonly status: Promise<ExitStatus>;
  exited = false;
  #resolve!: (status: ExitStatus) => void;
  constructor(readonly name: string, private readonly ignoresTerm = false) {
    this.status = new Promise((resolve) => this.#resolve = resolve);
  }
  exit(code: number, signal: string | null = null) {
    if (this.exited) return;
    this.exited = true;
    this.#resolve({ code, signal });
  }
  kill(signal: "SIGTERM" | "SIGKILL") {
    this.signals.push(signal);
    if (signal === "SIGKILL") this.exit(137, "SIGKILL");
    else if (!this.ignoresTerm) this.exit(143, "SIGTERM");
  }
}

/** A supervisor over fake processes; the clock moves only when the test says so. */
function harness(specs: ProcessSpec[], options: { ignoresTerm?: string[] } = {}) {
  let clock = 0;
  const children: FakeChild[] = [];
  const sleeps: number[] = [];
  const lines: string[] = [];
  const supervisor = supervise(specs, {
    spawn: (spec) => {
      const child = new FakeChild(spec.name, options.ignoresTerm?.includes(spec.name));
      children.push(child);
      return child;
    },
    now: () => clock,
    // A macrotask, so an exit already under way (a microtask) is seen before the sleep ends.
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return new Promise((resolve) => {
        setTimeout(resolve, 0);
        signal.addEventListener("abort", () => resolve());
      });
    },
    log: (line) => lines.push(line),
  });
  let finished: number | undefined;
  supervisor.done.then((code) => finished = code);
  return {
    supervisor,
    children,
    sleeps,
    lines,
    finished: () => finished,
    /** The live (latest) run of `name`. */
    current: (name: string) => children.findLast((c) => c.name === name)!,
    runs: (name: string) => children.filter((c) => c.name === name).length,
    advance(ms: number) {
      clock += ms;
    },
  };
}

/** Lets pending promise chains and zero timers run until `condition` holds. */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const WEB = { name: "web app", essential: true, hint: "Check PORT." };
const SERVICE = { name: "unclosed tickets service", hint: "Check HELPDESK_UNCLOSED_PORT." };
const OTHER = { name: "resolution time service" };

Deno.test("[supervisor] backoff doubles from 0.5 s and stops growing at 8 s", () => {
  let state = FRESH;
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    // Up 20 s each time: not quick (no give-up), not stable (no reset).
    const decision = decide(state, 20_000);
    assert.equal(decision.action, "restart");
    if (decision.action === "restart") delays.push(decision.delayMs);
    state = decision.state;
  }
  assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  assert.equal(state.restarts, 7);
});

Deno.test("[supervisor] a process that stayed up 30 s starts over at the first delay", () => {
  const state = { restarts: 4, quickExits: 0 };
  assert.deepEqual(decide(state, 29_999), {
    action: "restart",
    delayMs: 8_000,
    state: { restarts: 5, quickExits: 0 },
  });
  assert.deepEqual(decide(state, 30_000), {
    action: "restart",
    delayMs: 500,
    state: { restarts: 1, quickExits: 0 },
  });
});

Deno.test("[supervisor] five quick failures in a row give up; a slower exit in between starts the count over", () => {
  let state = FRESH;
  for (let i = 1; i <= 4; i++) {
    const decision = decide(state, 200);
    assert.equal(decision.action, "restart", `quick failure ${i} is restarted`);
    state = decision.state;
  }
  assert.equal(decide(state, 9_999).action, "give up");
  const afterSlow = decide(state, 10_000);
  assert.equal(afterSlow.action, "restart");
  assert.equal(afterSlow.state.quickExits, 0);
  assert.equal(DEFAULT_POLICY.maxQuickExits, 5);
});

Deno.test("[supervisor] a process that dies is restarted after the backoff with one log line; the others are untouched", async () => {
  const h = harness([WEB, SERVICE, OTHER]);
  assert.equal(h.children.length, 3);
  h.advance(60_000);
  h.current(SERVICE.name).exit(137, "SIGKILL");
  await until(() => h.runs(SERVICE.name) === 2, "the restart");
  assert.deepEqual(h.lines, [
    "unclosed tickets service exited (code 137, killed by SIGKILL); restarting in 0.5 s (restart 1)",
  ]);
  assert.deepEqual(h.sleeps, [DEFAULT_POLICY.settleMs, 500]);
  assert.equal(h.runs(WEB.name), 1);
  assert.equal(h.runs(OTHER.name), 1);
  for (const name of [WEB.name, OTHER.name]) {
    assert.deepEqual(h.current(name).signals, [], `${name} left alone`);
  }

  // A second quick death backs off twice as long.
  h.advance(1_000);
  h.current(SERVICE.name).exit(1);
  await until(() => h.runs(SERVICE.name) === 3, "the second restart");
  assert.equal(h.lines[1], "unclosed tickets service exited (code 1); restarting in 1 s (restart 2)");
  assert.equal(h.finished(), undefined);
  assert.equal(await h.supervisor.stop(), 0);
});

Deno.test("[supervisor] a service failing quickly every time is given up on with its last code and hint; the rest keep running", async () => {
  const h = harness([WEB, SERVICE, OTHER]);
  for (let run = 1; run <= 5; run++) {
    await until(() => h.runs(SERVICE.name) === run, `run ${run}`);
    h.advance(300);
    h.current(SERVICE.name).exit(1);
  }
  await until(() => h.lines.length === 5, "the give-up message");
  assert.equal(h.lines.filter((l) => l.includes("restarting in")).length, 4);
  assert.equal(
    h.lines[4],
    "unclosed tickets service exited 5 times in a row, each within 10 s of starting (last exit code 1); " +
      "giving up on it; the other processes keep running. Check HELPDESK_UNCLOSED_PORT.",
  );
  // Nothing more happens to it, and nothing at all to the others.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(h.runs(SERVICE.name), 5);
  assert.equal(h.finished(), undefined, "the supervisor is still running");
  for (const name of [WEB.name, OTHER.name]) {
    assert.equal(h.runs(name), 1);
    assert.deepEqual(h.current(name).signals, []);
  }
  assert.equal(await h.supervisor.stop(), 0);
  assert.deepEqual(h.current(WEB.name).signals, ["SIGTERM"]);
});

Deno.test("[supervisor] giving up on the essential process stops everything with its exit code", async () => {
  const h = harness([WEB, SERVICE]);
  for (let run = 1; run <= 5; run++) {
    await until(() => h.runs(WEB.name) === run, `run ${run}`);
    h.advance(2_000);
    h.current(WEB.name).exit(run === 5 ? 0 : 3);
  }
  assert.equal(await h.supervisor.done, 1, "a clean exit code still ends non-zero");
  assert.match(
    h.lines.at(-1)!,
    /^web app exited 5 times .*\(last exit code 0\); giving up and stopping everything\. Check PORT\.$/,
  );
  assert.deepEqual(h.current(SERVICE.name).signals, ["SIGTERM"]);
  assert.equal(h.runs(SERVICE.name), 1, "a process stopped on purpose is not restarted");

  const h2 = harness([WEB]);
  for (let run = 1; run <= 5; run++) {
    await until(() => h2.runs(WEB.name) === run, `run ${run}`);
    h2.current(WEB.name).exit(70);
  }
  assert.equal(await h2.supervisor.done, 70);
});

Deno.test("[supervisor] stop ends every process with SIGTERM, exits 0 and restarts nothing, even mid-backoff", async () => {
  const h = harness([WEB, SERVICE, OTHER]);
  // The service is waiting out its backoff when the stop comes.
  h.current(SERVICE.name).exit(1);
  await until(() => h.sleeps.length === 2, "the backoff");
  assert.equal(await h.supervisor.stop(), 0);
  assert.equal(await h.supervisor.done, 0);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(h.runs(SERVICE.name), 1, "no restart after stop");
  for (const name of [WEB.name, OTHER.name]) assert.deepEqual(h.current(name).signals, ["SIGTERM"]);
  assert.equal(h.lines.length, 1, "stopping logs no exits");
});

Deno.test("[supervisor] an exit that races the stop (Ctrl-C reaches children too) is not logged as a crash", async () => {
  const h = harness([WEB, SERVICE]);
  h.current(SERVICE.name).exit(130, "SIGINT");
  // Microtasks only: the supervisor has seen the exit and is in its settle pause when the stop arrives.
  for (let i = 0; i < 50 && h.sleeps.length === 0; i++) await Promise.resolve();
  assert.deepEqual(h.sleeps, [DEFAULT_POLICY.settleMs]);
  assert.equal(await h.supervisor.stop(), 0);
  assert.deepEqual(h.lines, []);
  assert.equal(h.runs(SERVICE.name), 1);
});

Deno.test("[supervisor] a process that ignores SIGTERM gets SIGKILL after the stop timeout", async () => {
  const h = harness([WEB, SERVICE], { ignoresTerm: [SERVICE.name] });
  assert.equal(await h.supervisor.stop(), 0);
  assert.deepEqual(h.current(SERVICE.name).signals, ["SIGTERM", "SIGKILL"]);
  assert.deepEqual(h.current(WEB.name).signals, ["SIGTERM"]);
  assert.ok(h.sleeps.includes(DEFAULT_POLICY.stopTimeoutMs));
  assert.deepEqual(h.lines, ["unclosed tickets service did not stop within 10 s of SIGTERM; killing it."]);
});

Deno.test("[supervisor] a spawn that throws counts as a quick failure and is retried", async () => {
  let attempts = 0;
  const lines: string[] = [];
  const supervisor = supervise([SERVICE], {
    spawn: () => {
      attempts++;
      throw new Error("no such file");
    },
    now: () => 0,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 0)),
    log: (line) => lines.push(line),
  });
  // The only process was given up on, so the supervisor ends by itself.
  assert.equal(await supervisor.done, 1);
  assert.equal(attempts, 5);
  assert.equal(lines[0], "unclosed tickets service could not be started: no such file");
  assert.match(lines.at(-1)!, /exited 5 times in a row/);
});

Deno.test("[supervisor] started waits until every process has answered", async () => {
  // Each run is "up" when the test says so; a run that exits first never is.
  const ups = new Map<string, () => void>();
  const supervisor = supervise([WEB, SERVICE, OTHER], {
    spawn: (spec) => new FakeChild(spec.name),
    waitUntilUp: (spec, signal) =>
      new Promise<void>((resolve, reject) => {
        ups.set(spec.name, resolve);
        signal.addEventListener("abort", () => reject(new Error("exited")));
      }),
    now: () => 0,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 0)),
    log: () => {},
  });
  let givenUp: ProcessSpec[] | undefined;
  supervisor.started.then((specs) => givenUp = specs);
  ups.get(WEB.name)!();
  ups.get(OTHER.name)!();
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(givenUp, undefined, "not started while one process has not answered");
  ups.get(SERVICE.name)!();
  await until(() => givenUp !== undefined, "started");
  assert.deepEqual(givenUp, []);
  assert.equal(await supervisor.stop(), 0);
});

Deno.test("[supervisor] started counts a process given up on; it never settles when the essential one is given up", async () => {
  const failing = (spec: ProcessSpec) => {
    const child = new FakeChild(spec.name);
    if (spec !== OTHER) queueMicrotask(() => child.exit(1));
    return child;
  };
  const deps = {
    // Up at once, unless the run already exited.
    waitUntilUp: (_: ProcessSpec, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => signal.aborted ? reject(new Error("exited")) : resolve(), 0)
      ),
    now: () => 0,
    sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
    log: () => {},
  };
  const one = supervise([SERVICE, OTHER], { spawn: failing, ...deps });
  assert.deepEqual(await one.started, [SERVICE], "the service given up on, the other one up");
  assert.equal(await one.stop(), 0);

  const two = supervise([WEB, OTHER], { spawn: failing, ...deps });
  let settled = false;
  two.started.then(() => settled = true);
  assert.equal(await two.done, 1, "giving up on the web app stops everything");
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(settled, false, "no open line after everything stopped");
});
