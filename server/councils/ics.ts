/**
 * An iCalendar (RFC 5545) invitation for one meeting: what a calendar app
 * needs to add it — time in UTC, place with its map point (GEO), the online
 * link, and the agenda as the description.
 */
export interface IcsMeeting {
  id: number;
  councilId: number;
  title: string;
  councilTitle: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  lon: number | null;
  lat: number | null;
  onlineUrl: string | null;
  status: "scheduled" | "held" | "cancelled";
  /** Raised by each change after the notice (SEQUENCE): a calendar replaces its copy with a higher one. */
  revision: number;
  agenda: string[];
  /** The meeting's page, absolute. */
  url: string;
  host: string;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets are folded with CRLF and a space, never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, "utf8");
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

export function meetingIcs(m: IcsMeeting, now: Date): string {
  const description = [
    `议事：${m.councilTitle}`,
    ...m.agenda.map((item, i) => `${i + 1}. ${item}`),
    ...(m.onlineUrl ? [`线上参会：${m.onlineUrl}`] : []),
  ].join("\n");
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Roundtable//圆桌议事//ZH",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:meeting-${m.id}@${m.host}`,
    `DTSTAMP:${stamp(now)}`,
    `SEQUENCE:${m.revision}`,
    `DTSTART:${stamp(m.startsAt)}`,
    `DTEND:${stamp(m.endsAt)}`,
    `SUMMARY:${escapeText(m.title)}`,
    `LOCATION:${escapeText(m.place)}`,
    ...(m.lat != null && m.lon != null ? [`GEO:${m.lat.toFixed(6)};${m.lon.toFixed(6)}`] : []),
    `DESCRIPTION:${escapeText(description)}`,
    `URL:${m.url}`,
    `STATUS:${m.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
