import type * as MapboxGl from "mapbox-gl";
import type { GeoJSONSource, Map as MapboxMap, Marker } from "mapbox-gl";
import { useEffect, useRef, useState } from "react";
import {
  createMap,
  DISTRICTS_URL,
  isOfflineBase,
  loadMapbox,
  revealWhenLoaded,
  styleFor,
  useMapBase,
  whenStyled,
} from "~/components/map/base";
import { overlayDistricts, type DistrictFeature } from "~/components/map/district-overlay";
import preloadedMapbox from "~/components/map/mapbox.client";
import { t } from "~/i18n";
import { fetchOnce } from "~/lib/fetch-once";
import type { Bounds } from "../../../server/map";

const T = t.map;

export interface MapView {
  lon: number;
  lat: number;
  zoom: number;
}

export type MapSelection =
  | { kind: "ticket"; ticketId: number }
  | { kind: "stack"; count: number; lon: number; lat: number }
  | { kind: "hotspot"; family: string; ticketCount: number; trend: string; score: number; link: string }
  | { kind: "case"; key: string };

/** A whistle or council on the map (server/map/cases.ts), with its parties' places. */
export interface MapCaseMarker {
  key: string;
  kind: "problem" | "whistle" | "council";
  id: number;
  title: string;
  stage: string;
  lon: number;
  lat: number;
  link: string;
  ticketCount: number;
  parties: { name: string; role: string; status: string; lon: number | null; lat: number | null }[];
  meetings: {
    id: number;
    title: string;
    startsAt: string;
    place: string;
    lon: number | null;
    lat: number | null;
    status: string;
  }[];
}

const HOT = "#d9822b";
const HOT_RISING = "#b3261e";
/** Screen pixels per metre on the ground at zoom 8 at Beijing's latitude (256-pixel tiles). */
const PIXELS_PER_METRE_AT_8 = 256 / (156_543.03 * Math.cos((40 * Math.PI) / 180));

/** The flow's colours, 未诉先办 → 评价. */
export const STAGE_COLOURS: Record<string, string> = {
  proactive: "#7b4fa0",
  whistle: "#d9822b",
  council: "#1f7a8c",
  plan: "#2f6db3",
  implementation: "#2e8540",
  review: "#8a6d1f",
};

/** A hot spot as the map draws it (`hotSpotFeatures` of the insights domain, trimmed by the page's loader). */
export interface MapHotSpot {
  lon: number;
  lat: number;
  family: string;
  ticketCount: number;
  radiusM: number;
  trend: string;
  score: number;
  link: string;
}

/**
 * Every circle of ours but the hot spots paints from its feature's own properties, so all of them share
 * one WebGL program. Without a GPU each program is compiled in software, ~15 ms of a first map, and
 * mapbox-gl compiles one per mix of constant and data-driven paint properties (decision 0013).
 */
const MARKER_PAINT = {
  "circle-color": ["get", "fill"],
  "circle-radius": ["get", "radius"],
  "circle-opacity": ["get", "opacity"],
  "circle-stroke-color": ["get", "stroke"],
  "circle-stroke-width": ["get", "strokeWidth"],
} as const;

const markerPaint = (fill: string, radius: number, stroke: string, strokeWidth: number, opacity = 1) => ({
  fill,
  radius,
  stroke,
  strokeWidth,
  opacity,
});

const point = (coordinates: [number, number], properties: Record<string, unknown>) => ({
  type: "Feature",
  geometry: { type: "Point", coordinates },
  properties,
});

/**
 * Everything on the map but the tickets, as one source: hot spots, the selected case's lines to its
 * parties (residents have no place of their own), the councils' meeting places, and the cases. Each
 * source is its own tiles to cut in the worker and hand back for every view; four sources cost a first
 * map ~40 ms more than one (decision 0013). Layers pick their part by `kind`.
 */
