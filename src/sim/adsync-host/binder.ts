import { CmdletError } from './errors';
import { PsHashtable } from './parser';
import type { ParsedArgument, PsLiteral } from './parser';

/** How a parameter takes its value. */
export type ParameterType = 'switch' | 'bool' | 'string' | 'string[]' | 'int' | 'enum' | 'hashtable';

/** One parameter a stand-in cmdlet declares. */
export interface ParameterSpec {
  name: string;
  type: ParameterType;
  /** Position for unnamed arguments. */
  position?: number;
  /** Enum names, for type `enum`. */
  values?: string[];
  /** .NET type name used in binding errors. */
  typeName?: string;
}

/** Parameter name → bound value. */
export type BoundParameters = Record<string, boolean | string | string[] | number | PsHashtable>;

/** PowerShell's common parameters: accepted by every cmdlet and ignored by the stand-in. */
const COMMON: ParameterSpec[] = [
  ...['Verbose', 'Debug'].map((name): ParameterSpec => ({ name, type: 'switch' })),
  ...[
    'ErrorAction',
    'WarningAction',
    'InformationAction',
    'ProgressAction',
    'ErrorVariable',
    'WarningVariable',
    'InformationVariable',
    'OutVariable',
    'OutBuffer',
    'PipelineVariable',
  ].map((name): ParameterSpec => ({ name, type: 'string' })),
];

/** Names of the common parameters, which bind but are not reported to the cmdlet. */
export const COMMON_PARAMETERS = new Set(COMMON.map((p) => p.name));

function findParameter(cmdlet: string, specs: ParameterSpec[], written: string): ParameterSpec {
  const lower = written.toLowerCase();
  const exact = specs.find((s) => s.name.toLowerCase() === lower);
  if (exact) return exact;
  const prefixed = specs.filter((s) => s.name.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) {
    const names = prefixed.map((s) => `-${s.name}`).join(' ');
    throw new CmdletError(
      cmdlet,
      `Parameter cannot be processed because the parameter name '${written}' is ambiguous. Possible matches include: ${names}.`,
    );
  }
  throw new CmdletError(cmdlet, `A parameter cannot be found that matches parameter name '${written}'.`);
}

function describe(value: PsLiteral): string {
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof PsHashtable) return 'System.Collections.Hashtable';
  if (typeof value === 'string') return 'System.String';
  return String(value);
}

function convert(
  cmdlet: string,
  spec: ParameterSpec,
  value: PsLiteral,
): boolean | string | string[] | number | PsHashtable {
  if (spec.type === 'hashtable') {
    if (value instanceof PsHashtable) return value;
    throw new CmdletError(
      cmdlet,
      `Cannot bind parameter '${spec.name}'. Cannot convert the "${describe(value)}" value of type "${describe(value)}" to type "System.Collections.Hashtable".`,
    );
  }
  if (value instanceof PsHashtable) {
    throw new CmdletError(
      cmdlet,
      `Cannot bind parameter '${spec.name}'. Cannot convert the "System.Collections.Hashtable" value of type "System.Collections.Hashtable" to type "${spec.typeName ?? 'System.String'}".`,
    );
  }
  switch (spec.type) {
    case 'switch':
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      throw new CmdletError(
        cmdlet,
        `Cannot process argument transformation on parameter '${spec.name}'. Cannot convert value "${describe(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
      );
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new CmdletError(
        cmdlet,
        `Cannot bind parameter '${spec.name}'. Cannot convert value "${String(value)}" to type "System.Int32".`,
      );
    case 'string[]':
      return (Array.isArray(value) ? value : [value]).map((v) => String(v));
    case 'enum': {
      const match = spec.values?.find((v) => v.toLowerCase() === String(value).toLowerCase());
      if (match) return match;
      throw new CmdletError(
        cmdlet,
        `Cannot bind parameter '${spec.name}'. Cannot convert value "${String(value)}" to type "${spec.typeName}". Error: "Unable to match the identifier name ${String(value)} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${spec.values?.join(', ')}"`,
      );
    }
    default:
      // Several objects where one string is wanted (e.g. `$ad.Name` of two connectors) is refused.
      if (Array.isArray(value)) {
        throw new CmdletError(
          cmdlet,
          `Cannot convert 'System.Object[]' to the type 'System.String' required by parameter '${spec.name}'. Specified method is not supported.`,
          'ParameterBindingException',
          'InvalidArgument',
        );
      }
      return value === null ? '' : String(value);
  }
}

/**
 * Binds written arguments to a cmdlet's parameters as PowerShell does for the simple cases: names
 * are case-insensitive and may be shortened to a unique prefix, switches take no value (or
 * `-Switch:$false`), other parameters take the next argument, the rest bind by position.
 */
export function bindParameters(
  cmdlet: string,
  specs: ParameterSpec[],
  args: ParsedArgument[],
): BoundParameters {
  const all = [...specs, ...COMMON];
  const bound: BoundParameters = {};
  const positional: PsLiteral[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!('parameter' in arg)) {
      positional.push(arg.value);
      continue;
    }
    const spec = findParameter(cmdlet, all, arg.parameter);
    if (arg.value !== undefined) bound[spec.name] = convert(cmdlet, spec, arg.value);
    else if (spec.type === 'switch') bound[spec.name] = true;
    else {
      const next = args[i + 1];
      if (!next || 'parameter' in next) {
        throw new CmdletError(
          cmdlet,
          `Missing an argument for parameter '${spec.name}'. Specify a parameter of type '${spec.typeName ?? 'System.String'}' and try again.`,
        );
      }
      bound[spec.name] = convert(cmdlet, spec, next.value);
      i += 1;
    }
  }
  const open = specs.filter((s) => s.position !== undefined && !(s.name in bound));
  open.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const value of positional) {
    const spec = open.shift();
    if (!spec) {
      throw new CmdletError(
        cmdlet,
        `A positional parameter cannot be found that accepts argument '${String(value)}'.`,
      );
    }
    bound[spec.name] = convert(cmdlet, spec, value);
  }
  // A cmdlet that declares a common parameter itself (Get-WinEvent's -ErrorAction) gets its value.
  for (const name of COMMON_PARAMETERS) if (!specs.some((s) => s.name === name)) delete bound[name];
  return bound;
}
