import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import { SelectField } from "~/components/Field";
import {
  CaseMap,
  STAGE_COLOURS,
  statusMatters,
  type MapCaseMarker,
  type MapHotSpot,
  type MapSelection,
  type MapView,
} from "~/components/map/CaseMap";
import { DISTRICTS_URL } from "~/components/map/base";
import { TicketFilterFields } from "~/components/tickets/TicketFilterFields";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { keysOf } from "~/lib/keys";
import { selectedFilterChoices } from "~/lib/ticket-filters.server";
import styles from "~/styles/map.css?url";
import { firstClusters, mapCases, mapFilterSchema, MAX_ZOOM } from "../../server/map";
import type { Database } from "../../db/client";
import { can, type Actor } from "../../server/identity";
import { hotSpotFeatures } from "../../server/insights";
import { listRegions } from "../../server/regions";
import { queueRole } from "../../server/tickets";

const T = t.map;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  // Fetched by the map's style once mapbox-gl has loaded: asked for with the page instead.
  { rel: "preload", href: DISTRICTS_URL, as: "fetch", crossOrigin: "anonymous" },
];
export const meta: MetaFunction = () => [{ title: `${T.title} · ${t.app.name}` }];

const filterKeys = ["type", "categoryId", "regionCode", "from", "to", "status", "stage"] as const;
const CITY_VIEW: MapView = { lon: 116.4, lat: 40.1, zoom: 8 };
/** How close to come when the filters name an area: district, street, community. */
const zoomForCode: Record<number, number> = { 6: 11, 9: 13.5, 12: 15.5 };

/** `v=lon,lat,zoom` in the URL: the shared view. */
function parseView(text: string | null): MapView | null {
  const [lon, lat, zoom] = (text ?? "").split(",").map(Number);
  if ([lon, lat, zoom].some((n) => n === undefined || !Number.isFinite(n))) return null;
  if (lon! < 115 || lon! > 118 || lat! < 39 || lat! > 41.5 || zoom! < 6 || zoom! > MAX_ZOOM) return null;
  return { lon: lon!, lat: lat!, zoom: zoom! };
}

/**
 * Where to look for an area: its own position, else the middle of the places inside it that have one
 * (street offices have none; their communities may), else its district's, a little further out.
 */
function areaView(regions: { code: string; lon: number | null; lat: number | null }[], code: string): MapView | null {
  const zoom = zoomForCode[code.length] ?? CITY_VIEW.zoom;
  const own = regions.find((r) => r.code === code && r.lon != null && r.lat != null);
  if (own) return { lon: own.lon!, lat: own.lat!, zoom };
  const inside = regions.filter((r) => r.code.startsWith(code) && r.lon != null && r.lat != null);
  if (inside.length) {
    const mean = (f: (r: (typeof inside)[number]) => number) => inside.reduce((n, r) => n + f(r), 0) / inside.length;
    return { lon: mean((r) => r.lon!), lat: mean((r) => r.lat!), zoom };
  }
  const district = regions.find((r) => r.code === code.slice(0, 6) && r.lon != null && r.lat != null);
  return district ? { lon: district.lon!, lat: district.lat!, zoom: zoomForCode[6]! } : null;
}

/**
 * The hot spots the actor may read under the map's area, category and time filters, as last detected
 * (decision 0014), with what the layer and its panel show. They come with the page, like the cases:
 * fetched apart, their arrival cost the first map another frame (decision 0013). Someone who may see
 * the map but not insights gets none.
 */
async function mapHotSpots(database: Database, actor: Actor, filters: Record<string, string>): Promise<MapHotSpot[]> {
  if (!can(actor, "read:insight")) return [];
  const { regionCode, categoryId, from, to } = filters;
  const { features } = await hotSpotFeatures(database, actor, { regionCode, categoryId, from, to });
  return features.map(({ geometry: { coordinates }, properties: p }) => ({
    lon: coordinates[0],
    lat: coordinates[1],
    family: p.family,
    ticketCount: p.ticketCount,
    radiusM: p.radiusM,
    trend: p.trend,
    score: p.score,
    link: p.link,
  }));
}

