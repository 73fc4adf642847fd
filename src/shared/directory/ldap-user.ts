import type { Entry } from 'ldapts';
import type { DirectoryUser } from './ad-directory';
import { isWithin } from './distinguished-name';
import { bytesToGuid } from './immutable-id';
import { sourceAnchorOf } from './source-anchor';
import type { SourceAnchorSetting } from './source-anchor';

/** Attributes read for every user; nothing else is requested. */
export const USER_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'displayName',
  'givenName',
  'sn',
  'department',
  'title',
  'employeeID',
  'userAccountControl',
  'objectGUID',
  'mS-DS-ConsistencyGuid',
  'objectSid',
  'whenChanged',
];

/** Attributes whose values are raw bytes and must not be decoded as UTF-8. */
export const BINARY_ATTRIBUTES = ['objectGUID', 'mS-DS-ConsistencyGuid', 'objectSid'];

const ACCOUNTDISABLE = 0x2;

/** How entries are turned into users: which OUs are synced and which anchor is used. */
export interface UserMapping {
  syncScopeOus: readonly string[];
  sourceAnchor: SourceAnchorSetting;
}

/**
 * The user model for one LDAP entry.
 * @throws TypeError when the entry has no usable objectGUID (not a user object).
 */
export function toDirectoryUser(ldapEntry: Entry, mapping: UserMapping): DirectoryUser {
  // DCs answer with the schema's spelling of attribute names, which need not match the request.
  const entry = lowerCaseKeys(ldapEntry);
  const objectGuid = bytesToGuid(firstBuffer(entry, 'objectguid') ?? Buffer.alloc(0));
  const consistency = firstBuffer(entry, 'ms-ds-consistencyguid');
  const consistencyGuid = consistency?.length === 16 ? bytesToGuid(consistency) : undefined;
  const proxyAddresses = strings(entry, 'proxyaddresses');
  const sid = firstBuffer(entry, 'objectsid');
  const uac = Number(first(entry, 'useraccountcontrol') ?? 0);
  return {
    dn: ldapEntry.dn,
    sAMAccountName: first(entry, 'samaccountname') ?? '',
    userPrincipalName: first(entry, 'userprincipalname'),
    mail: first(entry, 'mail'),
    proxyAddresses,
    primarySmtp: primarySmtpOf(proxyAddresses),
    displayName: first(entry, 'displayname'),
    givenName: first(entry, 'givenname'),
    surname: first(entry, 'sn'),
    department: first(entry, 'department'),
    title: first(entry, 'title'),
    employeeId: first(entry, 'employeeid'),
    enabled: (uac & ACCOUNTDISABLE) === 0,
    objectGuid,
    consistencyGuid,
    objectSid: sid ? sidToString(sid) : undefined,
    whenChanged: generalizedTimeToIso(first(entry, 'whenchanged')),
    inSyncScope:
      mapping.syncScopeOus.length === 0 || mapping.syncScopeOus.some((ou) => isWithin(ldapEntry.dn, ou)),
    sourceAnchor: sourceAnchorOf({ objectGuid, consistencyGuid }, mapping.sourceAnchor),
  };
}

/** The values a typed search text is compared with to find exact matches. */
export function identityKeys(ldapEntry: Entry): string[] {
  const entry = lowerCaseKeys(ldapEntry);
  return ['samaccountname', 'userprincipalname', 'mail', 'displayname'].flatMap((name) =>
    strings(entry, name),
  );
}

/** The primary SMTP address: the `SMTP:` entry (upper-case prefix), without the prefix. */
export function primarySmtpOf(proxyAddresses: readonly string[]): string | undefined {
  return proxyAddresses.find((p) => p.startsWith('SMTP:'))?.slice(5);
}

/** `S-1-5-21-…` for a binary objectSid. */
export function sidToString(sid: Buffer): string {
  const revision = sid.readUInt8(0);
  const count = sid.readUInt8(1);
  const authority = sid.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(sid.readUInt32LE(8 + i * 4));
  return ['S', revision, authority, ...subs].join('-');
}

/** ISO 8601 for an LDAP GeneralizedTime such as `20261125103000.0Z`. */
export function generalizedTimeToIso(value: string | undefined): string | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(value);
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

type Attributes = Record<string, Entry[string]>;

function lowerCaseKeys(entry: Entry): Attributes {
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k.toLowerCase(), v]));
}

function first(entry: Attributes, name: string): string | undefined {
  const value = entry[name];
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return undefined;
  const text = Buffer.isBuffer(one) ? one.toString('utf8') : one;
  return text === '' ? undefined : text;
}

function strings(entry: Attributes, name: string): string[] {
  const value = entry[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function firstBuffer(entry: Attributes, name: string): Buffer | undefined {
  const value = entry[name];
  const one = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(one) ? one : undefined;
}
