/**
 * Number printers shared by the API and the exporting connectors.
 * @module
 */

/** C's `printf("%0.<digits>f")`, without exponent form for large values; NaN/inf print as `null`. */
export function formatFixed(value: number, digits: number): string {
  if (value !== value || value === Infinity || value === -Infinity) return "null";
  if (Math.abs(value) < 1e21) return value.toFixed(digits);
  const neg = value < 0;
  const int = BigInt(Math.trunc(Math.abs(value))).toString();
  return (neg ? "-" : "") + int + (digits > 0 ? "." + "0".repeat(digits) : "");
}
