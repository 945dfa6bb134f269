/**
 * Snappy block compression (not the framed format), as Prometheus remote write requires
 * (`Content-Encoding: snappy`), from the pure-JS `snappyjs` package (no native addon, so it goes
 * into a `deno compile`d binary).
 * @module
 */

import SnappyJS from "snappyjs";

interface SnappyApi {
  compress(input: Uint8Array): Uint8Array;
  uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}

const snappy = SnappyJS as unknown as SnappyApi;

/** Compresses `input` into a new snappy block. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  return snappy.compress(input);
}

/**
 * Decompresses a snappy block.
 * @throws {Error} the block is malformed, or would exceed `maxLength` bytes
 */
export function snappyUncompress(input: Uint8Array, maxLength?: number): Uint8Array {
  return snappy.uncompress(input, maxLength);
}
