import { describe, expect, it } from "vitest";
import { clientChunk, SMALL_MODULE } from "./client-chunks";

interface Node {
  code?: number;
  importers?: number;
  imports?: string[];
  entry?: boolean;
}

/** A module graph as Rollup describes it to `manualChunks`. */
function graph(nodes: Record<string, Node>) {
  return {
    getModuleInfo: (id: string) => {
      const n = nodes[id];
      if (!n) return null;
      return {
        code: "x".repeat(n.code ?? 500),
        importers: Array.from({ length: n.importers ?? 2 }, (_, i) => `/work/app/routes/r${i}.tsx`),
        dynamicImporters: [],
        importedIds: n.imports ?? [],
        isEntry: n.entry ?? false,
      } as never;
    },
  };
}

const REACT = "/work/node_modules/react/index.js";
const STRINGS = "/work/app/i18n/index.ts";
const FIELD = "/work/app/components/Field.tsx";
const KEYS = "/work/app/lib/keys.ts";

describe("client chunks", () => {
  it("puts the framework and the strings in vendor", () => {
    const meta = graph({});
    expect(clientChunk(REACT, meta)).toBe("vendor");
    expect(clientChunk("/work/node_modules/@remix-run/react/dist/esm/index.js", meta)).toBe("vendor");
    expect(clientChunk("/work/node_modules/react-dom/client.js", meta)).toBe("vendor");
    expect(clientChunk(STRINGS, meta)).toBe("vendor");
    // A library one page uses is not the framework.
    expect(clientChunk("/work/node_modules/echarts/core.js", meta)).toBeUndefined();
    expect(clientChunk("/work/node_modules/mapbox-gl/dist/mapbox-gl.js", meta)).toBeUndefined();
  });

  it("groups small shared modules whose imports are vendor or themselves grouped", () => {
    const meta = graph({
      [FIELD]: { imports: [REACT, STRINGS] },
      [KEYS]: {},
      "/work/app/components/Filters.tsx": { imports: [FIELD, KEYS, "/work/app/styles/map.css?url"] },
    });
    expect(clientChunk(FIELD, meta)).toBe("shared");
    expect(clientChunk(KEYS, meta)).toBe("shared");
    expect(clientChunk("/work/app/components/Filters.tsx", meta)).toBe("shared");
  });

  it("leaves alone what would make a page load code it does not need", () => {
    const BIG = "/work/app/components/CaseMap.tsx";
    const meta = graph({
      [BIG]: { code: SMALL_MODULE + 1 },
      "/work/app/components/OnePage.tsx": { importers: 1 },
      "/work/app/components/OverBig.tsx": { imports: [BIG] },
      "/work/app/components/OverLibrary.tsx": { imports: ["/work/node_modules/echarts/core.js"] },
      "/work/app/components/WithStyles.tsx": { imports: ["/work/app/styles/plan.css"] },
      "/work/app/routes/map.tsx": { entry: true },
      "/work/db/schema/plans.ts": {},
      "/work/app/components/OverSchema.tsx": { imports: ["/work/db/schema/plans.ts"] },
    });
    expect(clientChunk(BIG, meta)).toBeUndefined();
    expect(clientChunk("/work/app/components/OnePage.tsx", meta)).toBeUndefined();
    expect(clientChunk("/work/app/components/OverBig.tsx", meta)).toBeUndefined();
    expect(clientChunk("/work/app/components/OverLibrary.tsx", meta)).toBeUndefined();
    expect(clientChunk("/work/app/components/WithStyles.tsx", meta)).toBeUndefined();
    expect(clientChunk("/work/app/routes/map.tsx", meta)).toBeUndefined();
    expect(clientChunk("/work/app/components/OverSchema.tsx", meta)).toBeUndefined();
  });

  it("groups two small modules that import each other", () => {
    const A = "/work/app/lib/a.ts";
    const B = "/work/app/lib/b.ts";
    const meta = graph({ [A]: { imports: [B] }, [B]: { imports: [A] } });
    expect(clientChunk(A, meta)).toBe("shared");
  });
});
