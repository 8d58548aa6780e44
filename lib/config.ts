/** Settings from environment variables, with the defaults a fresh checkout runs on. */

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
  /** Ports of the three analytics services. */
  servicePorts: { unclosed: number; resolutionTime: number; activeByCategory: number };
  /** Base URLs the web app calls the analytics services at. */
  serviceUrls: { unclosed: string; resolutionTime: string; activeByCategory: string };
}

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
  const servicePorts = {
    unclosed: port(env, "HELPDESK_UNCLOSED_PORT", 8001),
    resolutionTime: port(env, "HELPDESK_RESOLUTION_PORT", 8002),
    activeByCategory: port(env, "HELPDESK_ACTIVE_PORT", 8003),
  };
  const local = (p: number) => `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${p}`;
  return {
    kvPath: env("HELPDESK_KV") || "./data/helpdesk.sqlite3",
    timeZone: env("HELPDESK_TIMEZONE") || "UTC",
    hostname,
    port: port(env, "PORT", 8000),
    servicePorts,
    serviceUrls: {
      unclosed: env("HELPDESK_UNCLOSED_URL") || local(servicePorts.unclosed),
      resolutionTime: env("HELPDESK_RESOLUTION_URL") || local(servicePorts.resolutionTime),
      activeByCategory: env("HELPDESK_ACTIVE_URL") || local(servicePorts.activeByCategory),
    },
  };
}
