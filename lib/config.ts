/** Settings from environment variables, with the defaults a fresh checkout runs on. */

/** The four analytics services: their config key, name, entry, port variable and default port, once. */
export const SERVICES = [
  {
    key: "unclosed",
    name: "unclosed tickets service",
    entry: "services/unclosed/main.ts",
    portVariable: "HELPDESK_UNCLOSED_PORT",
    urlVariable: "HELPDESK_UNCLOSED_URL",
    defaultPort: 8001,
  },
  {
    key: "resolutionTime",
    name: "resolution time service",
    entry: "services/resolution_time/main.ts",
    portVariable: "HELPDESK_RESOLUTION_PORT",
    urlVariable: "HELPDESK_RESOLUTION_URL",
    defaultPort: 8002,
  },
  {
    key: "activeByCategory",
    name: "active by category service",
    entry: "services/active_by_category/main.ts",
    portVariable: "HELPDESK_ACTIVE_PORT",
    urlVariable: "HELPDESK_ACTIVE_URL",
    defaultPort: 8003,
  },
  {
    key: "backlog",
    name: "backlog service",
    entry: "services/backlog/main.ts",
    portVariable: "HELPDESK_BACKLOG_PORT",
    urlVariable: "HELPDESK_BACKLOG_URL",
    defaultPort: 8004,
  },
] as const;

/** The config key of an analytics service. */
type ServiceKey = typeof SERVICES[number]["key"];

/** Every setting of the app and its services. */
export interface Config {
  /** Deno KV path or URL: a file path, ":memory:", or an https:// KV Connect URL. */
  kvPath: string;
  /** IANA time zone that analytics months are counted in. */
  timeZone: string;
  /** Interface the servers listen on. */
  hostname: string;
  /** Port of the web app. */
  port: number;
  /** Where a person on this machine opens the web app. */
  appUrl: string;
  /** Ports of the analytics services. */
  servicePorts: Record<ServiceKey, number>;
  /** Base URLs the web app calls the analytics services at. */
  serviceUrls: Record<ServiceKey, string>;
  /** Host names the web app answers to; any other Host header is refused (against DNS rebinding). */
  allowedHosts: string[];
}

/** The host names a fresh checkout answers to: this machine's own names. */
export const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

function port(env: (name: string) => string | undefined, name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0–65535), got "${raw}"`);
  }
  return value;
}

/** Reads the configuration from the environment (or any lookup function, for tests). */
export function loadConfig(env: (name: string) => string | undefined = (n) => Deno.env.get(n)): Config {
  const hostname = env("HELPDESK_HOST") || "127.0.0.1";
  // Listening on every interface still means "this machine" to a browser or a client here.
  const local = (p: number) => `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${p}`;
  const servicePorts = Object.fromEntries(
    SERVICES.map((s) => [s.key, port(env, s.portVariable, s.defaultPort)]),
  ) as Record<ServiceKey, number>;
  const serviceUrls = Object.fromEntries(
    SERVICES.map((s) => [s.key, env(s.urlVariable) || local(servicePorts[s.key])]),
  ) as Record<ServiceKey, string>;
  const appPort = port(env, "PORT", 8000);
  return {
    kvPath: env("HELPDESK_KV") || "./data/helpdesk.sqlite3",
    timeZone: env("HELPDESK_TIMEZONE") || "UTC",
    hostname,
    port: appPort,
    appUrl: `${local(appPort)}/`,
    servicePorts,
    serviceUrls,
    allowedHosts:
      env("HELPDESK_ALLOWED_HOSTS")?.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean) ??
        LOCAL_HOSTS,
  };
}
