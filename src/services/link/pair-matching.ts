import type { CloudUser } from '../entra/cloud-user';
import type { DirectoryUser } from '../../shared/directory/ad-directory';
import type { MatchContext } from './upn-suffixes';
import { EMPTY_MATCH_CONTEXT, isVerified, mappedDomain } from './upn-suffixes';

/** Evidence that an AD user and a cloud user are (or are not) the same person. */
export type MatchReason =
  | 'same-upn'
  | 'mapped-upn'
  | 'ad-address-is-cloud-upn'
  | 'shared-address'
  | 'same-mailbox-name'
  | 'same-login'
  | 'same-upn-name'
  | 'same-name'
  | 'similar-name'
  | 'same-employee-id'
  | 'same-department'
  | 'same-title'
  | 'different-first-name'
  | 'different-employee-id';

/** How sure Anchor is that a pair is one person, in words an admin reads. */
export type MatchConfidence = 'strong' | 'likely' | 'weak' | 'none';

/** One piece of evidence and what it is, worded for the admin. */
export interface MatchEvidence {
  reason: MatchReason;
  /** E.g. "AD UPN apes@corp.local is apes@contoso.com under the suffix map". */
  text: string;
}

/** One AD user paired with one cloud user, and how plausible the pair is. */
export interface PairCandidate {
  ad: DirectoryUser;
  cloud: CloudUser;
  /** 0 (nothing in common) to 100. */
  score: number;
  confidence: MatchConfidence;
  /** Strongest first; contradictions last. */
  evidence: MatchEvidence[];
}

/**
 * What identity evidence is worth. Only the strongest one counts in full: a login and a UPN
 * local part are usually the same string, so adding them would count one fact twice.
 */
const IDENTITY: Partial<Record<MatchReason, number>> = {
  'same-upn': 60,
  'mapped-upn': 55,
  'ad-address-is-cloud-upn': 55,
  'shared-address': 50,
  'same-mailbox-name': 40,
  'same-login': 40,
  'same-upn-name': 35,
};
/** A second, different identity fact adds this much, once. */
const CORROBORATION = 10;
const OTHER: Partial<Record<MatchReason, number>> = {
  'same-name': 30,
  'similar-name': 15,
  'same-employee-id': 15,
  'same-department': 3,
  'same-title': 3,
  'different-first-name': -20,
  'different-employee-id': -40,
};

/** Scores at or above these read as strong and likely; anything above zero is weak. */
export const CONFIDENCE_FLOOR = { strong: 70, likely: 40 } as const;
/** The best pair is preselected only when every other pair trails it by this much. */
export const CLEAR_MARGIN = 15;

/** Scores one pair from the evidence both accounts carry. */
export function scorePair(
  ad: DirectoryUser,
  cloud: CloudUser,
  context: MatchContext = EMPTY_MATCH_CONTEXT,
): PairCandidate {
  const evidence = [...identityEvidence(ad, cloud, context), ...personEvidence(ad, cloud)];
  const identity = evidence.map((e) => IDENTITY[e.reason] ?? 0).filter((w) => w > 0);
  const other = evidence.reduce((sum, e) => sum + (OTHER[e.reason] ?? 0), 0);
  const raw =
    identity.length === 0 ? other : Math.max(...identity) + (identity.length > 1 ? CORROBORATION : 0) + other;
  const score = Math.max(0, Math.min(100, raw));
  return { ad, cloud, score, confidence: confidenceOf(score), evidence: ordered(evidence) };
}

/** The words for a score. */
export function confidenceOf(score: number): MatchConfidence {
  if (score >= CONFIDENCE_FLOOR.strong) return 'strong';
  if (score >= CONFIDENCE_FLOOR.likely) return 'likely';
  return score > 0 ? 'weak' : 'none';
}

/** Every pair of the two candidate lists, most plausible first (ties keep the input order). */
export function rankPairs(
  adUsers: readonly DirectoryUser[],
  cloudUsers: readonly CloudUser[],
  context: MatchContext = EMPTY_MATCH_CONTEXT,
): PairCandidate[] {
  const pairs = adUsers.flatMap((ad) => cloudUsers.map((cloud) => scorePair(ad, cloud, context)));
  return pairs
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p.score - a.p.score || a.i - b.i)
    .map(({ p }) => p);
}

