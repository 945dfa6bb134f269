/**
 * Netdata 1.37.1's health expressions (libnetdata/eval): the grammar, its precedence (which only
 * re-associates one level, like Netdata's parser, so `$a > 1 ? 2 : 3` compares `$a` with the
 * ternary), the NaN/Inf rules of each operator, and the `parsed_as` text the alarms API shows.
 *
 * Operators, loosest first: `&&`/`AND` `||`/`OR` (2), comparisons `>= <= != == = < >` (3),
 * `+ -` (4), `* /` (5), unary `! NOT + - abs()` (6), `? :` (7). Operands: numbers (also `nan`,
 * `inf`), `$name`, `${any name}`, parenthesised sub-expressions.
 * @module
 */

/** Alarm statuses, with Netdata's numeric values (what `$status`, `$WARNING`... evaluate to). */
export const STATUS = {
  REMOVED: -2,
  UNDEFINED: -1,
  UNINITIALIZED: 0,
  CLEAR: 1,
  RAISED: 2,
  WARNING: 3,
  CRITICAL: 4,
} as const;

/** Operator codes of parsed nodes (evaluate.ts switches on them). */
export const NOP = 0, OPEN = 1, NOT = 2, SIGN_PLUS = 3, SIGN_MINUS = 4, ABS = 5;
export const AND = 10, OR = 11, GE = 12, LE = 13, NE = 14, EQ = 15, LT = 16, GT = 17;
export const PLUS = 18, MINUS = 19, MUL = 20, DIV = 21, IF = 22;

const PRECEDENCE: Record<number, number> = {
  [AND]: 2,
  [OR]: 2,
  [GE]: 3,
  [LE]: 3,
  [NE]: 3,
  [EQ]: 3,
  [LT]: 3,
  [GT]: 3,
  [PLUS]: 4,
  [MINUS]: 4,
  [MUL]: 5,
  [DIV]: 5,
  [NOT]: 6,
  [SIGN_PLUS]: 6,
  [SIGN_MINUS]: 6,
  [ABS]: 6,
  [IF]: 7,
  [NOP]: 8,
  [OPEN]: 8,
}; // deno-fmt-ignore

const PRINT: Record<number, string> = {
  [AND]: "&&", [OR]: "||", [GE]: ">=", [LE]: "<=", [NE]: "!=", [EQ]: "==", [LT]: "<", [GT]: ">",
  [PLUS]: "+", [MINUS]: "-", [MUL]: "*", [DIV]: "/", [NOT]: "!", [SIGN_PLUS]: "+",
  [SIGN_MINUS]: "-", [ABS]: "abs(", [IF]: "?",
}; // deno-fmt-ignore

/** An operand: a number, a variable name, or a node. */
export type Value = number | { v: string } | Node;

/** One parsed operator with its operands. */
export interface Node {
  op: number;
  prec: number;
  ops: Value[];
}

/** A parsed expression. */
export interface Expression {
  /** The text as written. */
  readonly source: string;
  /** Netdata's canonical form, e.g. `($this > 80)` (the API's `*_parsed` fields). */
  readonly parsedAs: string;
  /** Every variable the expression names, without `$`. */
  readonly variables: readonly string[];
  readonly root: Node;
}

const MAX_VARIABLE_LENGTH = 300;

const isSpace = (c: string) =>
  c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
const isDigit = (c: string) => c >= "0" && c <= "9";
const isAlpha = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
/** What may follow a word operator (AND, OR, NOT). */
const wordTerm = (c: string) =>
  c === "" || isSpace(c) || c === "(" || c === "$" || c === "!" || c === "-" || c === "+" || isDigit(c);
/** What may follow a symbol operator. */
const symbolTerm = (c: string) => wordTerm(c) || isAlpha(c);
const variableChar = (c: string) => isAlpha(c) || isDigit(c) || c === "." || c === "_";

