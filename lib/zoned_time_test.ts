import assert from "node:assert/strict";
import fc from "fast-check";
import { startOfCampusDay, startOfNextCampusDay, startOfNextCampusMonth } from "./zoned_time.ts";
import { dateOf } from "./data/time_buckets.ts";

Deno.test("[time] campus days start at local midnight, DST days too", () => {
  assert.equal(startOfCampusDay("2026-03-29", "Europe/Berlin").toISOString(), "2026-03-28T23:00:00.000Z");
  assert.equal(startOfNextCampusDay("2026-03-29", "Europe/Berlin").toISOString(), "2026-03-29T22:00:00.000Z");
  assert.equal(startOfCampusDay("2026-11", "America/New_York").toISOString(), "2026-11-01T04:00:00.000Z");
  assert.equal(
    startOfNextCampusMonth("2026-11", "America/New_York").toISOString(),
    "2026-12-01T05:00:00.000Z",
  );
  assert.equal(
    startOfCampusDay("2026-05-02", "Pacific/Kiritimati").toISOString(),
    "2026-05-01T10:00:00.000Z",
  );
  fc.assert(
    fc.property(
      fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"),
      fc.integer({ min: Date.parse("2024-01-01T00:00:00Z"), max: Date.parse("2028-01-01T00:00:00Z") }),
      (zone, ms) => {
        const date = dateOf(ms, zone);
        const start = startOfCampusDay(date, zone).getTime();
        assert.ok(start <= ms && ms < startOfNextCampusDay(date, zone).getTime());
        assert.equal(dateOf(start, zone), date);
        assert.notEqual(dateOf(start - 1, zone), date);
      },
    ),
    { numRuns: 500 },
  );
});