function overlayGeoJson(cases: MapCaseMarker[], selected: MapCaseMarker | undefined, hotSpots: MapHotSpot[]) {
  const features: unknown[] = hotSpots.map((h) =>
    point([h.lon, h.lat], {
      kind: "hot-spot",
      family: h.family,
      ticketCount: h.ticketCount,
      radiusM: h.radiusM,
      trend: h.trend,
      score: h.score,
      link: h.link,
    }),
  );
  for (const p of selected?.parties ?? []) {
    if (p.lon == null || p.lat == null || (p.lon === selected!.lon && p.lat === selected!.lat)) continue;
    features.push({
      type: "Feature",
      geometry: {
        type: "LineString",
        coordinates: [
          [selected!.lon, selected!.lat],
          [p.lon, p.lat],
        ],
      },
      properties: { kind: "party-line", status: statusMatters(selected!.stage) ? p.status : "settled" },
    });
  }
  for (const c of cases)
    for (const m of c.meetings) {
      if (m.lon == null || m.lat == null) continue;
      const stroke = m.status === "held" ? "#7b8794" : "#1f2933";
      features.push(
        point([m.lon, m.lat], {
          kind: "meeting",
          key: c.key,
          meetingId: m.id,
          status: m.status,
          ...markerPaint("#ffffff", 6, stroke, 3),
        }),
      );
    }
  for (const c of cases) {
    const fill = STAGE_COLOURS[c.stage] ?? "#555555";
    features.push(
      point([c.lon, c.lat], { kind: "case", key: c.key, stage: c.stage, ...markerPaint(fill, 11, "#ffffff", 3) }),
    );
  }
  return { type: "FeatureCollection", features };
}

const ofKind = (kind: string) => ["==", ["get", "kind"], kind];

/**
 * The selected case's lines to its parties, under the tickets' points, only while a case is selected.
 * mapbox-gl clips line and fill layers to their tiles with stencil masks, drawn in every frame for each
 * such layer's tiles even when it has nothing to draw (in software, without a GPU: decision 0013).
 */
function showPartyLines(m: MapboxMap, shown: boolean) {
  if (!m.getSource("overlay") || shown === !!m.getLayer("party-lines")) return;
  if (!shown) {
    m.removeLayer("party-lines");
    return;
  }
  m.addLayer(
    {
      id: "party-lines",
      type: "line",
      source: "overlay",
      filter: ofKind("party-line"),
      paint: {
        "line-color": ["match", ["get", "status"], ["absent", "unsigned"], "#b3261e", "#1f2933"],
        "line-width": 2,
        "line-dasharray": [2, 1.5],
      },
    },
    "ticket-points",
  );
}

const overlayOf = (p: { cases: MapCaseMarker[]; selectedCase: string | null; hotSpots: MapHotSpot[] }) =>
  overlayGeoJson(
    p.cases,
    p.cases.find((c) => c.key === p.selectedCase),
    p.hotSpots,
  );

/** Where a party stands matters while the case waits on it: reporting to a whistle, signing the plan. */
export const statusMatters = (stage: string) => stage === "whistle" || stage === "plan";

type Feature = {
  type: "Feature";
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: {
    cluster: boolean;
    count: number;
    expansionZoom?: number;
    stacked?: boolean;
    ticketId?: number;
    status?: string;
  };
};

const OPEN = "#0b5cad";
const CLOSED = "#6b7785";
const CLUSTER = "#b3261e";

/** The view's clusters and tickets, each with the paint MARKER_PAINT reads. */
const collection = (features: Feature[]) => ({
  type: "FeatureCollection",
  features: features.map((f) => ({
    ...f,
    properties: {
      ...f.properties,
      ...(f.properties.cluster
        ? markerPaint(CLUSTER, clusterRadius(f.properties.count), "#ffffff", 2, 0.82)
        : markerPaint(f.properties.status === "closed" ? CLOSED : OPEN, 7, "#ffffff", 2)),
    },
  })),
});

/** The clusters a page starts with (server/map firstClusters): those of a screen around its view. */
export type FirstView = Bounds & { zoom: number; features: Feature[] };

/** The tickets drawn in one view and how many there are. */
interface InView {
  features: Feature[];
  total: number;
}

/**
 * The first clusters inside the map's view, or null when they were counted at another zoom or do not
 * cover the view (a larger screen, a view moved since): then the view's own are fetched. Clusters are
 * kept by their centre, so the total is what the clusters drawn add up to.
 */
function firstInView(first: FirstView | null, m: MapboxMap): InView | null {
  if (!first || Math.floor(first.zoom) !== Math.floor(m.getZoom())) return null;
  const b = m.getBounds();
  const [west, south, east, north] = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  if (west < first.west || east > first.east || south < first.south || north > first.north) return null;
  const features = first.features.filter((f) => {
    const [lon, lat] = f.geometry.coordinates;
    return lon >= west && lon <= east && lat >= south && lat <= north;
  });
  return { features, total: features.reduce((n, f) => n + f.properties.count, 0) };
}

