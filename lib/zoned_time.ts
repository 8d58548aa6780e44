/**
 * The instant a campus calendar day starts, for links from the dashboard's days and months to the ticket
 * list (`openedAfter` / `openedBefore` take instants, the analyses speak in campus dates).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `ms` in `timeZone`, read as if it were UTC (ms). */
function wallAsUtc(ms: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) + (ms % 1000 + 1000) % 1000;
}

/**
 * The first instant of the campus date `date` ("YYYY-MM-DD", or "YYYY-MM" for the month's first day) in
 * `timeZone`. Where midnight does not exist (a daylight-saving jump at 00:00), the first instant after it.
 */
export function startOfCampusDay(date: string, timeZone: string): Date {
  const [y, m, d = 1] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds of "subtract the zone's offset at the guess" land on the offset in force at that midnight.
  let guess = wall - (wallAsUtc(wall, timeZone) - wall);
  guess = wall - (wallAsUtc(guess, timeZone) - guess);
  // A skipped midnight: step forward to the first instant that is on the date.
  while (wallAsUtc(guess, timeZone) < wall) guess += 15 * 60_000;
  return new Date(guess);
}

/** The first instant of the day after `date` ("YYYY-MM-DD") in `timeZone`. */
export function startOfNextCampusDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  return startOfCampusDay(new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10), timeZone);
}

/** The first instant of the month after `month` ("YYYY-MM") in `timeZone`. */
export function startOfNextCampusMonth(month: string, timeZone: string): Date {
  const [y, m] = month.split("-").map(Number);
  return startOfCampusDay(new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7), timeZone);
}
