/**
 * A parser for the few PowerShell lines the relay and node-powershell send: the framing markers
 * `[Console]::Out.WriteLine("…")`, variable assignments, pipelines of cmdlets with named or
 * positional arguments, `$env:NAME` inside double quotes, hashtable literals of literals
 * (`@{LogName='Application'; Id=611,652}`), a pipeline's output assigned to a variable and read
 * back as `$name.Property` in an argument, and one expression form,
 * `[DateTime]::SpecifyKind((<pipeline>).<Property>,'<Kind>').ToString('o')`. Anything else is
 * refused with a parse error rather than guessed at.
 */

/** Environment variables `$env:NAME` expands to inside double-quoted strings. */
export type ParseEnv = Record<string, string | undefined>;

/** `@{Key=value; …}`: keys as written (PowerShell matches them case-insensitively). */
export class PsHashtable {
  constructor(readonly entries: Record<string, PsLiteral>) {}
}

/** `$name.Property` as an argument: read from the session's variables when the command runs. */
export class PsVariableRef {
  constructor(
    readonly variable: string,
    readonly property: string,
  ) {}
}

/**
 * A literal argument value: quoted or bare strings, numbers, `$true`/`$false`/`$null`, `a,b`, a
 * hashtable literal, or a variable's property.
 */
export type PsLiteral = string | number | boolean | null | PsLiteral[] | PsHashtable | PsVariableRef;

/** One argument as written: `-Name`, `-Name:value`, or a value. */
export type ParsedArgument = { parameter: string; value?: PsLiteral } | { value: PsLiteral };

/** One cmdlet of a pipeline. */
export interface ParsedCommand {
  name: string;
  arguments: ParsedArgument[];
}

/** One statement of a line. */
export type Statement =
  | { kind: 'console'; stream: 'Out' | 'Error'; text: string }
  | { kind: 'assign'; variable: string; value: PsLiteral }
  /** `$name = <pipeline>`: the pipeline's output kept in a variable. */
  | { kind: 'assign-pipeline'; variable: string; commands: ParsedCommand[] }
  | { kind: 'pipeline'; commands: ParsedCommand[] }
  /** `[DateTime]::SpecifyKind((<commands>).<property>,'<dateKind>').ToString('o')`. */
  | { kind: 'date-text'; commands: ParsedCommand[]; property: string; dateKind: 'Utc' | 'Unspecified' };

/** A line the stand-in cannot parse; the message reads like PowerShell's ParserError. */
export class PsParseError extends Error {
  override name = 'PsParseError';
}

const CONSOLE_CALL = /^\[Console\]::(Out|Error)\.WriteLine\(\s*(".*"|'.*')\s*\)$/i;
const ASSIGNMENT = /^\$([A-Za-z_][\w:]*)\s*=\s*(.+)$/s;
const VARIABLES: Record<string, boolean | null> = { true: true, false: false, null: null };
/** A cmdlet name (Verb-Noun) at the start of an assignment's right side. */
const CMDLET_START = /^[A-Za-z]+-[A-Za-z]/;
const VARIABLE_PROPERTY = /^\$([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;
const DATE_TEXT =
  /^\[DateTime\]::SpecifyKind\(\s*\((.+)\)\.([A-Za-z_]\w*)\s*,\s*'(Utc|Unspecified)'\s*\)\.ToString\(\s*'o'\s*\)$/is;

/** Splits on `separator` outside quotes; drops a trailing `#` comment. */
export function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  // Separators inside `@{…}` belong to the hashtable, not to the line.
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quote) {
      current += ch;
      if (ch === '`' && quote === '"' && i + 1 < text.length) current += text[++i];
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === '#' && separator === ';' && /(^|\s)$/.test(current)) {
      break;
    } else if (ch === '{' || ch === '}') {
      depth += ch === '{' ? 1 : -1;
      current += ch;
    } else if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quote) throw new PsParseError('The string is missing the terminator: ' + quote + '.');
  parts.push(current);
  return parts;
}

