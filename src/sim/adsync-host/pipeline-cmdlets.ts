import type { BoundParameters, ParameterSpec } from './binder';
import { convertToJson } from './convert-to-json';
import { CmdletError } from './errors';
import { isPsObject } from './ps-values';
import type { PsObject, PsValue } from './ps-values';

/** A cmdlet that only reshapes pipeline input (no server modes, no history). */
export interface PipelineCmdlet {
  name: string;
  parameters: ParameterSpec[];
  run(params: BoundParameters, input: PsValue[]): PsValue[];
}

function pick(value: PsValue, properties: string[]): PsObject {
  const source = isPsObject(value) ? value : {};
  const picked: PsObject = {};
  for (const wanted of properties) {
    // Property names match case-insensitively and keep the casing the caller wrote, as in PS.
    const key = Object.keys(source).find((k) => k.toLowerCase() === wanted.toLowerCase());
    picked[wanted] = key === undefined ? null : source[key];
  }
  return picked;
}

const selectObject: PipelineCmdlet = {
  name: 'Select-Object',
  parameters: [
    { name: 'Property', type: 'string[]', position: 0, typeName: 'System.Object[]' },
    { name: 'ExpandProperty', type: 'string' },
    { name: 'First', type: 'int', typeName: 'System.Int32' },
  ],
  run(params, input) {
    let items = typeof params.First === 'number' ? input.slice(0, params.First) : input;
    if (params.Property) items = items.map((v) => pick(v, params.Property as string[]));
    if (typeof params.ExpandProperty === 'string') {
      const name = params.ExpandProperty;
      items = items.map((v) => {
        const key = isPsObject(v)
          ? Object.keys(v).find((k) => k.toLowerCase() === name.toLowerCase())
          : undefined;
        if (key === undefined || !isPsObject(v)) {
          throw new CmdletError('Select-Object', `Property "${name}" cannot be found.`);
        }
        return v[key];
      });
    }
    return items;
  },
};

const convertTo: PipelineCmdlet = {
  name: 'ConvertTo-Json',
  parameters: [
    { name: 'Depth', type: 'int', typeName: 'System.Int32' },
    { name: 'Compress', type: 'switch' },
  ],
  run(params, input) {
    const options = {
      compress: params.Compress === true,
      depth: typeof params.Depth === 'number' ? params.Depth : 2,
    };
    const json = convertToJson(input, options);
    return json === undefined ? [] : [json];
  },
};

/** Only the simplified `Where-Object <Property> -eq <Value>` (strings compare case-insensitively, as -eq does). */
const whereObject: PipelineCmdlet = {
  name: 'Where-Object',
  parameters: [
    { name: 'Property', type: 'string', position: 0 },
    { name: 'EQ', type: 'switch' },
    { name: 'Value', type: 'string', position: 1 },
  ],
  run(params, input) {
    if (params.EQ !== true || typeof params.Property !== 'string' || typeof params.Value !== 'string') {
      throw new CmdletError(
        'Where-Object',
        'The stand-in ADSync host supports only Where-Object <Property> -eq <Value>.',
      );
    }
    const name = params.Property.toLowerCase();
    const wanted = params.Value.toLowerCase();
    return input.filter((v) => {
      if (!isPsObject(v)) return false;
      const key = Object.keys(v).find((k) => k.toLowerCase() === name);
      const value = key === undefined ? null : v[key];
      return (
        (typeof value === 'string' || typeof value === 'number') && String(value).toLowerCase() === wanted
      );
    });
  },
};

/** The pipeline cmdlets the stand-in implements, by lower-case name. */
export const PIPELINE_CMDLETS = new Map(
  [selectObject, convertTo, whereObject].map((c) => [c.name.toLowerCase(), c]),
);
