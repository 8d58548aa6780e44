/**
 * Lengths of time and calendar names that server, services, CLI and browser code share. Free of imports,
 * so an island can use it without pulling server code into its bundle.
 */

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;

/** One hour in milliseconds. */
export const HOUR_MS = 60 * MINUTE_MS;

/** 24 hours in milliseconds: a UTC day, not a calendar day where daylight saving can make it 23 or 25. */
export const DAY_MS = 24 * HOUR_MS;

/** English month abbreviations, January first, as pages and charts show them. */
export const MONTH_ABBREVIATIONS: readonly string[] = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
