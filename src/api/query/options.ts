/**
 * The `options=` flags of a data query (Netdata's RRDR_OPTION_*), their names, and the text form
 * jsonwrap echoes.
 * @module
 */

/** `nonzero`: hide dimensions that are zero in every row. */
export const OPT_NONZERO = 1 << 0;
/** `flip`/`reversed`: oldest row first. */
export const OPT_REVERSED = 1 << 1;
/** `jsonwrap`: wrap the result in the metadata object. */
export const OPT_JSON_WRAP = 1 << 2;
/** `min2max`: single-value formats print `max - min` of a row instead of the sum. */
export const OPT_MIN2MAX = 1 << 3;
/** `ms`: timestamps in milliseconds. */
export const OPT_MILLISECONDS = 1 << 4;
/** `abs`: print negative values as positive. */
export const OPT_ABSOLUTE = 1 << 5;
/** `display_absolute`: accepted and echoed, no effect here. */
export const OPT_DISPLAY_ABS = 1 << 6;
/** `seconds`: csv-like formats print epoch seconds instead of dates. */
export const OPT_SECONDS = 1 << 7;
/** `null2zero`: empty values print as 0. */
export const OPT_NULL2ZERO = 1 << 8;
/** `objectrows`: json rows as objects keyed by label. */
export const OPT_OBJECTSROWS = 1 << 9;
/** `google_json`: Google's unquoted keys and single-quoted strings. */
export const OPT_GOOGLE_JSON = 1 << 10;
/** `percentage`: each value as a share of its row's total. */
export const OPT_PERCENTAGE = 1 << 11;
/** `unaligned`: do not align the window to the row step. */
export const OPT_NOT_ALIGNED = 1 << 12;
/** `match_ids`: dimension patterns match ids only. */
export const OPT_MATCH_IDS = 1 << 13;
/** `match_names`: dimension patterns match names only. */
export const OPT_MATCH_NAMES = 1 << 14;
/** `anomaly-bit`: accepted and echoed, no effect here. */
export const OPT_ANOMALY_BIT = 1 << 15;
/** Set when a valid `tier=` was given. */
export const OPT_SELECTED_TIER = 1 << 16;
/** `raw`: accepted and echoed, no effect here. */
export const OPT_RETURN_RAW = 1 << 17;
/** `jw-anomaly-rates`: accepted and echoed, no effect here. */
export const OPT_RETURN_JWAR = 1 << 18;
/** `natural-points`: rows on the database's own grid (set by the window calculation). */
export const OPT_NATURAL_POINTS = 1 << 19;
/** `virtual-points`: rows on a 1-second grid (set by the window calculation). */
export const OPT_VIRTUAL_POINTS = 1 << 20;
/** `all-dimensions` (or `show_dimensions`): jsonwrap lists every dimension, chart and label. */
export const OPT_ALL_DIMENSIONS = 1 << 21;
/** Internal: quote the csv header labels (csvjsonarray). */
export const OPT_LABEL_QUOTES = 1 << 22;

/** Netdata's option table, in the order jsonwrap echoes them (first spelling of each flag wins). */
const OPTION_TABLE: readonly (readonly [string, number])[] = [
  ["nonzero", OPT_NONZERO],
  ["flip", OPT_REVERSED],
  ["reversed", OPT_REVERSED],
  ["reverse", OPT_REVERSED],
  ["jsonwrap", OPT_JSON_WRAP],
  ["min2max", OPT_MIN2MAX],
  ["ms", OPT_MILLISECONDS],
  ["milliseconds", OPT_MILLISECONDS],
  ["abs", OPT_ABSOLUTE],
  ["absolute", OPT_ABSOLUTE],
  ["absolute_sum", OPT_ABSOLUTE],
  ["absolute-sum", OPT_ABSOLUTE],
  ["display_absolute", OPT_DISPLAY_ABS],
  ["display-absolute", OPT_DISPLAY_ABS],
  ["seconds", OPT_SECONDS],
  ["null2zero", OPT_NULL2ZERO],
  ["objectrows", OPT_OBJECTSROWS],
  ["google_json", OPT_GOOGLE_JSON],
  ["google-json", OPT_GOOGLE_JSON],
  ["percentage", OPT_PERCENTAGE],
  ["unaligned", OPT_NOT_ALIGNED],
  ["match_ids", OPT_MATCH_IDS],
  ["match-ids", OPT_MATCH_IDS],
  ["match_names", OPT_MATCH_NAMES],
  ["match-names", OPT_MATCH_NAMES],
  ["anomaly-bit", OPT_ANOMALY_BIT],
  ["selected-tier", OPT_SELECTED_TIER],
  ["raw", OPT_RETURN_RAW],
  ["jw-anomaly-rates", OPT_RETURN_JWAR],
  ["natural-points", OPT_NATURAL_POINTS],
  ["virtual-points", OPT_VIRTUAL_POINTS],
  ["all-dimensions", OPT_ALL_DIMENSIONS],
];

/** Parses `options=` (separators `,`, `|` and space); unknown names are ignored. */
export function parseDataOptions(text: string | undefined): number {
  if (text === undefined) return 0;
  let flags = 0;
  for (const tok of text.split(/[ ,|]/)) {
    if (tok === "") continue;
    for (const [name, flag] of OPTION_TABLE) {
      if (name === tok) {
        flags |= flag;
        break;
      }
    }
  }
  return flags;
}

/** The flags as Netdata echoes them: table order, first spelling, comma separated. */
export function optionsToString(flags: number): string {
  let used = 0;
  const out: string[] = [];
  for (const [name, flag] of OPTION_TABLE) {
    if ((flags & flag) !== 0 && (used & flag) === 0) {
      used |= flag;
      out.push(name);
    }
  }
  return out.join(",");
}