/** A cluster's radius in pixels by how many tickets it holds. */
const clusterRadius = (count: number) =>
  count < 10 ? 13 : count < 100 ? 17 : count < 1000 ? 22 : count < 10000 ? 27 : 32;

/** 12345 → "1.2万": cluster labels stay short at city zoom. */
function shortCount(n: number): string {
  return n >= 10_000 ? `${(n / 10_000).toFixed(n >= 100_000 ? 0 : 1)}万` : String(n);
}

/** A label point for a district: the mean of its largest ring's vertices (good enough for Beijing's shapes). */
function labelPoint(geometry: { type: string; coordinates: unknown }): [number, number] | null {
  const polygons = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates) as number[][][][];
  let best: number[][] | null = null;
  for (const polygon of polygons) if (!best || polygon[0]!.length > best.length) best = polygon[0]!;
  if (!best?.length) return null;
  const sum = best.reduce((acc, [lon, lat]) => [acc[0]! + lon!, acc[1]! + lat!], [0, 0]);
  return [sum[0]! / best.length, sum[1]! / best.length];
}

/**
 * The case map: tickets as server-computed clusters (decision 0013) that
 * split as one zooms, a heatmap toggle, district names. Data is fetched for
 * the viewport after each move; `query` holds the filters (URL form).
 */
