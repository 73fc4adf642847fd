import type { CloudUser } from '../../services/entra/cloud-user';
import type { DirectoryUser } from '../../shared/directory/ad-directory';
import type { CandidateSide, LinkCandidates } from '../../services/link/candidates';
import type { PairCandidate, PairMatch } from '../../services/link/pair-matching';
import { describeEvidence } from '../../services/link/pair-matching';
import { LINK_VERBS } from '../verbs';
import { SHOWN_BYTES, clip } from './format';

/**
 * How much of each value a candidate shows, in UTF-8 bytes: twenty of them share one card, so
 * each gets less than {@link SHOWN_BYTES}. The preflight card shows the picked pair in full.
 */
const CANDIDATE_BYTES = { name: 90, address: 80, container: 120 } as const;

/** One user in a column of the candidates card: a name and two lines of detail. */
export interface CandidateLines {
  name: string;
  line1: string;
  line2: string;
}

/** One column of the candidates card: the AD accounts or the cloud users found. */
export interface CandidateColumn {
  /** How many were found, e.g. `3` or `best 10 of 47`. */
  summary: string;
  /** Why the list is empty or cut short; '' when there is nothing to say. */
  message: string;
  /** The Adaptive Card colour of the message. */
  messageColor: 'Attention' | 'Warning' | 'Default';
  users: CandidateLines[];
}

/** One entry of a pick list: what it shows and the id it sends. */
export interface CandidateChoice {
  title: string;
  value: string;
}

/** The data the `link-candidates` card template binds. */
export interface CandidatesCardData {
  /** What the admin searched for. */
  text: string;
  ad: CandidateColumn;
  cloud: CandidateColumn;
  /** True when both sides found someone: only then does the card offer the pick lists. */
  canPick: boolean;
  /** The preselected pair, how sure and why; or why nothing is preselected. */
  pairLine: string;
  /** The preselected pair's AD object GUID and cloud user id; '' (an empty picker) otherwise. */
  adDefault: string;
  cloudDefault: string;
  adChoices: CandidateChoice[];
  cloudChoices: CandidateChoice[];
  /** The verb of "Check this pair". */
  verb: typeof LINK_VERBS.check;
}

/** The data the `link-candidates` card template expects. */
export function candidatesCardData(found: LinkCandidates): CandidatesCardData {
  const pair = found.preselected;
  const canPick = found.ad.users.length > 0 && found.cloud.users.length > 0;
  return {
    text: clip(found.text, SHOWN_BYTES.name),
    ad: side(found.ad, 'AD user', adLines, `Try the login (sAMAccountName), the UPN or the mail address.`),
    cloud: side(found.cloud, 'cloud user', cloudLines, 'Try the UPN, the mail address or the display name.'),
    canPick,
    pairLine: pairLine(found.match),
    // Only a clearly best pair fills the pickers: anything else must be a deliberate choice.
    adDefault: pair?.ad.objectGuid ?? '',
    cloudDefault: pair?.cloud.id ?? '',
    adChoices: found.ad.users.map((u) => ({
      title: `${shown(label(u), 'name')} (${shown(u.sAMAccountName, 'address')})`,
      value: u.objectGuid,
    })),
    cloudChoices: found.cloud.users.map((u) => ({
      title: `${shown(u.displayName ?? u.userPrincipalName, 'name')} (${shown(u.userPrincipalName, 'address')})`,
      value: u.id,
    })),
    verb: LINK_VERBS.check,
  };
}

const PICK = 'Pick the AD account and the cloud user yourself.';

