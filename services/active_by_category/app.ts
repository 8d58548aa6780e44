/** Service 3: how many tickets are being worked on (status active) in each category. */
import type { Hono } from "hono";
import { z } from "zod";
import { CATEGORIES } from "../../lib/categories.ts";
import { countByStatusCategory, type Db } from "../../lib/data/mod.ts";
import type { ActiveAnswer } from "../contracts.ts";
import {
  createServiceApp,
  formatParameter,
  parseQuery,
  sendAnswer,
  type ServiceOptions,
  unknownParameterError,
} from "../shared.ts";

const querySchema = z.strictObject({ format: formatParameter }, {
  error: unknownParameterError("only format=json|csv"),
});

/**
 * Builds the active-by-category service: `GET /v1/active-by-category` and `GET /health`. It takes the
 * options every service takes, so callers build the three alike, but has no clock to pin.
 */
export function createActiveByCategoryService(db: Db, _options: ServiceOptions = {}): Hono {
  const app = createServiceApp(["/v1/active-by-category"]);
  app.get("/v1/active-by-category", async (c) => {
    const { format } = parseQuery(c, querySchema);
    const counts = await countByStatusCategory(db);
    const answer: ActiveAnswer = {
      categories: CATEGORIES.map((category) => ({ category, active: counts.active[category] })),
    };
    return sendAnswer(c, format, answer, () => ({
      filename: "active-by-category.csv",
      header: ["category", "active"],
      rows: answer.categories.map((e) => [e.category, e.active]),
    }));
  });
  return app;
}
