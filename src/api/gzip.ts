/**
 * gzip of the answers (`[web] enable gzip compression` and `gzip compression level`, as Netdata
 * 1.37.1's web server): a text-like answer of at least {@link GZIP_MIN_BYTES} is gzipped when the
 * client's `Accept-Encoding` accepts gzip. One synchronous deflate of the whole answer, which at
 * Netdata's level 3 costs a third of the time of a default-level CompressionStream for the
 * half-megabyte `/api/v1/info` of a parent with a thousand children.
 * @module
 */

import { gzipSync } from "node:zlib";

/** Answers smaller than this are sent as they are: gzip would save little. */
export const GZIP_MIN_BYTES = 1024;

/** Content types worth compressing: text, JSON, JavaScript, CSS, SVG. */
const COMPRESSIBLE = /^\s*(?:text\/|application\/(?:json|javascript|x-javascript|xml)\b|image\/svg\+xml\b)/i;

/** Whether an answer of `type` is worth compressing. */
export function compressible(type: string): boolean {
  return COMPRESSIBLE.test(type);
}

/**
 * Whether an `Accept-Encoding` header accepts gzip: it names `gzip` (or `*`) without `q=0`.
 * Netdata looks only for the word; a client that refuses gzip with `q=0` is respected here.
 */
export function acceptsGzip(header: string | null): boolean {
  if (header === null) return false;
  let star = false;
  for (const part of header.split(",")) {
    const [name, ...params] = part.split(";");
    const coding = name.trim().toLowerCase();
    if (coding !== "gzip" && coding !== "x-gzip" && coding !== "*") continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (coding === "*") star = q > 0;
    else return q > 0;
  }
  return star;
}

/** `bytes` gzipped at `level` (1–9). */
export function gzip(bytes: Uint8Array, level: number): Uint8Array<ArrayBuffer> {
  // A Buffer of its own (never a SharedArrayBuffer's).
  return gzipSync(bytes, { level }) as Uint8Array<ArrayBuffer>;
}
