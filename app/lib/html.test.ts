import fc from "fast-check";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { escapeHtml, markup, Markup } from "./html";

describe("markup", () => {
  it("escapes text and attribute values exactly as React does, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const ours = markup`<b title="${value}">${value}</b>`.text;
        expect(ours).toBe(renderToStaticMarkup(createElement("b", { title: value }, value)));
      }),
      { numRuns: 2000 },
    );
  });

  it("cannot leave an attribute's quotes or open an element", () => {
    const hostile = `"><img src=x onerror=alert(1)>'&<script>`;
    expect(markup`<a title="${hostile}">${hostile}</a>`.text).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#x27;&amp;&lt;script&gt;">' +
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#x27;&amp;&lt;script&gt;</a>",
    );
    expect(escapeHtml("街道 · 社区")).toBe("街道 · 社区");
  });

  it("keeps markup made by the tag, lists of it, numbers, and writes nothing for null, undefined and false", () => {
    const cell = (text: string) => markup`<td>${text}</td>`;
    expect(markup`<tr>${[cell("a<b"), cell("c"), false, null, [cell("d")]]}</tr>`.text).toBe(
      "<tr><td>a&lt;b</td><td>c</td><td>d</td></tr>",
    );
    expect(markup`${3}${undefined}${""}${0}`.text).toBe("30");
    // Only the tag makes markup: a string that looks like markup is text.
    expect(markup`${"<i>x</i>"}`.text).toBe("&lt;i&gt;x&lt;/i&gt;");
    expect(markup`${new Markup("<i>x</i>")}`.text).toBe("<i>x</i>");
  });
});
