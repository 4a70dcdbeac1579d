import { describe, expect, it } from "vitest";
import { escapeText, foldLine, meetingIcs } from "./ics";

describe("the .ics invitation", () => {
  const ics = meetingIcs(
    {
      id: 7,
      councilId: 3,
      title: "西河沿停车议事会, 第一次",
      councilTitle: "西河沿街占道停车",
      startsAt: new Date("2026-11-23T02:00:00Z"),
      endsAt: new Date("2026-11-23T03:30:00Z"),
      place: "西河沿社区居委会会议室；二层",
      lon: 116.3925,
      lat: 39.8975,
      onlineUrl: "https://meet.example.org/xhy",
      status: "scheduled",
      revision: 2,
      agenda: ["错时停车方案", "违停治理"],
      url: "http://127.0.0.1/councils/3#meeting-7",
      host: "127.0.0.1",
    },
    new Date("2026-11-21T00:00:00Z"),
  );

  it("is one VEVENT with UTC times, the place, its map point and the agenda", () => {
    const unfolded = ics.replace(/\r\n /g, "");
    expect(unfolded).toContain("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    expect(unfolded).toContain("UID:meeting-7@127.0.0.1\r\n");
    // Twice changed since the notice: calendars replace a copy with a lower sequence.
    expect(unfolded).toContain("SEQUENCE:2\r\n");
    expect(unfolded).toContain("DTSTART:20261123T020000Z\r\n");
    expect(unfolded).toContain("DTEND:20261123T033000Z\r\n");
    expect(unfolded).toContain("SUMMARY:西河沿停车议事会\\, 第一次\r\n");
    expect(unfolded).toContain("LOCATION:西河沿社区居委会会议室；二层\r\n");
    expect(unfolded).toContain("GEO:39.897500;116.392500\r\n");
    expect(unfolded).toContain("1. 错时停车方案\\n2. 违停治理\\n线上参会：https://meet.example.org/xhy");
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
  });

  it("folds every line at 75 octets without splitting a character", () => {
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    const long = "DESCRIPTION:" + "议".repeat(60);
    expect(foldLine(long).replace(/\r\n /g, "")).toBe(long);
  });

  it("escapes what RFC 5545 reserves", () => {
    expect(escapeText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
  });
});