class Parser {
  s: string;
  i = 0;
  error = "";
  constructor(s: string) {
    this.s = s;
  }
  at(k = 0): string {
    return this.s[this.i + k] ?? "";
  }
  skipSpaces(): void {
    while (isSpace(this.at())) this.i++;
  }
  word(w: string): boolean {
    for (let k = 0; k < w.length; k++) if (this.at(k).toLowerCase() !== w[k]) return false;
    if (!wordTerm(this.at(w.length))) return false;
    this.i += w.length;
    return true;
  }
  symbol(sym: string): boolean {
    if (!this.s.startsWith(sym, this.i) || !symbolTerm(this.at(sym.length))) return false;
    this.i += sym.length;
    return true;
  }

  /** Netdata's operator table, longest first. */
  operator(): number {
    this.skipSpaces();
    if (this.word("and") || this.symbol("&&")) return AND;
    if (this.word("or") || this.symbol("||")) return OR;
    if (this.symbol(">=")) return GE;
    if (this.symbol("<=")) return LE;
    if (this.symbol("!=")) return NE;
    if (this.symbol("==") || this.symbol("=")) return EQ;
    if (this.symbol("<")) return LT;
    if (this.symbol(">")) return GT;
    if (this.symbol("+")) return PLUS;
    if (this.symbol("-")) return MINUS;
    if (this.symbol("*")) return MUL;
    if (this.symbol("/")) return DIV;
    if (this.at() === "?") {
      this.i++;
      return IF;
    }
    return NOP;
  }

  unary(op: number): Node | undefined {
    const sub = this.operand();
    return sub && { op, prec: PRECEDENCE[op], ops: [sub] };
  }

  operand(): Node | undefined {
    this.skipSpaces();
    if (this.i >= this.s.length) {
      this.error = "expected operand";
      return undefined;
    }
    if (this.word("not")) return this.unary(NOT);
    if (this.at() === "!") {
      this.i++;
      return this.unary(NOT);
    }
    if (this.symbol("+")) return this.unary(SIGN_PLUS);
    if (this.symbol("-")) return this.unary(SIGN_MINUS);
    if (this.at(3) === "(" && this.s.slice(this.i, this.i + 3).toLowerCase() === "abs") {
      this.i += 3;
      return this.unary(ABS);
    }
    if (this.at() === "(") {
      this.i++;
      const sub = this.full();
      if (sub === undefined) return undefined;
      if (this.at() !== ")") {
        this.error = "missing closing parenthesis";
        return undefined;
      }
      this.i++;
      return { op: OPEN, prec: PRECEDENCE[OPEN], ops: [sub] };
    }
    const name = this.variable();
    if (name !== undefined) return { op: NOP, prec: PRECEDENCE[NOP], ops: [{ v: name }] };
    const n = this.constant();
    if (n !== undefined) return { op: NOP, prec: PRECEDENCE[NOP], ops: [n] };
    this.error = "unknown operand";
    return undefined;
  }

  variable(): string | undefined {
    if (this.at() !== "$") return undefined;
    let j = this.i + 1;
    let name = "";
    if (this.s[j] === "{") {
      j++;
      while (j < this.s.length && this.s[j] !== "}" && name.length < MAX_VARIABLE_LENGTH) name += this.s[j++];
      if (this.s[j] === "}") j++;
    } else {
      while (j < this.s.length && variableChar(this.s[j]) && name.length < MAX_VARIABLE_LENGTH) {
        name += this.s[j++];
      }
    }
    if (name === "") return undefined;
    this.i = j;
    return name;
  }

