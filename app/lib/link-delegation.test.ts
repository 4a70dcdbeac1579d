import { describe, expect, it } from "vitest";
import { isCurrentPath } from "./link-delegation";

describe("the current page's navigation link (a NavLink's rule)", () => {
  it("is the same path, or a path below it", () => {
    expect(isCurrentPath("/tickets", "/tickets")).toBe(true);
    expect(isCurrentPath("/tickets/42", "/tickets")).toBe(true);
    expect(isCurrentPath("/tickets-archive", "/tickets")).toBe(false);
    expect(isCurrentPath("/rates", "/tickets")).toBe(false);
  });

  it("is only the path itself with `end`, as the home link is", () => {
    expect(isCurrentPath("/", "/", true)).toBe(true);
    expect(isCurrentPath("/tickets", "/", true)).toBe(false);
    expect(isCurrentPath("/tickets/42", "/tickets", true)).toBe(false);
  });

  it("does not make the home link current everywhere without `end`", () => {
    expect(isCurrentPath("/tickets", "/")).toBe(false);
  });

  it("ignores letter case, and reads a trailing slash in the link as the boundary", () => {
    expect(isCurrentPath("/Tickets/7", "/tickets")).toBe(true);
    expect(isCurrentPath("/admin/users", "/admin/")).toBe(true);
    expect(isCurrentPath("/administration", "/admin/")).toBe(false);
  });
});