export function CaseMap(props: {
  query: string;
  cases: MapCaseMarker[];
  selectedCase: string | null;
  hotSpots: MapHotSpot[];
  view: MapView;
  first: FirstView | null;
  heatmap: boolean;
  onSelect: (selection: MapSelection) => void;
  onTotal: (total: number | null) => void;
  onView: (view: MapView) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapboxMap | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "unavailable" | "failed">("loading");
  const latest = useRef(props);
  latest.current = props;
  const reload = useRef<() => void>(() => undefined);
  const base = useMapBase();

  useEffect(() => {
    let cancelled = false;
    let map: MapboxMap | null = null;
    const markers: Marker[] = [];
    const countMarkers: Marker[] = [];
    let inflight: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let removeDistricts = () => undefined as void;
    // On our own base the districts are SVG under the canvas; over a configured base, layers on top of it.
    const svgDistricts = isOfflineBase(base);
    // The page preloads the districts (its links): names, and on our own base the outlines too. Fetched
    // once a page: a map made again (another visit to /map) reuses them.
    const districts = fetchOnce<{ features: DistrictFeature[] }>(DISTRICTS_URL).catch(() => null);

    loadMapbox(base, preloadedMapbox)
      .then(async (mapboxgl: typeof MapboxGl) => {
        if (cancelled || !container.current) return;
        const { view } = latest.current;
        map = createMap(mapboxgl, {
          container: container.current,
          style: styleFor(base, { districtsAsSvg: svgDistricts }),
          center: [view.lon, view.lat],
          zoom: view.zoom,
          minZoom: 6,
          maxZoom: 18,
          attributionControl: false,
          dragRotate: false,
          pitchWithRotate: false,
          // Nothing of ours fades in: every drawn frame costs ~50 ms of software rendering on a
          // machine without a GPU, and a fade is several of them.
          fadeDuration: 0,
        });
        if (!map) {
          setState("unavailable");
          return;
        }
        mapRef.current = map;
        // Over a configured base its tiles show as they arrive; over ours the first map comes whole.
        const drawn = svgDistricts ? revealWhenLoaded(map) : Promise.resolve();
        // A handle for the browser console and the browser tests, which check what is drawn.
        (window as unknown as { roundtableMap?: MapboxMap }).roundtableMap = map;
        map.touchZoomRotate.disableRotation();
        map.addControl(new mapboxgl.NavigationControl({ showCompass: false }), "top-right");
        map.getCanvas().setAttribute("aria-label", T.region);
        map.on("error", () => undefined);
        // District names as HTML: the style ships no glyphs. Without them the map still works.
        const districtsDrawn = districts.then((geo) => {
          if (!geo || cancelled || !map) return;
          if (svgDistricts) removeDistricts = overlayDistricts(map, geo.features);
          for (const f of geo.features) {
            const at = labelPoint(f.geometry);
            if (!at) continue;
            const label = document.createElement("span");
            label.className = "district-label";
            label.textContent = f.properties.name;
            markers.push(new mapboxgl.Marker({ element: label }).setLngLat(at).addTo(map));
          }
        });
        // Our sources, with the data that came with the page, join the style as soon as it is parsed
        // (`style.load`), not once its own sources have loaded (`load`): all of them then load together,
        // and fewer frames are drawn before everything is there (decision 0013, "First render").
        const styled = new Promise<void>((resolve) => map!.once("style.load", () => resolve()));

        /** Draws a viewport's tickets: the source, the clusters' counts, the total in view. */
        const show = (m: MapboxMap, data: InView, setSource: boolean) => {
          if (setSource) (m.getSource("tickets") as GeoJSONSource).setData(collection(data.features) as never);
          for (const marker of countMarkers.splice(0)) marker.remove();
          for (const f of data.features) {
            if (!f.properties.cluster) continue;
            const label = document.createElement("span");
            label.className = "cluster-count";
            label.textContent = shortCount(f.properties.count);
            label.setAttribute("aria-hidden", "true");
            countMarkers.push(new mapboxgl.Marker({ element: label }).setLngLat(f.geometry.coordinates).addTo(m));
          }
          latest.current.onTotal(data.total);
          // Ready once the districts and the canvas are drawn too: the first map is the whole map.
          void Promise.all([districtsDrawn, drawn]).then(() => {
            if (!cancelled) setState("ready");
          });
        };

        const load = async () => {
          const m = map;
          if (!m || cancelled) return;
          inflight?.abort();
          const controller = new AbortController();
          inflight = controller;
          const b = m.getBounds();
          const params = new URLSearchParams(latest.current.query);
          params.set("west", b.getWest().toFixed(5));
          params.set("south", b.getSouth().toFixed(5));
          params.set("east", b.getEast().toFixed(5));
          params.set("north", b.getNorth().toFixed(5));
          params.set("zoom", m.getZoom().toFixed(2));
          try {
            const response = await fetch(`/map/points?${params}`, { signal: controller.signal });
            if (!response.ok) throw new Error(String(response.status));
            const data = (await response.json()) as InView;
            await styled;
            if (controller.signal.aborted || cancelled) return;
            show(m, data, true);
          } catch (error) {
            if ((error as Error).name === "AbortError" || cancelled) return;
            latest.current.onTotal(null);
            setState("failed");
          }
        };
        // A new page's first clusters (the filters changed) are drawn when they cover the view; otherwise,
        // and after every move, the view's own are fetched.
        reload.current = () => {
          const m = map;
          const data = m && m.getSource("tickets") ? firstInView(latest.current.first, m) : null;
          if (data) {
            inflight?.abort();
            show(m!, data, true);
          } else void load();
        };

        void styled.then(() => {
          const m = map!;
          if (cancelled) return;
          if (!svgDistricts) whenStyled(m);
          // The first clusters join the style with the other sources when they cover the view.
          const first = firstInView(latest.current.first, m);
          m.addSource("tickets", { type: "geojson", data: collection(first?.features ?? []) as never });
          m.addSource("overlay", { type: "geojson", data: overlayOf(latest.current) as never });
          // Hot spots under everything else (decision 0014): a disc as wide as the hot spot on the ground.
          m.addLayer({
            id: "hot-spots",
            type: "circle",
            source: "overlay",
            filter: ofKind("hot-spot"),
            paint: {
              "circle-color": ["match", ["get", "trend"], "rising", HOT_RISING, HOT],
              "circle-opacity": 0.22,
              "circle-stroke-color": ["match", ["get", "trend"], "rising", HOT_RISING, HOT],
              "circle-stroke-width": 2,
              "circle-radius": [
                "interpolate",
                ["exponential", 2],
                ["zoom"],
                8,
                ["max", 8, ["*", ["get", "radiusM"], PIXELS_PER_METRE_AT_8]],
                18,
                ["max", 8, ["*", ["get", "radiusM"], PIXELS_PER_METRE_AT_8 * 2 ** 10]],
              ],
            },
          });
          m.on("click", "hot-spots", (e) => {
            const p = e.features?.[0]?.properties;
            // Markers and clusters drawn above take the click first.
            const above = m.queryRenderedFeatures(e.point, {
              layers: ["ticket-clusters", "ticket-points", "case-markers"],
            });
            if (!p || above.length) return;
            latest.current.onSelect({
              kind: "hotspot",
              family: String(p.family),
              ticketCount: Number(p.ticketCount),
              trend: String(p.trend),
              score: Number(p.score),
              link: String(p.link),
            });
          });
          m.addLayer({
            id: "ticket-heat",
            type: "heatmap",
            source: "tickets",
            layout: { visibility: latest.current.heatmap ? "visible" : "none" },
            paint: {
              "heatmap-weight": ["interpolate", ["linear"], ["get", "count"], 1, 0.15, 200, 1],
              "heatmap-radius": ["interpolate", ["linear"], ["zoom"], 8, 18, 16, 40],
              "heatmap-opacity": 0.75,
            },
          });
          m.addLayer({
            id: "ticket-clusters",
            type: "circle",
            source: "tickets",
            filter: ["==", ["get", "cluster"], true],
            paint: MARKER_PAINT as never,
          });
          m.addLayer({
            id: "ticket-points",
            type: "circle",
            source: "tickets",
            filter: ["==", ["get", "cluster"], false],
            paint: MARKER_PAINT as never,
          });
          m.addLayer({
            id: "meeting-places",
            type: "circle",
            source: "overlay",
            filter: ofKind("meeting"),
            paint: MARKER_PAINT as never,
          });
          m.addLayer({
            id: "case-markers",
            type: "circle",
            source: "overlay",
            filter: ofKind("case"),
            paint: MARKER_PAINT as never,
          });
          showPartyLines(m, latest.current.selectedCase !== null);
          for (const layer of ["case-markers", "meeting-places"]) {
            m.on("click", layer, (e) => {
              const key = e.features?.[0]?.properties?.key;
              if (typeof key === "string") latest.current.onSelect({ kind: "case", key });
            });
          }
          for (const layer of ["ticket-clusters", "ticket-points", "case-markers", "meeting-places"]) {
            m.on("mouseenter", layer, () => (m.getCanvas().style.cursor = "pointer"));
            m.on("mouseleave", layer, () => (m.getCanvas().style.cursor = ""));
          }
          m.on("click", "ticket-clusters", (e) => {
            const f = e.features?.[0] as unknown as Feature | undefined;
            if (!f) return;
            const [lon, lat] = f.geometry.coordinates;
            if (f.properties.stacked || m.getZoom() >= 18) {
              latest.current.onSelect({ kind: "stack", count: f.properties.count, lon, lat });
            } else {
              m.easeTo({ center: [lon, lat], zoom: f.properties.expansionZoom ?? m.getZoom() + 2 });
            }
          });
          m.on("click", "ticket-points", (e) => {
            const id = Number(e.features?.[0]?.properties?.ticketId);
            if (id) latest.current.onSelect({ kind: "ticket", ticketId: id });
          });
          m.on("moveend", () => {
            const c = m.getCenter();
            latest.current.onView({ lon: c.lng, lat: c.lat, zoom: m.getZoom() });
            clearTimeout(timer);
            timer = setTimeout(() => void load(), 100);
          });
          if (first) show(m, first, false);
          else void load();
        });
      })
      .catch(() => {
        if (!cancelled) setState("unavailable");
      });
    return () => {
      cancelled = true;
      clearTimeout(timer);
      inflight?.abort();
      for (const marker of [...markers, ...countMarkers]) marker.remove();
      removeDistricts();
      map?.remove();
      mapRef.current = null;
    };
    // The map is built once (props are read through `latest`, the base is fixed by the server's
    // configuration); filter and layer changes go through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    reload.current();
  }, [props.first]);

  useEffect(() => {
    const map = mapRef.current;
    (map?.getSource("overlay") as GeoJSONSource | undefined)?.setData(overlayOf(props) as never);
    if (map) showPartyLines(map, props.selectedCase !== null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- what overlayOf reads
  }, [props.cases, props.selectedCase, props.hotSpots]);

  useEffect(() => {
    const map = mapRef.current;
    if (map?.getLayer("ticket-heat"))
      map.setLayoutProperty("ticket-heat", "visibility", props.heatmap ? "visible" : "none");
  }, [props.heatmap]);

  return (
    <div
      className={state === "unavailable" ? "map-frame case-map unavailable" : "map-frame case-map"}
      data-state={state}
    >
      <div ref={container} className="map-canvas" />
      {state === "loading" ? <p className="map-status muted">{T.loading}</p> : null}
      {state === "unavailable" ? <p className="map-status">{T.unavailable}</p> : null}
      {state === "failed" ? (
        <p className="map-status" role="alert">
          {T.failed}
        </p>
      ) : null}
    </div>
  );
}
