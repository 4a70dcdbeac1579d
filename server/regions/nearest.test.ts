import { describe, expect, it } from "vitest";
import { COMMUNITY_RADIUS_M, distanceMetres, nearestCommunity } from "./nearest";

// Two neighbouring communities about 400 m apart (the first at 西河沿社区's demo position), and one not placed.
const xiheyan = { code: "110102013901", lon: 116.3925, lat: 39.8975 };
const dashilan = { code: "110102013902", lon: 116.3879, lat: 39.8962 };
const unplaced = { code: "110102013903", lon: null, lat: null };

describe("nearestCommunity", () => {
  it("measures distances on the ground", () => {
    // One thousandth of a degree of latitude is ~111 m anywhere.
    expect(distanceMetres(116.39, 39.9, 116.39, 39.901)).toBeCloseTo(111.2, 0);
    expect(distanceMetres(xiheyan.lon, xiheyan.lat, dashilan.lon, dashilan.lat)).toBeGreaterThan(350);
  });

  it("takes the closest community within the radius, passing over those without a position", () => {
    expect(nearestCommunity([unplaced, dashilan, xiheyan], 116.392, 39.8974)).toBe(xiheyan);
    expect(nearestCommunity([xiheyan, unplaced, dashilan], 116.388, 39.8963)).toBe(dashilan);
  });

  it("places nothing beyond the radius", () => {
    // Due north of 西河沿 by just under and just over the radius.
    const degrees = (m: number) => m / 111_195;
    expect(nearestCommunity([xiheyan], xiheyan.lon, xiheyan.lat + degrees(COMMUNITY_RADIUS_M - 5))).toBe(xiheyan);
    expect(nearestCommunity([xiheyan], xiheyan.lon, xiheyan.lat + degrees(COMMUNITY_RADIUS_M + 5))).toBeNull();
    expect(nearestCommunity([], 116.4, 39.9)).toBeNull();
  });
});
