/**
 * Keeps a set of child processes running. A process that exits on its own is restarted after a delay that
 * doubles with each restart, and the others are left alone; one that keeps failing right after it starts is
 * given up on (a restart loop would only flood the log); stop() ends them all for good. Spawning, the clock,
 * sleeping and logging are passed in, so tests drive the policy without real processes or real waits.
 */

/**
 * How a process ended; `Deno.CommandStatus` fits.
 * @testHook The supervisor tests' fake processes implement it.
 */
export interface ExitStatus {
  code: number;
  signal?: string | null;
}

/**
 * A running process as the supervisor sees it; `Deno.ChildProcess` fits.
 * @testHook The supervisor tests' fake processes implement it.
 */
export interface Child {
  readonly status: Promise<ExitStatus>;
  kill(signal: "SIGTERM" | "SIGKILL"): void;
}

/**
 * One process to keep running.
 * @testHook The supervisor tests name the processes they supervise.
 */
export interface ProcessSpec {
  /** Name used in every log line, e.g. "unclosed tickets service". */
  name: string;
  /** Whether nothing works without it: giving up on an essential process stops everything. */
  essential?: boolean;
  /** What to check when it keeps failing (a port variable, the store), appended to the give-up message. */
  hint?: string;
}

/** When to restart and when to give up; times in milliseconds. */
interface RestartPolicy {
  /** Delay before the first restart; each further restart doubles it. */
  firstDelayMs: number;
  /** Longest delay between restarts. */
  maxDelayMs: number;
  /** A process that was up at least this long starts over at the first delay. */
  stableAfterMs: number;
  /** An exit within this long of starting counts as a quick failure. */
  quickExitMs: number;
  /** This many quick failures in a row and the process is given up on. */
  maxQuickExits: number;
  /** How long stop() waits after SIGTERM before sending SIGKILL. */
  stopTimeoutMs: number;
  /** Pause before acting on an exit, so a Ctrl-C that reached a child first does not read as a crash. */
  settleMs: number;
}

/**
 * The restart policy `deno task start` runs with.
 * @testHook The supervisor tests check their delays and limits against it.
 */
export const DEFAULT_POLICY: Readonly<RestartPolicy> = {
  firstDelayMs: 500,
  maxDelayMs: 8_000,
  stableAfterMs: 30_000,
  quickExitMs: 10_000,
  maxQuickExits: 5,
  stopTimeoutMs: 10_000,
  settleMs: 100,
};

/**
 * A process's restart history, as far as the policy needs it.
 * @testHook The supervisor tests drive decide() from a given history.
 */
export interface RestartState {
  /** Restarts since the process was last up for `stableAfterMs`; sets the next delay. */
  restarts: number;
  /** Quick failures in a row. */
  quickExits: number;
}

/** What to do after an exit: restart after `delayMs` (it is restart number `state.restarts`) or give up. */
type Decision =
  | { action: "restart"; delayMs: number; state: RestartState }
  | { action: "give up"; state: RestartState };

/**
 * Decides what follows an exit after `uptimeMs` of running, given the history before it.
 * @testHook The supervisor tests check the policy without processes.
 */
export function decide(
  state: RestartState,
  uptimeMs: number,
  policy: RestartPolicy = DEFAULT_POLICY,
): Decision {
  // A long run means the last crash was not part of a loop: back to short delays.
  const previous = uptimeMs >= policy.stableAfterMs ? 0 : state.restarts;
  const quickExits = uptimeMs < policy.quickExitMs ? state.quickExits + 1 : 0;
  if (quickExits >= policy.maxQuickExits) {
    return { action: "give up", state: { restarts: previous, quickExits } };
  }
  const delayMs = Math.min(policy.firstDelayMs * 2 ** previous, policy.maxDelayMs);
  return { action: "restart", delayMs, state: { restarts: previous + 1, quickExits } };
}

/** What the supervisor needs from the outside world; all but `spawn` default to the real thing. */
interface SupervisorDeps<S extends ProcessSpec> {
  /** Starts one run of the process; may throw, which counts as an immediate failure. */
  spawn(spec: S): Child;
  /**
   * Resolves once the run just spawned serves (its port answers); `signal` aborts when that run exits, and
   * the promise may then reject or stay pending. Without it a process counts as up as soon as it is spawned.
   */
  waitUntilUp?(spec: S, signal: AbortSignal): Promise<void>;
  /** Milliseconds on a clock that only moves forward. */
  now?(): number;
  /** Waits `ms`, or less if `signal` aborts first; never rejects. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  /** Writes one line for the person running it. */
  log?(line: string): void;
}

