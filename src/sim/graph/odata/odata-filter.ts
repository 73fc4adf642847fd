/**
 * A small OData `$filter` parser and evaluator for the subset Graph's directory supports and
 * the bot uses: comparisons, `in`, `startswith`/`endswith`, `any` lambdas on collections,
 * `not`, `and`/`or` with OData precedence (not > and > or) and parentheses. String literals use
 * single quotes, a doubled quote escaping one.
 */

/** A literal value in a filter. */
export type FilterValue = string | number | boolean | null;

/** Comparison operators of OData. */
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** The parsed filter. Property names are as written until resolved against capabilities. */
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; property: string; value: FilterValue }
  | { kind: 'in'; property: string; values: FilterValue[] }
  | { kind: 'function'; name: 'startswith' | 'endswith'; property: string; value: string }
  | { kind: 'any'; property: string; variable: string; predicate: FilterNode };

/** A malformed filter; `position` is the character offset where parsing failed. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

type Token =
  | { type: 'ident'; text: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; pos: number }
  | { type: 'punct'; text: '(' | ')' | ',' | ':'; pos: number }
  | { type: 'end'; pos: number };

/** Splits a filter into tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError('unterminated string literal', start);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', value, pos: start });
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ type: 'punct', text: c, pos: i++ });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new FilterSyntaxError(`unexpected '${c}'`, i);
      tokens.push({ type: 'number', value: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else {
      throw new FilterSyntaxError(`unexpected '${c}'`, i);
    }
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/** Parses a `$filter` expression. Throws FilterSyntaxError on malformed input. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const isKeyword = (t: Token, word: string) => t.type === 'ident' && t.text.toLowerCase() === word;
  const expectPunct = (p: string) => {
    const t = next();
    if (t.type !== 'punct' || t.text !== p) throw new FilterSyntaxError(`expected '${p}'`, t.pos);
  };

  const literal = (): FilterValue => {
    const t = next();
    if (t.type === 'string') return t.value;
    if (t.type === 'number') return t.value;
    if (t.type === 'ident') {
      const word = t.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw new FilterSyntaxError('expected a literal', t.pos);
  };

  const property = (): string => {
    const t = next();
    if (t.type !== 'ident') throw new FilterSyntaxError('expected a property', t.pos);
    return t.text;
  };

  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isKeyword(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const andExpr = (): FilterNode => {
    let left = unary();
    while (isKeyword(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };

  const unary = (): FilterNode => {
    if (isKeyword(peek(), 'not')) {
      next();
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (t.type === 'punct' && t.text === '(') {
      next();
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (t.type !== 'ident') throw new FilterSyntaxError('expected an expression', t.pos);
    next();
    const after = peek();
    const name = t.text.toLowerCase();
    if (after.type === 'punct' && after.text === '(') {
      if (name === 'startswith' || name === 'endswith') {
        next();
        const prop = property();
        expectPunct(',');
        const value = literal();
        if (typeof value !== 'string') throw new FilterSyntaxError(`${name} needs a string`, after.pos);
        expectPunct(')');
        return { kind: 'function', name, property: prop, value };
      }
      const lambda = /^(.+)\/(any)$/i.exec(t.text);
      if (lambda) {
        next();
        const variable = property();
        expectPunct(':');
        const predicate = orExpr();
        expectPunct(')');
        return { kind: 'any', property: lambda[1], variable, predicate };
      }
      throw new FilterSyntaxError(`unknown function '${t.text}'`, t.pos);
    }
    const op = next();
    if (op.type !== 'ident') throw new FilterSyntaxError('expected an operator', op.pos);
    const opName = op.text.toLowerCase();
    if (COMPARE_OPS.has(opName)) {
      return { kind: 'compare', op: opName as CompareOp, property: t.text, value: literal() };
    }
    if (opName === 'in') {
      expectPunct('(');
      const values = [literal()];
      while (peek().type === 'punct' && (peek() as { text: string }).text === ',') {
        next();
        values.push(literal());
      }
      expectPunct(')');
      return { kind: 'in', property: t.text, values };
    }
    throw new FilterSyntaxError(`unknown operator '${op.text}'`, op.pos);
  };

  const tree = orExpr();
  const rest = peek();
  if (rest.type !== 'end') throw new FilterSyntaxError('unexpected text after the expression', rest.pos);
  return tree;
}

const normalize = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/** Whether an object passes the filter. String comparisons ignore case, as the directory does. */
export function evaluateFilter(node: FilterNode, item: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, item) && evaluateFilter(node.right, item);
    case 'or':
      return evaluateFilter(node.left, item) || evaluateFilter(node.right, item);
    case 'not':
      return !evaluateFilter(node.operand, item);
    case 'in':
      return node.values.some((v) => normalize(item[node.property] ?? null) === normalize(v));
    case 'function': {
      const value = item[node.property];
      if (typeof value !== 'string') return false;
      const [hay, needle] = [value.toLowerCase(), node.value.toLowerCase()];
      return node.name === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle);
    }
    case 'any': {
      const values = item[node.property];
      return (
        Array.isArray(values) && values.some((v) => evaluateFilter(node.predicate, { [node.variable]: v }))
      );
    }
    case 'compare': {
      const left = normalize(item[node.property] ?? null);
      const right = normalize(node.value);
      if (node.op === 'eq') return left === right;
      if (node.op === 'ne') return left !== right;
      if (left === null || right === null) return false;
      const [a, b] = [left as string | number, right as string | number];
      if (node.op === 'gt') return a > b;
      if (node.op === 'ge') return a >= b;
      if (node.op === 'lt') return a < b;
      return a <= b;
    }
  }
}
