import { ValidationError } from "../errors.ts";
import { retryWhileBusy } from "./busy.ts";
import { keys } from "./keys.ts";
import { derivedKeysOutdated } from "./derived_layout.ts";
import { migrateStore } from "./migrate.ts";
import { repairStore } from "./repair.ts";
import { isTimeZone } from "./time_buckets.ts";

/** An open store: the KV handle plus the campus time zone its month counters are kept in. */
export interface Db {
  kv: Deno.Kv;
  timeZone: string;
}

/** Where a store is: a KV path or URL (a file, ":memory:", an https:// KV Connect URL), or a KV already open. */
type StoreSource = ({ kvPath: string } | { kv: Deno.Kv }) & { timeZone?: string };

/** How a process uses the store. */
interface StoreOptions {
  /** Never write: no time-zone marker, no migration (the analytics services, export, verify). */
  readOnly?: boolean;
  /**
   * Open a store whose month counters are kept in another zone, so `verify --repair` can move them (that
   * tool rebuilds the indexes and counters itself, so opening does not).
   */
  anyTimeZone?: boolean;
}

/** A store whose month counters are kept in another campus time zone than the one asked for. */
export class TimeZoneMismatchError extends Error {
  /** Names both zones and the two ways out. */
  constructor(readonly stored: string, readonly asked: string) {
    super(
      `this store's month counters are kept in time zone "${stored}", not "${asked}": ` +
        `set HELPDESK_TIMEZONE=${stored}, or rebuild them with "deno task verify --repair"`,
    );
  }
}

/**
 * Opens the helpdesk store every process works on. Month counters depend on the time zone, so a store whose
 * counters were built for another zone is refused rather than silently mixing two calendars. The writer
 * (not readOnly) marks a new store with its zone and brings an older store's layout up to date, rebuilding
 * its indexes and counters when this code derives other ones than those it was built with.
 */
export async function openStore(source: StoreSource, options: StoreOptions = {}): Promise<Db> {
  const kv = "kv" in source ? source.kv : await openKv(source.kvPath);
  const asked = source.timeZone ?? "UTC";
  if (!isTimeZone(asked)) throw new ValidationError(`unknown time zone "${asked}"`, "timeZone");
  // The first read is still part of opening: a KV Connect URL is only checked (reachable, token accepted)
  // when it is first used, and some damaged files only fail once a page is read.
  const stored = await kv.get<string>(keys.timeZone()).catch((error) => {
    if ("kv" in source) throw error;
    kv.close();
    throw new StoreOpenError(source.kvPath, error);
  });
  if (!options.anyTimeZone && stored.value !== null && stored.value !== asked) {
    throw new TimeZoneMismatchError(stored.value, asked);
  }
  if (!options.readOnly) {
    if (stored.value === null) {
      await retryWhileBusy(() => kv.atomic().check(stored).set(keys.timeZone(), asked).commit());
    }
    await migrateStore(kv);
    const db = { kv, timeZone: asked };
    if (!options.anyTimeZone && await derivedKeysOutdated(db)) {
      // Several isolates may open a hosted store at once while others write: only a stopped app may rebuild.
      if ("kvPath" in source && /^https?:\/\//.test(source.kvPath)) {
        throw new StoreOpenError(source.kvPath, new DerivedKeysOutdatedError(source.kvPath));
      }
      await repairStore(db);
    }
  }
  return { kv, timeZone: asked };
}

/** A hosted store whose indexes and counters were built by an older release and must be rebuilt offline. */
class DerivedKeysOutdatedError extends Error {
  /** Says which store and the one command that brings it up to date. */
  constructor(readonly path: string) {
    super(
      `its indexes and counters were built by an older release: stop the app and run ` +
        `"HELPDESK_KV=${path} deno task verify --repair" once, then start it again`,
    );
    this.name = "DerivedKeysOutdatedError";
  }
}

/**
 * A store that cannot be opened: its message names the path (or URL), says why in plain words and what to
 * do, in one line, so the web app, the services and the CLI can print it as it is.
 */
export class StoreOpenError extends Error {
  /** Names `path`, the HELPDESK_KV variable it usually comes from, and what to do about `cause`. */
  constructor(readonly path: string, cause: unknown) {
    super(`cannot open the store ${path} (HELPDESK_KV): ${explainOpenFailure(path, cause)}`, { cause });
    this.name = "StoreOpenError";
  }
}

/** Turns what Deno.openKv or mkdir threw into a reason and a remedy a person can act on. */
function explainOpenFailure(path: string, cause: unknown): string {
  if (cause instanceof DerivedKeysOutdatedError) return cause.message;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof Deno.errors.NotCapable || cause instanceof Deno.errors.PermissionDenied) {
    return `no permission (${message}); allow reading and writing its folder, or set HELPDESK_KV to a ` +
      `path this process may write`;
  }
  // SQLite's words for a file that exists but is no SQLite database: corrupt, or some other file.
  if (/file is not a database|malformed|file is encrypted/i.test(message)) {
    return `the file is not a Deno KV database (corrupt, or another kind of file). Point HELPDESK_KV at the ` +
      `right file, or move this one aside and restore a backup ("deno task import" of an export)`;
  }
  // SQLite's words for a path it cannot create or open: a folder, a missing or read-only parent.
  if (/unable to open database file/i.test(message) || cause instanceof Deno.errors.NotFound) {
    return `it is a folder, or its folder cannot be created or written. Set HELPDESK_KV to a file path in ` +
      `a writable folder (default ./data/helpdesk.sqlite3)`;
  }
  if (/^https?:\/\//.test(path)) {
    return `${message}. Check the KV Connect URL and that DENO_KV_ACCESS_TOKEN holds its access token`;
  }
  return message;
}

/** Opens the KV at a path or URL, creating the folder of a local file first. */
async function openKv(path: string): Promise<Deno.Kv> {
  try {
    if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
      const dir = path.replace(/[\\/][^\\/]*$/, "");
      if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
    }
    return await Deno.openKv(path);
  } catch (error) {
    throw new StoreOpenError(path, error);
  }
}