/**
 * What the candidates say about the pair to link:
 * - `clear`: one pair is at least likely and every other trails it by {@link CLEAR_MARGIN}: preselect it;
 * - `tie`: the two best pairs score the same: nothing is preselected, the admin chooses;
 * - `close`: the two best differ by less than the margin: nothing is preselected either;
 * - `weak`: the best pair is only weak; `none`: nothing links any pair, or no cloud user can be linked.
 */
export type PairMatch =
  | { kind: 'clear'; pair: PairCandidate }
  | { kind: 'tie' | 'close'; pairs: [PairCandidate, PairCandidate] }
  | { kind: 'weak'; pair: PairCandidate }
  | { kind: 'none'; unlinkable: number };

/**
 * Judges the candidates. A cloud user already synced, or converted from sync, cannot be linked:
 * it is never preselected and is no rival either.
 */
export function matchPairs(
  adUsers: readonly DirectoryUser[],
  cloudUsers: readonly CloudUser[],
  context: MatchContext = EMPTY_MATCH_CONTEXT,
): PairMatch {
  const linkable = cloudUsers.filter(isLinkable);
  const [best, second] = rankPairs(adUsers, linkable, context).filter((p) => p.score > 0);
  if (!best) return { kind: 'none', unlinkable: cloudUsers.length - linkable.length };
  if (second && second.score === best.score) return { kind: 'tie', pairs: [best, second] };
  if (best.confidence === 'weak') return { kind: 'weak', pair: best };
  if (second && best.score - second.score < CLEAR_MARGIN) return { kind: 'close', pairs: [best, second] };
  return { kind: 'clear', pair: best };
}

/** True for a cloud user never synced from AD (onPremisesSyncEnabled null, or not read). */
export function isLinkable(cloud: CloudUser): boolean {
  return cloud.onPremisesSyncEnabled === null || cloud.onPremisesSyncEnabled === undefined;
}

/** The evidence as one phrase, e.g. "same login as the cloud UPN, same display name". */
export function describeEvidence(pair: PairCandidate): string {
  return pair.evidence.map((e) => e.text).join(', ');
}

function identityEvidence(ad: DirectoryUser, cloud: CloudUser, context: MatchContext): MatchEvidence[] {
  const found: MatchEvidence[] = [];
  const add = (reason: MatchReason, text: string) => found.push({ reason, text });
  const cloudUpn = lower(cloud.userPrincipalName);
  const [cloudName] = split(cloudUpn);
  const adUpn = lower(ad.userPrincipalName);
  if (adUpn && adUpn === cloudUpn) add('same-upn', 'same UPN');
  else if (adUpn) upnEvidence(adUpn, cloudUpn, context, add);
  const adAddresses = addressesOf(ad.mail, ad.proxyAddresses);
  const cloudAddresses = addressesOf(cloud.mail, cloud.proxyAddresses ?? []);
  if (adAddresses.includes(cloudUpn)) add('ad-address-is-cloud-upn', 'an AD mail address is the cloud UPN');
  const shared = adAddresses.find((a) => a !== cloudUpn && cloudAddresses.includes(a));
  if (shared) add('shared-address', `both have the address ${shared}`);
  else if (!adAddresses.includes(cloudUpn)) {
    const onPrem = split(adUpn)[1];
    const mailbox = sameMailboxName(adAddresses, [cloudUpn, ...cloudAddresses], context, onPrem);
    if (mailbox) add('same-mailbox-name', `same mailbox name ${mailbox} in the tenant's verified domains`);
  }
  if (cloudName && lower(ad.sAMAccountName) === cloudName)
    add('same-login', 'AD login is the cloud UPN name');
  return found;
}

/** AD and cloud UPN with the same name part: the suffix decides how much that says. */
function upnEvidence(
  adUpn: string,
  cloudUpn: string,
  context: MatchContext,
  add: (reason: MatchReason, text: string) => void,
): void {
  const [adName, adSuffix] = split(adUpn);
  const [cloudName, cloudDomain] = split(cloudUpn);
  if (!adName || adName !== cloudName) return;
  const mapped = mappedDomain(adSuffix, context);
  if (mapped === cloudDomain) {
    add('mapped-upn', `AD UPN ${adUpn} maps to ${cloudUpn} (${adSuffix} → ${mapped})`);
  } else if (!mapped) {
    add('same-upn-name', `AD UPN ${adUpn} has the cloud UPN's name`);
  }
}

