import type * as MapboxGl from "mapbox-gl";
import type { Map as MapboxMap, Marker } from "mapbox-gl";
import { useEffect, useRef, useState } from "react";
import { BEIJING, createMap, loadMapbox, styleFor, useMapBase, whenStyled } from "~/components/map/base";
import { t } from "~/i18n";

const T = t.tickets.map;

export interface PickedPoint {
  lon: number;
  lat: number;
  /** The district under the point, from the boundary layer (shown as text: we ship no glyphs). */
  district?: string;
}

/**
 * Click the map to mark where the problem is; the parent keeps the point and
 * renders the hidden lon/lat inputs. mapbox-gl is imported only in the
 * browser and the map is destroyed on unmount. Without WebGL the component
 * says so, and the form works with the community/street select alone.
 */
export function MapPick(props: {
  value: PickedPoint | null;
  onChange: (point: PickedPoint | null) => void;
  /** Where to look (a chosen community or street); the map flies there. */
  focus?: { lon: number; lat: number } | null;
  describedBy?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapboxMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const libRef = useRef<typeof MapboxGl | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const [state, setState] = useState<"loading" | "ready" | "unavailable">("loading");
  const base = useMapBase();
  const [hovered, setHovered] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let map: MapboxMap | null = null;
    loadMapbox(base)
      .then((mapboxgl) => {
        if (cancelled || !container.current) return;
        libRef.current = mapboxgl;
        map = createMap(mapboxgl, {
          container: container.current,
          style: styleFor(base),
          center: BEIJING,
          zoom: 7.3,
          minZoom: 6,
          maxZoom: 17,
          attributionControl: false,
          dragRotate: false,
          pitchWithRotate: false,
        });
        if (!map) {
          setState("unavailable");
          return;
        }
        mapRef.current = map;
        map.touchZoomRotate.disableRotation();
        map.addControl(new mapboxgl.NavigationControl({ showCompass: false }), "top-right");
        const canvas = map.getCanvas();
        canvas.setAttribute("aria-label", T.region);
        if (props.describedBy) canvas.setAttribute("aria-describedby", props.describedBy);
        const districtAt = (point: mapboxgl.PointLike) => {
          const feature = map?.queryRenderedFeatures(point, { layers: ["district-fill"] })[0];
          return feature ? { id: feature.id, name: String(feature.properties?.name ?? "") } : null;
        };
        const pick = (lngLat: mapboxgl.LngLat, point: mapboxgl.PointLike) => {
          const lon = Math.round(lngLat.lng * 1e6) / 1e6;
          const lat = Math.round(lngLat.lat * 1e6) / 1e6;
          onChange.current({ lon, lat, district: districtAt(point)?.name || undefined });
        };
        map.on("load", () => {
          whenStyled(map!);
          if (!cancelled) setState("ready");
        });
        // Without a listener mapbox-gl logs errors to the console; a failed
        // boundary file leaves a plain background, and picking still works.
        map.on("error", () => undefined);
        map.on("click", (e) => pick(e.lngLat, e.point));
        let hoverId: string | number | undefined;
        map.on("mousemove", (e) => {
          const found = districtAt(e.point);
          if (hoverId !== undefined) map?.setFeatureState({ source: "districts", id: hoverId }, { hover: false });
          hoverId = found?.id;
          if (hoverId !== undefined) map?.setFeatureState({ source: "districts", id: hoverId }, { hover: true });
          setHovered(found?.name ?? null);
        });
        map.on("mouseout", () => setHovered(null));
        canvas.addEventListener("keydown", (e) => {
          if ((e.key === "Enter" || e.key === " ") && map) {
            e.preventDefault();
            pick(map.getCenter(), map.project(map.getCenter()));
          }
        });
      })
      .catch(() => {
        if (!cancelled) setState("unavailable");
      });
    return () => {
      cancelled = true;
      markerRef.current?.remove();
      markerRef.current = null;
      map?.remove();
      mapRef.current = null;
    };
    // The map is built once; later prop changes go through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const { value, focus } = props;
  useEffect(() => {
    const map = mapRef.current;
    const lib = libRef.current;
    if (!map || !lib || state !== "ready") return;
    if (!value) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    markerRef.current ??= new lib.Marker({ color: "#0b5cad" }).setLngLat([value.lon, value.lat]).addTo(map);
    markerRef.current.setLngLat([value.lon, value.lat]);
  }, [value, state]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || state !== "ready" || !focus) return;
    map.flyTo({ center: [focus.lon, focus.lat], zoom: Math.max(map.getZoom(), 13), essential: true });
  }, [focus, state]);

  return (
    <div className="map-pick">
      <div className={state === "unavailable" ? "map-frame unavailable" : "map-frame"} data-state={state}>
        {/* mapbox-gl owns this element's children; React's overlays sit beside it. */}
        <div ref={container} className="map-canvas" />
        {state === "loading" ? <p className="map-status muted">{T.loading}</p> : null}
        {state === "unavailable" ? <p className="map-status">{T.unavailable}</p> : null}
        {hovered ? (
          <p className="map-hover" aria-hidden="true">
            {hovered}
          </p>
        ) : null}
      </div>
      {state === "unavailable" ? null : (
        <ul className="map-legend" aria-label={T.legend}>
          <li>
            <span className="swatch swatch-line" aria-hidden="true" />
            {T.legendDistrict}
          </li>
          <li>
            <span className="swatch swatch-point" aria-hidden="true" />
            {T.legendPoint}
          </li>
        </ul>
      )}
    </div>
  );
}