/** The value of a quoted string token (single quotes: `''` escapes; double: backtick escapes). */
function unquote(token: string, env: ParseEnv): string {
  let body = token.slice(1, -1);
  if (token[0] === "'") return body.replace(/''/g, "'");
  body = body.replace(/(?<!`)\$env:([A-Za-z_]\w*)/gi, (_m, name: string) => envValue(env, name));
  if (/\$[A-Za-z({]/.test(body)) {
    throw new PsParseError(`The stand-in ADSync host does not expand variables in strings: ${token}`);
  }
  return body.replace(/`(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', '0': '\0' })[c] ?? c);
}

/** `$env:NAME`: names match case-insensitively, as on Windows; an unset one is empty. */
function envValue(env: ParseEnv, name: string): string {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? '' : (env[key] ?? '');
}

/** Splits a command into words: quoted strings stay whole; commas bind list items together. */
function words(text: string): string[] {
  const out: string[] = [];
  const pattern =
    /\s*(@\{(?:'(?:[^']|'')*'|"(?:[^"`]|`.)*"|[^}'"])*\}|(?:'(?:[^']|'')*'|"(?:[^"`]|`.)*"|[^\s'"])+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text)) !== null) {
    out.push(match[1]);
    consumed = pattern.lastIndex;
  }
  if (text.slice(consumed).trim())
    throw new PsParseError(`Unexpected token '${text.slice(consumed).trim()}'.`);
  return joinLists(out);
}

/** `'a', 'b'` is one list argument in PowerShell: glue words around a separating comma. */
function joinLists(items: string[]): string[] {
  const joined: string[] = [];
  for (const item of items) {
    const last = joined.length - 1;
    if (last >= 0 && (joined[last].endsWith(',') || item.startsWith(','))) joined[last] += item;
    else joined.push(item);
  }
  return joined;
}

/** One literal: a quoted string, `$true`, a number, a bare word, or a comma list of those. */
export function parseLiteral(token: string, env: ParseEnv = {}): PsLiteral {
  if (/^\s*@\{.*\}\s*$/s.test(token)) return parseHashtable(token.trim(), env);
  const items = splitOutsideQuotes(token, ',');
  if (items.length > 1) return items.map((item) => parseLiteral(item.trim(), env));
  const t = token.trim();
  if (t === '') throw new PsParseError("Missing expression after ','.");
  if (t[0] === "'" || t[0] === '"') return unquote(t, env);
  const reference = VARIABLE_PROPERTY.exec(t);
  if (reference) return new PsVariableRef(reference[1], reference[2]);
  if (t[0] === '$') {
    const name = t.slice(1).toLowerCase();
    if (name in VARIABLES) return VARIABLES[name];
    throw new PsParseError(`The stand-in ADSync host only knows $true, $false and $null, not ${t}.`);
  }
  if (/^[-+]?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/[(){}@[\]]/.test(t)) throw new PsParseError(`The stand-in ADSync host does not support '${t}'.`);
  return t;
}

/** `@{Key=literal; …}`: bare keys, literal values; anything else is refused. */
function parseHashtable(token: string, env: ParseEnv): PsHashtable {
  const entries: Record<string, PsLiteral> = {};
  for (const part of splitOutsideQuotes(token.slice(2, -1), ';')) {
    if (!part.trim()) continue;
    const entry = /^\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*$/s.exec(part);
    if (!entry)
      throw new PsParseError(`The stand-in ADSync host does not support '${part.trim()}' in a hashtable.`);
    const value = parseLiteral(entry[2], env);
    if (value instanceof PsHashtable || value instanceof PsVariableRef) {
      throw new PsParseError(`The stand-in ADSync host does not support '${entry[2]}' in a hashtable.`);
    }
    entries[entry[1]] = value;
  }
  return new PsHashtable(entries);
}

function parseCommand(text: string, env: ParseEnv): ParsedCommand {
  const [name, ...rest] = words(text.trim());
  if (!name) throw new PsParseError('An empty pipe element is not allowed.');
  if (/^[$'"[(@{]/.test(name)) throw new PsParseError(`The stand-in ADSync host does not support '${name}'.`);
  const args = rest.map((word): ParsedArgument => {
    const param = /^-([A-Za-z_]\w*)(?::(.+))?$/s.exec(word);
    if (!param) return { value: parseLiteral(word, env) };
    return param[2] === undefined
      ? { parameter: param[1] }
      : { parameter: param[1], value: parseLiteral(param[2], env) };
  });
  return { name, arguments: args };
}

function parseStatement(text: string, env: ParseEnv): Statement {
  const consoleCall = CONSOLE_CALL.exec(text);
  if (consoleCall) {
    const stream = consoleCall[1].toLowerCase() === 'out' ? 'Out' : 'Error';
    return { kind: 'console', stream, text: unquote(consoleCall[2], env) };
  }
  const assignment = ASSIGNMENT.exec(text);
  if (assignment && CMDLET_START.test(assignment[2].trim())) {
    const commands = splitOutsideQuotes(assignment[2], '|').map((c) => parseCommand(c, env));
    return { kind: 'assign-pipeline', variable: assignment[1], commands };
  }
  if (assignment) {
    return { kind: 'assign', variable: assignment[1], value: parseLiteral(assignment[2], env) };
  }
  const dateText = DATE_TEXT.exec(text);
  if (dateText) {
    const dateKind = dateText[3].toLowerCase() === 'utc' ? 'Utc' : 'Unspecified';
    const commands = splitOutsideQuotes(dateText[1], '|').map((c) => parseCommand(c, env));
    return { kind: 'date-text', commands, property: dateText[2], dateKind };
  }
  return { kind: 'pipeline', commands: splitOutsideQuotes(text, '|').map((c) => parseCommand(c, env)) };
}

/**
 * Parses one input line into its `;`-separated statements (none for a blank or comment line);
 * `$env:NAME` in double quotes reads `env`.
 */
export function parseLine(line: string, env: ParseEnv = {}): Statement[] {
  return splitOutsideQuotes(line, ';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseStatement(part, env));
}
