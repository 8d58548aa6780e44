/**
 * `deno task start`: builds the island chunks when their sources changed, runs the web app and the four
 * analytics services, each as its own process with the permissions it has when deployed (no spawning, no
 * writing but the KV file's folder), and keeps them running. "open http://…" is printed once every process
 * answers on its port (or was given up on). A process that exits on its own is restarted with a growing
 * delay while the others carry on; one that keeps failing right after it starts is given up on — the web app
 * stops everything with a non-zero exit, an analytics service just stays down (the dashboard shows it as
 * unavailable). A port that is already taken is named with its variable, and not spawned on. Ctrl-C or
 * SIGTERM stops all of them and exits 0. The policy is in lib/supervisor.ts.
 */
import { dirname, resolve } from "node:path";
import { loadConfig, SERVICES } from "./lib/config.ts";
import { buildIslands } from "./lib/islands/mod.ts";
import { BUILD_DIR, DENO_CONFIG, ISLANDS_DIR } from "./lib/paths.ts";
import { supervise } from "./lib/supervisor.ts";

const config = loadConfig();
const here = (path: string) => new URL(path, import.meta.url).pathname;

// Development builds here, before the web app starts, so the web app itself only ever reads the build; an
// unchanged build is recognised from its record and costs a few file reads.
try {
  await buildIslands({ islandsDir: ISLANDS_DIR, outDir: BUILD_DIR, config: DENO_CONFIG });
} catch (error) {
  console.error(`cannot build the island chunks: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}

/**
 * The permissions every process runs with: what it needs and no more, as deployed. Only a local KV file
 * needs write access, to its folder (SQLite keeps its journal beside it).
 */
function permissions(kvPath: string): string[] {
  const local = kvPath !== ":memory:" && !/^https?:\/\//.test(kvPath);
  return [
    "--no-prompt",
    "--deny-run",
    "--allow-read",
    "--allow-net",
    "--allow-env",
    ...(local ? [`--allow-write=${dirname(resolve(kvPath))}`] : []),
  ];
}

// Where this machine reaches a process listening on `hostname`.
const reachable = new URL(config.appUrl).hostname;

const processes = [
  {
    name: "web app",
    essential: true,
    entry: "routes/server.ts",
    port: config.port,
    portVariable: "PORT",
    probe: "/",
    hint: `Check that port ${config.port} (PORT) is free and the store ${config.kvPath} (HELPDESK_KV) ` +
      `opens; the web app's own error is above.`,
  },
  ...SERVICES.map(({ key, name, portVariable, entry }) => ({
    name,
    entry,
    port: config.servicePorts[key],
    portVariable,
    probe: "/health",
    hint: `The dashboard shows its analysis as unavailable. Check that port ${
      config.servicePorts[key]
    } (${portVariable}) is free; the service's own error is above.`,
  })),
];

/** Refuses to spawn on a port something else holds: the child would only fail with a stack trace. */
function checkPortFree(port: number, variable: string) {
  try {
    Deno.listen({ hostname: config.hostname, port }).close();
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new Error(
      `port ${port} (${variable}) is already in use on ${config.hostname}: stop what uses it, or set ` +
        `${variable} to a free port`,
    );
  }
}

/** Resolves once the process answers HTTP on its port (any status: it listens), polling until `signal`. */
async function answers(port: number, path: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await fetch(`http://${reachable}:${port}${path}`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]),
      });
      await res.body?.cancel();
      return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("exited before it answered");
}

const supervisor = supervise(processes, {
  spawn: ({ entry, port, portVariable }) => {
    checkPortFree(port, portVariable);
    return new Deno.Command(Deno.execPath(), {
      // An explicit config, so imports and the KV flag apply whatever the working directory.
      args: ["run", ...permissions(config.kvPath), "--config", here("deno.json"), here(entry)],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  },
  waitUntilUp: ({ port, probe }, signal) => answers(port, probe, signal),
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void supervisor.stop());
}

supervisor.started.then((givenUp) => {
  const down = givenUp.length ? ` — without the ${givenUp.map((p) => p.name).join(", ")}` : "";
  console.log(`Campus Helpdesk: open ${config.appUrl}  (Ctrl-C stops everything)${down}`);
});

Deno.exit(await supervisor.done);
