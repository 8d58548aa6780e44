/**
 * One colour per category, used by every chart and swatch so a category looks the same everywhere; the
 * hues match the category badges of the ticket list. Each has at least 3:1 contrast on white (WCAG 1.4.11).
 * Free of runtime imports, so islands can use it.
 */
import type { Category } from "./categories.ts";

/** The colour of each category in charts and legends. */
export const CATEGORY_COLORS: Record<Category, string> = {
  facility_management: "#0f766e",
  technical_it: "#5b3cc4",
  services_complaints: "#be185d",
};

/** The colour of a chart's main series and of the chosen period. */
export const CHOSEN_COLOR = "#1f4fd1";

/** The colour of the periods shown beside the chosen one, and of a second series. */
export const CONTEXT_COLOR = "#8a94a6";

/** The colour of a third series (p90 beside the median). */
export const ACCENT_COLOR = "#b45309";
