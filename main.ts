/**
 * `deno task start`: runs the web app and the three analytics services, each as its own process, prints
 * their URLs, and stops all of them on Ctrl-C. A process that dies is not restarted silently: the others
 * are stopped and the exit code says so.
 */
import { loadConfig } from "./lib/config.ts";

const config = loadConfig();
const here = (path: string) => new URL(path, import.meta.url).pathname;

const services = [
  {
    name: "unclosed tickets service",
    port: config.servicePorts.unclosed,
    entry: "services/unclosed/main.ts",
  },
  {
    name: "resolution time service",
    port: config.servicePorts.resolutionTime,
    entry: "services/resolution_time/main.ts",
  },
  {
    name: "active by category service",
    port: config.servicePorts.activeByCategory,
    entry: "services/active_by_category/main.ts",
  },
];

const processes = [
  { name: "web app", args: ["run", "-A", here("routes/server.ts")] },
  ...services.map(({ name, port, entry }) => ({
    name,
    args: ["serve", "-A", "--port", String(port), "--host", config.hostname, here(entry)],
  })),
];

const children = processes.map((p) => ({
  ...p,
  child: new Deno.Command(Deno.execPath(), {
    // An explicit config, so imports and the KV flag apply whatever the working directory.
    args: [p.args[0], "--config", here("deno.json"), ...p.args.slice(1)],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn(),
}));

// Set when the person asked everything to stop (Ctrl-C or SIGTERM); a process dying on its own is a failure.
let interrupted = false;
function stopAll() {
  for (const { child } of children) {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    interrupted = true;
    stopAll();
  });
}

const host = config.hostname === "0.0.0.0" ? "127.0.0.1" : config.hostname;
console.log(`Campus Helpdesk: open http://${host}:${config.port}/  (Ctrl-C stops everything)`);

const first = await Promise.race(
  children.map(async ({ name, child }) => ({ name, status: await child.status })),
);
if (!interrupted) {
  console.error(`${first.name} stopped (exit code ${first.status.code}); stopping the others.`);
  stopAll();
}
await Promise.all(children.map(({ child }) => child.status));
Deno.exit(interrupted ? 0 : first.status.code || 1);
