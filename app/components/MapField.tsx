import { MapPick, type PickedPoint } from "~/components/tickets/MapPick";
import { t } from "~/i18n";

const T = t.tickets.map;

/**
 * A place on the map as a form field: the offline map, the point picked
 * (announced), a way to clear it, and hidden `lon`/`lat` inputs for the form.
 * Used for a ticket's location and a council's or meeting's place.
 */
export function MapField({
  point,
  onChange,
  focus,
  place,
  errors,
}: {
  point: PickedPoint | null;
  onChange: (point: PickedPoint | null) => void;
  focus?: { lon: number; lat: number } | null;
  /** Where the picked point will be placed, said with the pick (the ticket's community or district). */
  place?: string | null;
  errors?: string[];
}) {
  return (
    <div className="field">
      <p className="field-label" id="map-label">
        {T.label}
      </p>
      <p className="field-hint" id="map-hint">
        {T.hint}
      </p>
      <MapPick value={point} onChange={onChange} focus={focus} describedBy="map-hint" />
      <input type="hidden" name="lon" value={point?.lon ?? ""} />
      <input type="hidden" name="lat" value={point?.lat ?? ""} />
      <div className="map-picked">
        <p role="status" className="muted">
          {point ? `${T.picked(point.lon, point.lat)}${point.district ? `（${point.district}）` : ""}` : T.none}
          {point && place ? (
            <>
              <br />
              {place}
            </>
          ) : null}
        </p>
        {point ? (
          <button type="button" className="link-button" onClick={() => onChange(null)}>
            {T.clear}
          </button>
        ) : null}
      </div>
      {errors?.length ? <p className="field-error">{errors.join("；")}</p> : null}
    </div>
  );
}