/**
 * A local part both sides use for mail: the cloud address in a domain the tenant verified, the AD
 * one in a verified domain, one the suffix map leads to the cloud's, or the AD user's own UPN
 * suffix (`zoe.angstrom@corp.local` on-prem is `zoe.angstrom@contoso.com` in the cloud). A domain
 * the tenant does not own and AD does not use says nothing.
 */
function sameMailboxName(
  adAddresses: string[],
  cloudAddresses: string[],
  context: MatchContext,
  onPremSuffix: string,
): string | undefined {
  const cloudDomains = (name: string) =>
    cloudAddresses
      .filter((a) => split(a)[0] === name && isVerified(split(a)[1], context))
      .map((a) => split(a)[1]);
  return adAddresses.find((address) => {
    const [name, domain] = split(address);
    const domains = cloudDomains(name);
    if (domains.length === 0) return false;
    const mapped = mappedDomain(domain, context);
    return isVerified(domain, context) || (!!mapped && domains.includes(mapped)) || domain === onPremSuffix;
  });
}

function personEvidence(ad: DirectoryUser, cloud: CloudUser): MatchEvidence[] {
  const found: MatchEvidence[] = [];
  const add = (reason: MatchReason, text: string) => found.push({ reason, text });
  const adName = fold(ad.displayName ?? `${ad.givenName ?? ''} ${ad.surname ?? ''}`);
  const cloudName = fold(cloud.displayName ?? `${cloud.givenName ?? ''} ${cloud.surname ?? ''}`);
  if (adName && adName === cloudName) add('same-name', 'same display name');
  else if (nameSimilarity(adName, cloudName) >= 0.8) add('similar-name', 'similar display name');
  else if (differentFirstNames(ad, cloud)) add('different-first-name', 'first names differ');
  const same = (a?: string | null, b?: string | null) => !!a && !!b && fold(a) === fold(b);
  if (same(ad.employeeId, cloud.employeeId)) add('same-employee-id', 'same employee ID');
  else if (ad.employeeId && cloud.employeeId) add('different-employee-id', 'employee IDs differ');
  if (same(ad.department, cloud.department)) add('same-department', 'same department');
  if (same(ad.title, cloud.jobTitle)) add('same-title', 'same job title');
  return found;
}

/** Given names that both sides state and that differ: a renamed user keeps the first name. */
function differentFirstNames(ad: DirectoryUser, cloud: CloudUser): boolean {
  const first = (given?: string | null, display?: string | null) =>
    fold(given ?? '') || fold(display ?? '').split(' ')[0] || '';
  const a = first(ad.givenName, ad.displayName);
  const b = first(cloud.givenName, cloud.displayName);
  return !!a && !!b && a !== b && !a.startsWith(b) && !b.startsWith(a);
}

/**
 * How alike two folded names are, 0 to 1: the Dice coefficient of letter pairs, so a middle
 * initial or a second surname still counts as similar.
 */
export function nameSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const pool = bigrams(b);
  if (x.length === 0 || pool.length === 0) return 0;
  const total = x.length + pool.length;
  let common = 0;
  for (const pair of x) {
    const at = pool.indexOf(pair);
    if (at >= 0) {
      common++;
      pool.splice(at, 1);
    }
  }
  return (2 * common) / total;
}

/** Case, accents and punctuation folded away: "Zoë Ångström-Nuñez" → "zoe angstrom nunez". */
export function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function bigrams(text: string): string[] {
  const words = text.split(' ').filter(Boolean);
  return words.flatMap((w) =>
    w.length < 2 ? [w] : Array.from({ length: w.length - 1 }, (_, i) => w.slice(i, i + 2)),
  );
}

function addressesOf(mail: string | null | undefined, proxyAddresses: readonly string[]): string[] {
  const smtp = proxyAddresses.filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5));
  return [...new Set([mail, ...smtp].map(lower).filter((a) => a.includes('@')))];
}

function split(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, ''] : [address.slice(0, at), address.slice(at + 1)];
}

function lower(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function ordered(evidence: MatchEvidence[]): MatchEvidence[] {
  const weight = (e: MatchEvidence) => IDENTITY[e.reason] ?? OTHER[e.reason] ?? 0;
  return [...evidence].sort((a, b) => weight(b) - weight(a));
}
