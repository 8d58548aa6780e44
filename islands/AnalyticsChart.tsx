/**
 * A frappe-charts chart of one analytics answer, with its axis titles (units) beside it. The server renders
 * only an empty, aria-hidden box — the numbers, and the links to the tickets behind them, are in the
 * accessible table next to it — and the browser draws the chart into it, so the page is complete without
 * JavaScript and the chart is an enhancement. A click on a bar follows its link, like the table's number.
 */
import { useEffect, useRef } from "preact/hooks";
// The ESM build by path: the package's "main" is CommonJS and its "browser" build is UMD.
import { Chart } from "frappe-charts/dist/frappe-charts.min.esm.js";
import { defineIsland } from "../lib/islands/define_island.tsx";
import { CHOSEN_COLOR, CONTEXT_COLOR } from "../lib/category_colors.ts";

/** Props of the chart: labels along the x axis and one or more series of values. */
interface AnalyticsChartProps {
  labels: string[];
  datasets: { name: string; values: number[] }[];
  /** Unit shown after a value in the tooltip, e.g. "hours". */
  unit: string;
  /** Title of the y axis with its unit, e.g. "Tickets" or "Hours". */
  yTitle: string;
  /** Title of the x axis, e.g. "Opening month". */
  xTitle: string;
  /** One colour per dataset. */
  colors?: string[];
  /** "bar" (default) or "line". */
  type?: "bar" | "line";
  /** Stack the datasets: one bar per label whose colour says which dataset holds it. */
  stacked?: boolean;
  /** Where a click on each label's bar leads (the tickets behind it); null for none. */
  links?: (string | null)[];
  /** Extra words for some labels in the tooltip, e.g. "no ticket closed" for an empty month. */
  notes?: Record<string, string>;
  /** Height in pixels (the overview's small charts are lower). */
  height?: number;
}

interface FrappeChart {
  unbindWindowEvents?: () => void;
}

/** The chart box; the chart itself appears once the browser runs the island. */
function AnalyticsChart(props: AnalyticsChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parent = box.current;
    if (!parent) return;
    const notes = props.notes ?? {};
    const links = props.links ?? [];
    const chart = new (Chart as unknown as new (parent: HTMLElement, options: unknown) => FrappeChart)(
      parent,
      {
        type: props.type ?? "bar",
        height: props.height ?? 260,
        data: { labels: props.labels, datasets: props.datasets },
        colors: props.colors ?? [CHOSEN_COLOR, CONTEXT_COLOR],
        // frappe animates by swapping its SVG for a copy for a moment; a redraw in that moment (a resize)
        // then removes an element that is not there and throws. The chart appears at once instead.
        animate: 0,
        barOptions: { spaceRatio: 0.35, stacked: props.stacked ? 1 : 0 },
        lineOptions: { regionFill: 1, hideDots: props.labels.length > 40 ? 1 : 0 },
        // Series labels thin out on narrow screens instead of overlapping.
        axisOptions: { xIsSeries: props.labels.length > 6 ? 1 : 0, xAxisMode: "tick", yAxisMode: "span" },
        tooltipOptions: {
          formatTooltipX: (label: string) => notes[label] ? `${label} (${notes[label]})` : label,
          // frappe also formats while it sets up, before values exist.
          formatTooltipY: (value: number | undefined) =>
            typeof value === "number"
              ? `${value.toLocaleString("en", { maximumFractionDigits: 1 })} ${props.unit}`
              : "",
        },
      },
    );
    // frappe marks each bar and dot with its label's index; a click on one follows that label's link.
    // (frappe's own "navigable" mode throws on stacked bars, so it stays off.)
    const onClick = (event: Event) => {
      const index = (event.target as Element).closest?.("[data-point-index]")?.getAttribute(
        "data-point-index",
      );
      const link = index == null ? null : links[Number(index)];
      if (link) location.assign(link);
    };
    parent.addEventListener("click", onClick);
    if (links.some(Boolean)) parent.classList.add("chart--links");
    return () => {
      parent.removeEventListener("click", onClick);
      chart.unbindWindowEvents?.();
    };
  }, []);
  const colors = props.colors ?? [CHOSEN_COLOR, CONTEXT_COLOR];
  // The table beside the chart carries the same numbers for assistive technology. The key is ours, not
  // frappe's: frappe cuts every series name to about a dozen letters ("Median days ...") and cannot be told
  // not to (its truncateLegends option turns any false value into true), so its legend is hidden by CSS.
  return (
    <div class="chart-figure" aria-hidden="true">
      <div class="chart-figure__y">{props.yTitle}</div>
      <div class="chart" ref={box}></div>
      <div class="chart-figure__x">{props.xTitle}</div>
      {props.datasets.length > 1 && (
        <ul class="chart-key">
          {props.datasets.map((dataset, i) => (
            <li key={dataset.name}>
              <span class="chart-key__swatch" style={{ background: colors[i % colors.length] }}></span>
              {dataset.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The AnalyticsChart island: rendered on the server with its hydration marker, hydrated in the browser. */
export default defineIsland("AnalyticsChart", AnalyticsChart);