  /** Netdata's str2ndd(): sign, digits, decimals, exponent, `nan`, `inf`. */
  constant(): number | undefined {
    const s = this.s;
    if (s.startsWith("nan", this.i) || s.startsWith("inf", this.i)) {
      const n = s[this.i] === "n" ? NaN : Infinity;
      this.i += 3;
      return n;
    }
    let j = this.i;
    if (s[j] === "-" || s[j] === "+") j++;
    while (isDigit(s[j] ?? "")) j++;
    if (s[j] === ".") {
      j++;
      while (isDigit(s[j] ?? "")) j++;
    }
    if (s[j] === "e" || s[j] === "E") {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(this.i));
      if (m === null) return undefined;
      this.i += m[0].length;
      return Number(m[0]);
    }
    if (j === this.i) return undefined;
    const text = s.slice(this.i, j);
    this.i = j;
    const digits = text.replace(/^[-+]/, "").replace(/\.$/, "");
    const n = digits === "" || digits === "." ? 0 : Number(digits.startsWith(".") ? "0" + digits : digits);
    return text.startsWith("-") ? -n : n;
  }

  rest(op1: Node): Node | undefined {
    const op = this.operator();
    this.skipSpaces();
    if (op === NOP) {
      if (this.i < this.s.length && this.at() !== ")") {
        this.error = "expected operator";
        return undefined;
      }
      return op1;
    }
    const op2 = this.operand();
    if (op2 === undefined) return undefined;
    const node: Node = { op, prec: PRECEDENCE[op], ops: [op1, op2] };
    if (op === IF) {
      this.skipSpaces();
      if (this.at() !== ":") {
        this.error = "missing second sub-expression of inline conditional";
        return undefined;
      }
      this.i++;
      this.skipSpaces();
      const op3 = this.operand();
      if (op3 === undefined) return undefined;
      node.ops.push(op3);
    }
    // Netdata re-associates one level: a tighter operator takes the right operand of the
    // previous binary one.
    if (node.prec > op1.prec && op1.ops.length === 2 && op1.op !== OPEN) {
      node.ops[0] = op1.ops[1];
      op1.ops[1] = node;
      return this.rest(op1);
    }
    return this.rest(node);
  }

  full(): Node | undefined {
    const op1 = this.operand();
    if (op1 === undefined) {
      this.error ||= "expected operand";
      return undefined;
    }
    return this.rest(op1);
  }
}

/** Netdata's print_parsed_as_constant(): `%0.7f` without trailing zeros, `nan`, `inf`. */
export function formatConstant(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return "inf";
  let s = n.toFixed(7);
  s = s.replace(/0+$/, "");
  if (s.endsWith(".")) s = s.slice(0, -1);
  return s;
}

function printValue(v: Value, out: string[]): void {
  if (typeof v === "number") out.push(formatConstant(v));
  else if ("v" in v) out.push("${" + v.v + "}");
  else printNode(v, out);
}

function printNode(n: Node, out: string[]): void {
  if (n.ops.length === 1) {
    if (PRINT[n.op]) out.push(PRINT[n.op]);
    printValue(n.ops[0], out);
  } else {
    out.push("(");
    printValue(n.ops[0], out);
    out.push(` ${PRINT[n.op]} `);
    printValue(n.ops[1], out);
    if (n.op === IF) {
      out.push(" : ");
      printValue(n.ops[2], out);
    }
    out.push(")");
  }
  if (n.op === ABS) out.push(")");
}

function collectVariables(v: Value, out: Set<string>): void {
  if (typeof v === "number") return;
  if ("v" in v) out.add(v.v);
  else for (const o of v.ops) collectVariables(o, out);
}

/**
 * Parses an expression.
 * @throws {SyntaxError} with Netdata's reason and the 1-based character, e.g.
 *   `expected operator at character 4 (i.e.: 'x')`.
 */
export function parseExpression(text: string): Expression {
  const p = new Parser(text);
  const root = p.full();
  if (root === undefined || p.i < text.length) {
    const reason = p.error || "remaining characters after expression";
    throw new SyntaxError(`${reason} at character ${p.i + 1} (i.e.: '${text.slice(p.i)}')`);
  }
  const out: string[] = [];
  printNode(root, out);
  const vars = new Set<string>();
  collectVariables(root, vars);
  return { source: text, parsedAs: out.join(""), variables: [...vars], root };
}
