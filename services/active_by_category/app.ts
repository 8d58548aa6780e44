/** Service 3: how many tickets are being worked on (status active) in each category. */
import type { Hono } from "hono";
import { z } from "zod";
import { CATEGORIES } from "../../lib/categories.ts";
import { countByStatusCategory, type Db } from "../../lib/data/mod.ts";
import type { ActiveAnswer } from "../contracts.ts";
import { createServiceApp, parseQuery, type ServiceOptions, unknownParameterError } from "../shared.ts";

const querySchema = z.strictObject({}, { error: unknownParameterError("no parameters") });

/**
 * Builds the active-by-category service: `GET /v1/active-by-category` and `GET /health`. It takes the
 * options every service takes, so callers build the three alike, but has no clock to pin.
 */
export function createActiveByCategoryService(db: Db, _options: ServiceOptions = {}): Hono {
  const app = createServiceApp(["/v1/active-by-category"]);
  app.get("/v1/active-by-category", async (c) => {
    parseQuery(c, querySchema);
    const counts = await countByStatusCategory(db);
    const answer: ActiveAnswer = {
      categories: CATEGORIES.map((category) => ({ category, active: counts.active[category] })),
    };
    return c.json(answer);
  });
  return app;
}
