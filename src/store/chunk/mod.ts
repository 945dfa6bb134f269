/**
 * Byte-level codecs of the dbengine store (layouts in `../dbengine/FORMAT.md`), one per file:
 * the growable buffer, varints and bounded reader every codec shares (`bytes.ts`), the XOR float
 * codec (`xor.ts`), file headers and CRC'd record framing (`record.ts`), page payloads
 * (`page.ts`) and journal entries (`jset.ts`), plus the lost-sample count of damaged records
 * (`damage.ts`). Pure functions of bytes; no I/O. Nothing here allocates per sample: encoders
 * write into a caller's {@link ByteBuf}, decoders into a caller's typed array.
 *
 * @example
 * ```ts
 * import { beginRecord, ByteBuf, ByteReader, encodePage, endRecord, PageHead, readPageHead, REC_PAGE } from "./mod.ts";
 * const values = new Uint32Array(new Float32Array([1.5, 2.5, NaN]).buffer);
 * const b = new ByteBuf();
 * const rec = beginRecord(b, REC_PAGE);
 * encodePage(b, { id: 7, gen: 0, tier: 0, start: 1000, count: 3 }, [values], 0);
 * endRecord(b, rec); // length and CRC filled in
 * const head = new PageHead();
 * readPageHead(new ByteReader(b.buf, 12, b.len), head); // head.count === 3
 * ```
 * @module
 */

export * from "./bytes.ts";
export * from "./damage.ts";
export * from "./jset.ts";
export * from "./page.ts";
export * from "./record.ts";
export * from "./xor.ts";