const viewText = (v: MapView) => `${v.lon.toFixed(5)},${v.lat.toFixed(5)},${v.zoom.toFixed(2)}`;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:map");
  const url = new URL(request.url);
  // A filter the form could not have produced is dropped rather than failing the page.
  const filters: Record<string, string> = {};
  for (const key of filterKeys) {
    const value = url.searchParams.get(key);
    if (value && mapFilterSchema.shape[key].safeParse(value).success) filters[key] = value;
  }
  let view = parseView(url.searchParams.get("v"));
  if (!view && filters.regionCode) view = areaView(await listRegions(context.database), filters.regionCode);
  view ??= CITY_VIEW;
  // The flow and the first view's clusters come with the page: fetched after hydration, their answers
  // waited behind the map's first frames, and each arrival cost more frames (decision 0013).
  const [choices, flow, first, hotSpots] = await loadOrThrow(() =>
    Promise.all([
      selectedFilterChoices(context.database, filters),
      mapCases(context.database, actor, filters),
      firstClusters(context.database, actor, filters, view),
      mapHotSpots(context.database, actor, filters),
    ]),
  );
  return {
    filters,
    query: new URLSearchParams(filters).toString(),
    view,
    heatmap: url.searchParams.get("heat") === "1",
    choices,
    flow,
    first,
    hotSpots,
    // "Open as a list" goes to the staff queues' 全部; other roles that see the map have no such list.
    staffQueues: queueRole(actor) !== "resident",
  };
}

interface TicketSummary {
  id: number;
  number: string;
  status: keyof typeof t.tickets.statuses;
  category: string;
  address: string;
  place: string;
  receivedAt: string;
  leadName: string | null;
}

