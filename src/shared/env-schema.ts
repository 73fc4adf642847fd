import { z } from 'zod';
import { isGuid } from './guid';

/*
 * The small pieces every settings block (bot, directory, Graph, relay) validates with, so an empty
 * variable, a GUID or a URL means the same thing in each.
 */

/** An empty or blank variable counts as not set. */
export const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** `schema`, or nothing when the variable is unset or blank. */
export const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(emptyToUndefined, schema.optional());

/** A whole number from `min` to `max`, or `fallback` when the variable is unset or blank. */
export const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

/** A GUID in its canonical string form. */
export const guid = z.string().refine(isGuid, 'must be a GUID');

/** `url` without trailing slashes, so paths can be appended with one. */
export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
