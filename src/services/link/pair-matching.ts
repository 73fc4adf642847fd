import type { CloudUser } from '../entra/cloud-user';
import type { DirectoryUser } from '../ad/ad-directory';

/** Why an AD user and a cloud user look like the same person, strongest first. */
export type MatchReason =
  'same-upn' | 'primary-smtp-in-proxy-addresses' | 'same-mail' | 'same-login' | 'similar-name';

/** One AD user paired with one cloud user, and how plausible the pair is. */
export interface PairCandidate {
  ad: DirectoryUser;
  cloud: CloudUser;
  /** 0 (nothing in common) to 100. */
  score: number;
  reasons: MatchReason[];
}

/** What each reason is worth; a pair needs at least one address match or a close name to be offered. */
const WEIGHTS: Record<MatchReason, number> = {
  'same-upn': 45,
  'primary-smtp-in-proxy-addresses': 30,
  'same-mail': 25,
  'same-login': 15,
  'similar-name': 20,
};

/** Below this a pair is not preselected: the admin picks one explicitly. */
export const PRESELECT_THRESHOLD = 40;

/** Scores one pair. Addresses compare case-insensitively; names after removing accents and punctuation. */
export function scorePair(ad: DirectoryUser, cloud: CloudUser): PairCandidate {
  const reasons: MatchReason[] = [];
  const same = (a?: string | null, b?: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  if (same(ad.userPrincipalName, cloud.userPrincipalName)) reasons.push('same-upn');
  const cloudAddresses = (cloud.proxyAddresses ?? []).map((p) => p.replace(/^smtp:/i, '').toLowerCase());
  if (ad.primarySmtp && cloudAddresses.includes(ad.primarySmtp.toLowerCase())) {
    reasons.push('primary-smtp-in-proxy-addresses');
  }
  if (same(ad.mail, cloud.mail)) reasons.push('same-mail');
  if (same(ad.sAMAccountName, cloud.userPrincipalName.split('@')[0])) reasons.push('same-login');
  if (nameSimilarity(ad, cloud) >= 0.8) reasons.push('similar-name');
  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + WEIGHTS[r], 0),
  );
  return { ad, cloud, score, reasons };
}

/** Every pair of the two candidate lists, most plausible first (ties keep the input order). */
export function rankPairs(
  adUsers: readonly DirectoryUser[],
  cloudUsers: readonly CloudUser[],
): PairCandidate[] {
  const pairs = adUsers.flatMap((ad) => cloudUsers.map((cloud) => scorePair(ad, cloud)));
  return pairs
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p.score - a.p.score || a.i - b.i)
    .map(({ p }) => p);
}

/**
 * The pair to preselect on the card, if one stands out: the best pair scores at least
 * {@link PRESELECT_THRESHOLD}, and no other pair with the same score shares one of its users (that
 * would be a real ambiguity, never guessed). Distinct pairs that tie keep the directory's order,
 * which puts an exact match of the typed text first.
 */
export function preselectedPair(
  adUsers: readonly DirectoryUser[],
  cloudUsers: readonly CloudUser[],
): PairCandidate | undefined {
  const [best, ...rest] = rankPairs(adUsers, cloudUsers);
  if (!best || best.score < PRESELECT_THRESHOLD) return undefined;
  const rival = rest.find(
    (p) => p.score === best.score && (p.ad.dn === best.ad.dn || p.cloud.id === best.cloud.id),
  );
  return rival ? undefined : best;
}

/**
 * How alike the two display names are, 0 to 1: the Dice coefficient of letter pairs after
 * folding case and accents, so "Zoë Ångström" and "Zoe Angstrom" are the same name.
 */
export function nameSimilarity(ad: DirectoryUser, cloud: CloudUser): number {
  const a = bigrams(fold(ad.displayName ?? `${ad.givenName ?? ''} ${ad.surname ?? ''}`));
  const b = bigrams(fold(cloud.displayName ?? `${cloud.givenName ?? ''} ${cloud.surname ?? ''}`));
  if (a.length === 0 || b.length === 0) return 0;
  const pool = [...b];
  let common = 0;
  for (const pair of a) {
    const at = pool.indexOf(pair);
    if (at >= 0) {
      common++;
      pool.splice(at, 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

function fold(name: string): string {
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
