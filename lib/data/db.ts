/**
 * What an open store is, and the errors of opening one. Opening itself (time zone, migration, rebuilt
 * indexes) is lib/data/open_store.ts, which builds on everything else of the data layer.
 */

/** An open store: the KV handle plus the campus time zone its month counters are kept in. */
export interface Db {
  kv: Deno.Kv;
  timeZone: string;
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

/** A hosted store whose indexes and counters were built by an older release and must be rebuilt offline. */
export class DerivedKeysOutdatedError extends Error {
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
export async function openKv(path: string): Promise<Deno.Kv> {
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