function CasePanel(props: { marker: MapCaseMarker }) {
  const { marker } = props;
  const C = T.case;
  const waiting =
    marker.stage === "whistle"
      ? marker.parties.filter((p) => p.status === "pending" || p.status === "absent").length
      : marker.parties.filter((p) => p.status === "unsigned").length;
  return (
    <>
      <h2 id="map-panel-title">{marker.title}</h2>
      <dl className="map-panel-facts">
        <dt>{C.stage}</dt>
        <dd>
          <span className="stage-dot" style={{ background: STAGE_COLOURS[marker.stage] }} aria-hidden="true" />
          {C.kinds[marker.kind]} · {T.flow.stages[marker.stage]}
        </dd>
        <dt>{C.waiting}</dt>
        <dd>{C.waitingFor[marker.stage]?.(waiting)}</dd>
      </dl>
      <h3>{C.parties}</h3>
      <ul className="case-parties">
        {marker.parties.map((p, i) => (
          <li key={i} data-status={statusMatters(marker.stage) ? p.status : undefined}>
            <span className="badge">{C.roles[p.role]}</span> {p.name}
            {statusMatters(marker.stage) ? <span> · {C.statuses[p.status]}</span> : null}
          </li>
        ))}
      </ul>
      {marker.meetings.length ? (
        <>
          <h3>{C.meetings}</h3>
          <ul className="case-meetings">
            {marker.meetings.map((m) => (
              <li key={m.id}>
                <span className="badge">{C.meetingStatuses[m.status]}</span> {m.title}
                <br />
                <span className="muted">
                  {formatDateTime(m.startsAt)} · {m.place}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="muted">{C.tickets(marker.ticketCount)}</p>
      <Link className="button primary" to={marker.link}>
        {C.open}
      </Link>
    </>
  );
}

function SidePanel(props: {
  selection: MapSelection;
  listHref: string | null;
  cases: MapCaseMarker[];
  onClose: () => void;
}) {
  const { selection } = props;
  const [ticket, setTicket] = useState<TicketSummary | "failed" | null>(null);
  useEffect(() => {
    if (selection.kind !== "ticket") return;
    const controller = new AbortController();
    setTicket(null);
    fetch(`/map/tickets/${selection.ticketId}`, { signal: controller.signal })
      .then((r) => (r.ok ? (r.json() as Promise<TicketSummary>) : Promise.reject(new Error(String(r.status)))))
      .then(setTicket)
      .catch((error: Error) => {
        if (error.name !== "AbortError") setTicket("failed");
      });
    return () => controller.abort();
  }, [selection]);

  return (
    <aside className="map-panel card" aria-labelledby="map-panel-title">
      <button type="button" className="button map-panel-close" onClick={props.onClose}>
        {T.panel.close}
      </button>
      {selection.kind === "case" ? (
        <CasePanel marker={props.cases.find((c) => c.key === selection.key)!} />
      ) : selection.kind === "hotspot" ? (
        <>
          <h2 id="map-panel-title">{T.hotSpot.title(selection.family)}</h2>
          <dl className="map-panel-facts">
            <dt>{T.hotSpot.tickets}</dt>
            <dd>{selection.ticketCount}</dd>
            <dt>{T.hotSpot.trend}</dt>
            <dd>{t.insights.trends[selection.trend as keyof typeof t.insights.trends] ?? selection.trend}</dd>
            <dt>{T.hotSpot.score}</dt>
            <dd>{selection.score.toFixed(1)}</dd>
          </dl>
          <Link className="button primary" to={selection.link}>
            {T.hotSpot.open}
          </Link>
        </>
      ) : selection.kind === "stack" ? (
        <>
          <h2 id="map-panel-title">{T.stacked(selection.count)}</h2>
          <p>{T.panel.stackedHint}</p>
          {props.listHref ? (
            <Link className="button" to={props.listHref}>
              {T.openList}
            </Link>
          ) : null}
        </>
      ) : ticket === null ? (
        <p id="map-panel-title">{T.panel.loading}</p>
      ) : ticket === "failed" ? (
        <p id="map-panel-title" role="alert">
          {T.failed}
        </p>
      ) : (
        <>
          <h2 id="map-panel-title">
            {T.panel.ticket} {ticket.number}
          </h2>
          <dl className="map-panel-facts">
            <dt>{T.panel.status}</dt>
            <dd>{t.tickets.statuses[ticket.status]}</dd>
            <dt>{T.panel.category}</dt>
            <dd>{ticket.category}</dd>
            <dt>{T.panel.address}</dt>
            <dd>
              {ticket.address}
              {ticket.place ? <span className="muted"> （{ticket.place}）</span> : null}
            </dd>
            <dt>{T.panel.received}</dt>
            <dd>{formatDateTime(ticket.receivedAt)}</dd>
          </dl>
          <Link className="button primary" to={`/tickets/${ticket.id}`}>
            {T.panel.open}
          </Link>
        </>
      )}
    </aside>
  );
}

export default function MapPage() {
  const data = useLoaderData<typeof loader>();
  const [total, setTotal] = useState<number | null>(null);
  const [selection, setSelection] = useState<MapSelection | null>(null);
  const [view, setView] = useState(data.view);
  const [heatmap, setHeatmap] = useState(data.heatmap);
  const { flow } = data;
  const cases = flow.cases;
  // A stage in the band toggles the `stage` filter; the view stays where it is.
  const stageHref = (stage: string) => {
    const params = new URLSearchParams({ ...data.filters, v: viewText(view) });
    if (data.filters.stage === stage) params.delete("stage");
    else params.set("stage", stage);
    return `/map?${params}`;
  };
  const listHref = data.staffQueues ? `/tickets?${new URLSearchParams({ queue: "all", ...data.filters })}` : null;

  // The view travels in the URL without a navigation (no loader run per pan).
  const onView = useCallback((next: MapView) => {
    setView(next);
    const url = new URL(window.location.href);
    url.searchParams.set("v", viewText(next));
    window.history.replaceState(window.history.state, "", url);
  }, []);

  return (
    <main id="main" className="page map-page">
      <div className="page-head">
        <h1>{T.title}</h1>
        <p className="muted" aria-live="polite" data-testid="map-total">
          {total === null ? "" : T.inView(total)}
        </p>
      </div>
      {/* Closed by default, so the map stays in view; the summary says how many filters apply. */}
      <details className="card filters">
        <summary>{T.filtersApplied(Object.keys(data.filters).length)}</summary>
        <Form method="get" className="filter-form">
          <input type="hidden" name="v" value={viewText(view)} />
          {data.filters.stage ? <input type="hidden" name="stage" value={data.filters.stage} /> : null}
          <TicketFilterFields idPrefix="map" filters={data.filters} selected={data.choices} />
          <SelectField name="status" id="map-status" label={T.status} defaultValue={data.filters.status}>
            <option value="">{T.anyStatus}</option>
            {keysOf(t.tickets.statuses).map((s) => (
              <option key={s} value={s}>
                {t.tickets.statuses[s]}
              </option>
            ))}
          </SelectField>
          <div className="filter-actions">
            <button type="submit" className="button primary">
              {T.apply}
            </button>
            <Link className="button" to="/map">
              {T.reset}
            </Link>
            {listHref ? (
              <Link className="button" to={listHref}>
                {T.openList}
              </Link>
            ) : null}
          </div>
        </Form>
      </details>
      <nav className="flow-band" aria-label={T.flow.label}>
        <ol>
          {Object.keys(T.flow.stages).map((stage) => (
            <li key={stage}>
              <Link
                to={stageHref(stage)}
                aria-current={data.filters.stage === stage ? "true" : undefined}
                data-stage={stage}
                preventScrollReset
              >
                <span className="stage-dot" style={{ background: STAGE_COLOURS[stage] }} aria-hidden="true" />
                {T.flow.stages[stage]} <strong>{flow.stages[stage as keyof typeof flow.stages]}</strong>
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      {flow.bound ? (
        <p className="muted small" role="status">
          {T.flow.bounded(flow.bound)}
        </p>
      ) : null}
      <div className="map-toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={heatmap}
            onChange={(e) => {
              setHeatmap(e.currentTarget.checked);
              const url = new URL(window.location.href);
              if (e.currentTarget.checked) url.searchParams.set("heat", "1");
              else url.searchParams.delete("heat");
              window.history.replaceState(window.history.state, "", url);
            }}
          />
          {T.heatmap}
        </label>
      </div>
      <div className="map-layout">
        <CaseMap
          query={data.query}
          cases={cases}
          selectedCase={selection?.kind === "case" ? selection.key : null}
          hotSpots={data.hotSpots}
          view={data.view}
          first={data.first}
          heatmap={heatmap}
          onSelect={setSelection}
          onTotal={setTotal}
          onView={onView}
        />
        {selection && (selection.kind !== "case" || cases.some((c) => c.key === selection.key)) ? (
          <SidePanel selection={selection} listHref={listHref} cases={cases} onClose={() => setSelection(null)} />
        ) : null}
      </div>
      <ul className="map-legend" aria-label={T.legend.title}>
        <li>
          <span className="swatch swatch-cluster" aria-hidden="true" />
          {T.legend.cluster}
        </li>
        <li>
          <span className="swatch swatch-case" aria-hidden="true" />
          {T.legend.case}
        </li>
        <li>
          <span className="swatch swatch-hot-spot" aria-hidden="true" />
          {T.legend.hotSpot}
        </li>
        <li>
          <span className="swatch swatch-meeting" aria-hidden="true" />
          {T.legend.meeting}
        </li>
        <li>
          <span className="swatch swatch-open" aria-hidden="true" />
          {T.legend.open}
        </li>
        <li>
          <span className="swatch swatch-closed" aria-hidden="true" />
          {T.legend.closed}
        </li>
        <li>
          <span className="swatch swatch-line" aria-hidden="true" />
          {T.legend.district}
        </li>
      </ul>
    </main>
  );
}
