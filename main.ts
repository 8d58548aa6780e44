/**
 * `deno task start`: runs the web app and the three analytics services, each as its own process, prints
 * their URLs, and keeps them running. A process that exits on its own is restarted with a growing delay
 * while the others carry on; one that keeps failing right after it starts is given up on — the web app
 * stops everything with a non-zero exit, an analytics service just stays down (the dashboard shows it as
 * unavailable). Ctrl-C or SIGTERM stops all of them and exits 0. The policy is in lib/supervisor.ts.
 */
import { loadConfig, SERVICES } from "./lib/config.ts";
import { supervise } from "./lib/supervisor.ts";

const config = loadConfig();
const here = (path: string) => new URL(path, import.meta.url).pathname;

const processes = [
  {
    name: "web app",
    essential: true,
    args: ["run", "-A", here("routes/server.ts")],
    hint: `Check that port ${config.port} (PORT) is free and the store ${config.kvPath} (HELPDESK_KV) ` +
      `opens; the web app's own error is above.`,
  },
  ...SERVICES.map(({ key, name, portVariable, entry }) => ({
    name,
    args: ["serve", "-A", "--port", String(config.servicePorts[key]), "--host", config.hostname, here(entry)],
    hint: `The dashboard shows its analysis as unavailable. Check that port ${
      config.servicePorts[key]
    } (${portVariable}) is free; the service's own error is above.`,
  })),
];

const supervisor = supervise(processes, {
  spawn: ({ args }) =>
    new Deno.Command(Deno.execPath(), {
      // An explicit config, so imports and the KV flag apply whatever the working directory.
      args: [args[0], "--config", here("deno.json"), ...args.slice(1)],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn(),
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void supervisor.stop());
}

console.log(`Campus Helpdesk: open ${config.appUrl}  (Ctrl-C stops everything)`);

Deno.exit(await supervisor.done);
