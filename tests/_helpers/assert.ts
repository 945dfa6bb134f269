/**
 * Assertions for tests: node:assert (shipped with Deno) plus a tolerance check it lacks.
 * @module
 */
import assert from "node:assert/strict";

export { assert };

/** Asserts `|actual - expected| <= tolerance`; NaN equals NaN. */
export function assertNear(actual: number, expected: number, tolerance: number, msg = ""): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new assert.AssertionError({
      message: `${msg ? msg + ": " : ""}expected ${expected} ± ${tolerance}, got ${actual}`,
      actual,
      expected,
    });
  }
}
