import { describe, expect, it } from "vitest";
import { parseXml, textAt } from "../../tests/helpers/xml";
import { toXml } from "./xml";

describe("toXml", () => {
  it("writes the declaration, one root, arrays as the spec's item elements, null as empty", () => {
    const xml = toXml("service_requests", [
      { service_request_id: "BJ-1", status: "open", lat: 39.9, agency_responsible: null, ok: true },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>')).toBe(true);
    const { root } = parseXml(xml);
    expect(root.name).toBe("service_requests");
    expect(root.children.map((c) => c.name)).toEqual(["request"]);
    expect(textAt(root, "request/service_request_id")).toBe("BJ-1");
    expect(textAt(root, "request/lat")).toBe("39.9");
    expect(textAt(root, "request/ok")).toBe("true");
    expect(textAt(root, "request/agency_responsible")).toBe("");
  });

  it("escapes markup and drops characters XML cannot carry", () => {
    const nasty = 'a < b && c > d "q" \u0000\u0008 </service> <![CDATA[ x ]]> 中文';
    const { root } = parseXml(toXml("errors", [{ code: 400, description: nasty }]));
    expect(textAt(root, "error/description")).toBe('a < b && c > d "q"  </service> <![CDATA[ x ]]> 中文');
  });

  it("names nested lists as Open311 does", () => {
    const { root } = parseXml(
      toXml("discovery", { endpoints: [{ formats: ["text/xml", "application/json"] }], empty: [] }),
    );
    const formats = root.children[0]!.children[0]!.children[0]!;
    expect(formats.name).toBe("formats");
    expect(formats.children.map((c) => [c.name, c.text])).toEqual([
      ["format", "text/xml"],
      ["format", "application/json"],
    ]);
    expect(textAt(root, "empty")).toBe("");
  });
});

describe("the test parser is strict", () => {
  const decl = '<?xml version="1.0" encoding="utf-8"?>\n';
  it.each([
    ["no declaration", "<a/>"],
    ["unclosed", `${decl}<a><b></b>`],
    ["mismatched", `${decl}<a><b></a></b>`],
    ["bare ampersand", `${decl}<a>x & y</a>`],
    ["unknown entity", `${decl}<a>&nbsp;</a>`],
    ["two roots", `${decl}<a/><b/>`],
    ["attributes", `${decl}<a x="1"/>`],
  ])("rejects %s", (_name, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
