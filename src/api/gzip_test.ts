import { assert } from "../../tests/_helpers/assert.ts";
import { acceptsGzip, compressible } from "./gzip.ts";

Deno.test("acceptsGzip() reads Accept-Encoding: gzip or * unless q=0", () => {
  const rows: [string | null, boolean][] = [
    [null, false],
    ["", false],
    ["gzip", true],
    ["GZIP", true],
    ["gzip, deflate, br", true],
    ["br, gzip;q=0.5", true],
    ["gzip;q=0", false],
    ["gzip; q=0.0", false],
    ["*", true],
    ["*;q=0", false],
    ["gzip;q=0, *", false],
    ["br", false],
    ["deflate", false],
    ["x-gzip", true],
    ["gzipx", false],
  ];
  for (const [header, want] of rows) assert.equal(acceptsGzip(header), want, String(header));
});

Deno.test("compressible() takes text, JSON, JavaScript, CSS and SVG answers only", () => {
  for (
    const type of [
      "application/json; charset=utf-8",
      "text/plain; version=0.0.4",
      "text/html; charset=utf-8",
      "text/css",
      "application/javascript; charset=utf-8",
      "application/x-javascript; charset=utf-8",
      "image/svg+xml",
    ]
  ) assert.ok(compressible(type), type);
  for (const type of ["image/png", "application/octet-stream", "application/jsonx", "image/x-icon"]) {
    assert.ok(!compressible(type), type);
  }
});
