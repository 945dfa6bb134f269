/**
 * Evaluating parsed health expressions as Netdata 1.37.1's libnetdata/eval does: NaN/Inf rules per
 * operator (any infinite operand of `+ - * /` gives +inf, `==` treats NaN as equal to NaN), a NaN or
 * infinite result is an error, an unknown variable only when the result is not a number, and the
 * trace of variable values Netdata passes to notifications as the expression's error message.
 * @module
 */

import {
  ABS,
  AND,
  EQ,
  type Expression,
  formatConstant,
  GE,
  GT,
  IF,
  LE,
  LT,
  MINUS,
  MUL,
  NE,
  type Node,
  NOP,
  NOT,
  OPEN,
  OR,
  PLUS,
  SIGN_MINUS,
  SIGN_PLUS,
  type Value,
} from "./expression.ts";

/** Resolves a variable; `undefined` when it does not exist. */
export type VariableLookup = (name: string) => number | undefined;

/** The outcome of {@link evaluate}: a number, or NaN with Netdata's error text. */
export interface Evaluation {
  value: number;
  /** "" on success, else e.g. `value is unset`. */
  error: string;
  /** Variables that were not found. */
  unknown: string[];
  /** Netdata's error_msg: each variable as `[ $name = value ] `, then the failure if any. */
  trace: string;
}

const SPECIAL = new Set([
  "this",
  "after",
  "before",
  "now",
  "status",
  "REMOVED",
  "UNINITIALIZED",
  "UNDEFINED",
  "CLEAR",
  "WARNING",
  "CRITICAL",
]); // deno-fmt-ignore

const isTrue = (n: number) => !Number.isNaN(n) && n !== 0;

class Evaluator {
  lookup: VariableLookup;
  unknown: string[] = [];
  trace = "";
  constructor(lookup: VariableLookup) {
    this.lookup = lookup;
  }
  value(v: Value): number {
    if (typeof v === "number") return v;
    if ("v" in v) {
      const n = this.lookup(v.v);
      if (n === undefined) {
        this.unknown.push(v.v);
        this.trace += `[ undefined variable '${v.v}' ] `;
        return NaN;
      }
      this.trace += `[ $${SPECIAL.has(v.v) ? v.v : "{" + v.v + "}"} = ${formatConstant(n)} ] `;
      return n;
    }
    return this.node(v);
  }
  node(n: Node): number {
    const o = n.ops;
    switch (n.op) {
      case NOP:
      case OPEN:
      case SIGN_PLUS:
        return this.value(o[0]);
      case NOT:
        return isTrue(this.value(o[0])) ? 0 : 1;
      case SIGN_MINUS: {
        const a = this.value(o[0]);
        return Number.isNaN(a) ? NaN : !Number.isFinite(a) ? Infinity : -a;
      }
      case ABS: {
        const a = this.value(o[0]);
        return Number.isNaN(a) ? NaN : Math.abs(a);
      }
      case AND:
        return isTrue(this.value(o[0])) && isTrue(this.value(o[1])) ? 1 : 0;
      case OR:
        return isTrue(this.value(o[0])) || isTrue(this.value(o[1])) ? 1 : 0;
      case IF:
        return isTrue(this.value(o[0])) ? this.value(o[1]) : this.value(o[2]);
    }
    const a = this.value(o[0]);
    const b = this.value(o[1]);
    switch (n.op) {
      case GE:
        return a >= b ? 1 : 0;
      case LE:
        return a <= b ? 1 : 0;
      case LT:
        return a < b ? 1 : 0;
      case GT:
        return a > b ? 1 : 0;
      case EQ:
        return equal(a, b) ? 1 : 0;
      case NE:
        return equal(a, b) ? 0 : 1;
    }
    if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
    // Netdata: any infinite operand makes +inf, whatever the sign or operator.
    if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
    switch (n.op) {
      case PLUS:
        return a + b;
      case MINUS:
        return a - b;
      case MUL:
        return a * b;
      default:
        return a / b;
    }
  }
}

/** Netdata's `==`: NaN equals NaN, any infinity equals any infinity, else within 1e-7. */
function equal(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (!Number.isFinite(a) && !Number.isFinite(b) && !Number.isNaN(a) && !Number.isNaN(b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) < 0.0000001;
}

/**
 * Evaluates an expression like Netdata's expression_evaluate(): a NaN or infinite result is an
 * error (`value is unset`, `computed value is infinite`), an unknown variable only when the
 * result is not a number.
 */
export function evaluate(expr: Expression, lookup: VariableLookup): Evaluation {
  const e = new Evaluator(lookup);
  const value = e.node(expr.root);
  let error = "";
  if (Number.isNaN(value)) error = e.unknown.length > 0 ? "undefined variable" : "value is unset";
  else if (!Number.isFinite(value)) error = "computed value is infinite";
  let trace = e.trace;
  if (error) trace += `${trace ? "; " : ""}failed to evaluate expression with error: ${error}`;
  return { value: error ? NaN : value, error, unknown: e.unknown, trace };
}