/** A running supervisor. */
interface Supervisor<S extends ProcessSpec> {
  /** Stops every process (SIGTERM, then SIGKILL after `stopTimeoutMs`) for good; resolves to the exit code. */
  stop(): Promise<number>;
  /** The exit code once everything has stopped: 0 after stop(), non-zero after giving up on an essential process. */
  readonly done: Promise<number>;
  /**
   * Once every process has served at least once or been given up on: the ones given up on (the launcher says
   * "open" only then). Never settles when everything stops first.
   */
  readonly started: Promise<S[]>;
}

/** Waits `ms`, cut short by `signal`. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener("abort", finish);
  });
}

/** "0.5 s", "8 s": delays as a person reads them. */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function describe(status: ExitStatus): string {
  return status.signal ? `code ${status.code}, killed by ${status.signal}` : `code ${status.code}`;
}

/** Starts every process and keeps it running under `policy` until stop() or giving up on an essential one. */
export function supervise<S extends ProcessSpec>(
  specs: readonly S[],
  deps: SupervisorDeps<S>,
  policy: RestartPolicy = DEFAULT_POLICY,
): Supervisor<S> {
  const now = deps.now ?? (() => performance.now());
  const wait = deps.sleep ?? sleep;
  const log = deps.log ?? ((line: string) => console.error(line));
  // Aborted on stop, which cuts short every pending restart delay.
  const stopping = new AbortController();
  const running = new Map<Child, S>();
  let shutdown: Promise<number> | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => resolveDone = resolve);
  // Each process's first outcome: up, or given up on. `started` resolves when all are known.
  const outcomes = new Map<S, "up" | "given up">();
  let resolveStarted!: (givenUp: S[]) => void;
  const started = new Promise<S[]>((resolve) => resolveStarted = resolve);
  function settle(spec: S, outcome: "up" | "given up") {
    if (outcomes.has(spec) || stopping.signal.aborted) return;
    outcomes.set(spec, outcome);
    if (outcomes.size === specs.length) {
      resolveStarted(specs.filter((s) => outcomes.get(s) === "given up"));
    }
  }

  async function keepRunning(spec: S): Promise<void> {
    let state: RestartState = { restarts: 0, quickExits: 0 };
    while (!stopping.signal.aborted) {
      const startedAt = now();
      let status: ExitStatus;
      try {
        const child = deps.spawn(spec);
        running.set(child, spec);
        const exited = new AbortController();
        if (deps.waitUntilUp) {
          deps.waitUntilUp(spec, exited.signal).then(() => settle(spec, "up"), () => {});
        } else settle(spec, "up");
        try {
          status = await child.status;
        } finally {
          exited.abort();
          running.delete(child);
        }
      } catch (error) {
        log(`${spec.name} could not be started: ${error instanceof Error ? error.message : error}`);
        status = { code: 1 };
      }
      const uptimeMs = now() - startedAt;
      await wait(policy.settleMs, stopping.signal);
      if (stopping.signal.aborted) return;
      const decision = decide(state, uptimeMs, policy);
      state = decision.state;
      if (decision.action === "give up") {
        const what = spec.essential
          ? "giving up and stopping everything."
          : "giving up on it; the other processes keep running.";
        const within = seconds(policy.quickExitMs);
        log(
          `${spec.name} exited ${state.quickExits} times in a row, each within ${within} of starting ` +
            `(last exit ${describe(status)}); ${what}` + (spec.hint ? ` ${spec.hint}` : ""),
        );
        // Not awaited: stopping waits for this very loop to return.
        if (spec.essential) void stopAll(status.code || 1);
        else settle(spec, "given up");
        return;
      }
      log(
        `${spec.name} exited (${describe(status)}); restarting in ${seconds(decision.delayMs)} ` +
          `(restart ${state.restarts})`,
      );
      await wait(decision.delayMs, stopping.signal);
    }
  }

  function stopAll(code: number): Promise<number> {
    if (shutdown) return shutdown;
    stopping.abort();
    shutdown = (async () => {
      const children = [...running];
      for (const [child] of children) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
      }
      const exited = Promise.all(children.map(([child]) => child.status.catch(() => undefined)));
      const grace = new AbortController();
      const allExited = await Promise.race([
        exited.then(() => true),
        wait(policy.stopTimeoutMs, grace.signal).then(() => false),
      ]);
      grace.abort();
      if (!allExited) {
        for (const [child, spec] of running) {
          log(`${spec.name} did not stop within ${seconds(policy.stopTimeoutMs)} of SIGTERM; killing it.`);
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }
      }
      await Promise.all(loops);
      resolveDone(code);
      return code;
    })();
    return shutdown;
  }

  const loops = specs.map(keepRunning);
  // Only reached when every process was given up on and none was essential.
  void Promise.all(loops).then(() => stopAll(1));

  return { stop: () => stopAll(0), done, started };
}