/** What the card says about the pair to link. */
function pairLine(match: PairMatch): string {
  switch (match.kind) {
    case 'clear':
      return `Preselected, ${match.pair.confidence} match: ${pairName(match.pair)} (${describeEvidence(match.pair)}).`;
    case 'tie':
      return `No pair stands out: ${pairName(match.pairs[0])} and ${pairName(match.pairs[1])} match equally (${match.pairs[0].confidence}). ${PICK}`;
    case 'close':
      return `Two pairs are close: ${pairName(match.pairs[0])} (${match.pairs[0].confidence}) and ${pairName(match.pairs[1])} (${match.pairs[1].confidence}). ${PICK}`;
    case 'weak':
      return `Only a weak match: ${pairName(match.pair)} (${describeEvidence(match.pair)}). ${PICK}`;
    case 'none':
      return match.unlinkable > 0
        ? `No cloud-only user matches: ${match.unlinkable} found ${match.unlinkable === 1 ? 'is' : 'are'} already synced or converted from sync, which cannot be linked. ${PICK}`
        : `Nothing links these accounts. ${PICK}`;
  }
}

function pairName(pair: PairCandidate): string {
  return `${clip(label(pair.ad), SHOWN_BYTES.name)} ↔ ${clip(pair.cloud.userPrincipalName, SHOWN_BYTES.address)}`;
}

function side<T>(
  found: CandidateSide<T>,
  noun: string,
  lines: (user: T) => CandidateLines,
  hint: string,
): CandidateColumn {
  const summary =
    found.more > 0
      ? `best ${found.users.length} of ${found.users.length + found.more}`
      : `${found.users.length}`;
  let message = '';
  if (found.error) message = `Search failed: ${clip(found.error, SHOWN_BYTES.text)}`;
  else if (found.users.length === 0) message = `No ${noun} matches. ${hint}`;
  else if (found.more > 0) message = `${found.more} more match; type more of the name to narrow it down.`;
  return {
    summary,
    message,
    messageColor: found.error ? 'Attention' : found.users.length === 0 ? 'Warning' : 'Default',
    users: found.users.map(lines),
  };
}

/** A value clipped to its share of a candidate's room; Anchor's own words are never clipped. */
function shown(value: string, kind: keyof typeof CANDIDATE_BYTES): string {
  return clip(value, CANDIDATE_BYTES[kind]);
}

function adLines(u: DirectoryUser): CandidateLines {
  return {
    name: shown(label(u), 'name'),
    line1: `login ${shown(u.sAMAccountName, 'address')} · ${addresses(u.userPrincipalName, u.mail)}`,
    line2: `${shown(ouOf(u.dn), 'container')} · ${u.enabled ? 'enabled' : 'DISABLED'} · ${u.inSyncScope ? 'in sync scope' : 'NOT in sync scope'}`,
  };
}

function cloudLines(u: CloudUser): CandidateLines {
  return {
    name: shown(u.displayName ?? u.userPrincipalName, 'name'),
    line1: addresses(u.userPrincipalName, u.mail),
    line2: [
      SYNC_STATE[String(u.onPremisesSyncEnabled ?? null)],
      u.accountEnabled === false ? 'DISABLED' : 'enabled',
      ...(u.userType && u.userType !== 'Member' ? [shown(u.userType, 'name')] : []),
    ].join(' · '),
  };
}

/** "UPN x · mail y", or "UPN and mail x" when they are the same address, so none is printed twice. */
function addresses(upn: string | null | undefined, mail: string | null | undefined): string {
  if (upn && mail && upn.toLowerCase() === mail.toLowerCase()) return `UPN and mail ${shown(upn, 'address')}`;
  const upnPart = upn ? `UPN ${shown(upn, 'address')}` : 'no UPN';
  return `${upnPart} · ${mail ? `mail ${shown(mail, 'address')}` : 'no mail'}`;
}

const SYNC_STATE: Record<string, string> = {
  null: 'cloud-only',
  true: 'SYNCED from AD',
  false: 'converted from synced',
  undefined: 'sync state unknown',
};

/** The name an AD user goes by on the card. */
export function label(u: DirectoryUser): string {
  return u.displayName ?? ([u.givenName, u.surname].filter(Boolean).join(' ') || u.sAMAccountName);
}

/** The parent container of a DN, e.g. `OU=Staff,DC=corp,…` for `CN=Aaron,OU=Staff,DC=corp,…`. */
function ouOf(dn: string): string {
  const match = /^(?:[^,\\]|\\.)*,(.*)$/.exec(dn);
  return match ? match[1] : dn;
}
