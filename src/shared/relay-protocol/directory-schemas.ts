import { z } from 'zod';
import { isGuid } from '../guid';
import { DIRECTORY_ERROR_KINDS } from '../directory/directory-error';
import { isGuidImmutableId } from '../directory/immutable-id';
import type { DirectoryUser } from '../directory/ad-directory';
import { DIRECTORY_LIMITS } from './directory-jobs';
import type {
  DirectoryAnswer,
  DirectoryFindParams,
  DirectoryMapping,
  DirectoryOperation,
  DirectorySearchParams,
} from './directory-jobs';

/**
 * Shapes of directory jobs, both ways: the relay checks a job's parameters before it reads
 * anything (a job that does not match is refused, not run), and the bot checks an answer before it
 * believes it. Every string and list is bounded; nothing here is ever put into filter text.
 */

/** Any text but NUL, which ends strings in LDAP and elsewhere. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL');
const guid = z.string().refine(isGuid, 'must be a GUID');
const dn = text(DIRECTORY_LIMITS.dn).min(3);
const limit = z.number().int().min(1).max(DIRECTORY_LIMITS.users);

/** {@link DirectoryMapping}. */
const mappingSchema: z.ZodType<DirectoryMapping> = z.strictObject({
  syncScopeOus: z.array(dn).max(DIRECTORY_LIMITS.syncScopeOus),
  sourceAnchor: z.enum(['auto', 'objectGUID', 'mS-DS-ConsistencyGuid']),
});

/** {@link DirectorySearchParams}: the text as typed, at most as long as the longest AD value. */
const searchParamsSchema: z.ZodType<DirectorySearchParams> = z.strictObject({
  text: text(DIRECTORY_LIMITS.text),
  limit,
  mapping: mappingSchema,
});

/** {@link DirectoryFindParams}. */
const findParamsSchema: z.ZodType<DirectoryFindParams> = z.strictObject({
  by: z.enum(['sAMAccountName', 'userPrincipalName', 'mail', 'objectGuid', 'sourceAnchor']),
  value: text(DIRECTORY_LIMITS.text),
  limit,
  mapping: mappingSchema,
});

const noParams = z.strictObject({});

/** The parameter schema of each directory operation. */
export const DIRECTORY_PARAMS_SCHEMAS: Record<DirectoryOperation, z.ZodType> = {
  'directory-search': searchParamsSchema,
  'directory-find': findParamsSchema,
  'directory-list-ous': noParams,
  'directory-ping': noParams,
};

/** {@link DirectoryUser}, every value bounded. */
export const directoryUserSchema: z.ZodType<DirectoryUser> = z.object({
  dn,
  sAMAccountName: text(256),
  userPrincipalName: text(1024).optional(),
  mail: text(1024).optional(),
  proxyAddresses: z.array(text(2048)).max(500),
  primarySmtp: text(1024).optional(),
  displayName: text(1024).optional(),
  givenName: text(1024).optional(),
  surname: text(1024).optional(),
  department: text(1024).optional(),
  title: text(1024).optional(),
  employeeId: text(1024).optional(),
  enabled: z.boolean(),
  objectGuid: guid,
  consistencyGuid: guid.optional(),
  objectSid: z
    .string()
    .regex(/^S-1-[0-9-]{1,200}$/, 'must be a SID')
    .optional(),
  whenChanged: z.iso.datetime({ offset: true }).optional(),
  inSyncScope: z.boolean(),
  sourceAnchor: z.object({
    attribute: z.enum(['objectGUID', 'mS-DS-ConsistencyGuid']),
    guid,
    immutableId: z.string().refine(isGuidImmutableId, 'must be an ImmutableId'),
  }),
});

/** {@link DirectoryAnswer}. */
export const directoryAnswerSchema: z.ZodType<DirectoryAnswer> = z.object({
  users: z.array(directoryUserSchema).max(DIRECTORY_LIMITS.users).optional(),
  more: z.number().int().min(0).optional(),
  ous: z.array(dn).max(DIRECTORY_LIMITS.ous).optional(),
  error: z
    .object({
      kind: z.enum(DIRECTORY_ERROR_KINDS),
      message: text(2000).min(1),
    })
    .optional(),
});
