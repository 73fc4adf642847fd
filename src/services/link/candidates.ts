import { adminMessage } from '../../shared/admin-facing-error';
import type { CloudDirectory } from '../entra/cloud-directory';
import type { CloudUser } from '../entra/cloud-user';
import type { DirectoryService, DirectoryUser } from '../../shared/directory/ad-directory';
import type { PagedResult } from '../entra/graph-paging';
import { matchPairs } from './pair-matching';
import { normalizeSearchText } from '../../shared/directory/search-text';
import type { PairCandidate, PairMatch } from './pair-matching';
import { loadMatchContext } from './upn-suffixes';

/** How many candidates each side of the card shows. */
export const CANDIDATES_SHOWN = 10;

/** One side of the search: what was found, how many more matched, or why the search failed. */
export interface CandidateSide<T> {
  users: T[];
  /** Matches beyond those shown (a lower bound when the service could not count them). */
  more: number;
  /** The service's own message when the search failed; the other side is still shown. */
  error: string | null;
}

/** What `link user <text>` found on both sides, and the pair that stands out, if one does. */
export interface LinkCandidates {
  text: string;
  ad: CandidateSide<DirectoryUser>;
  cloud: CandidateSide<CloudUser>;
  /** The pair to preselect: set only when one is clearly best (`match.kind === 'clear'`). */
  preselected: PairCandidate | null;
  /** What the candidates say about the pair, to word on the card. */
  match: PairMatch;
}

/** The services a candidate search reads. */
export interface CandidateServices {
  directory: DirectoryService;
  cloud: CloudDirectory;
  /** UPN_SUFFIX_MAP: AD UPN suffix → cloud domain, lower-case. */
  suffixMap: ReadonlyMap<string, string>;
}

/**
 * Searches AD and Entra ID for `text` at once. A failure on one side is reported on that side
 * only, so an unreachable DC still shows the cloud candidates and says why AD is missing.
 * @throws DirectoryError (`invalid-input`) when the text cannot match anything, before any search.
 */
export async function findLinkCandidates(
  text: string,
  services: CandidateServices,
  options: { deadline?: number } = {},
): Promise<LinkCandidates> {
  text = normalizeSearchText(text);
  const [ad, cloud, context] = await Promise.all([
    services.directory.search(text, { limit: CANDIDATES_SHOWN }).then(
      (r): CandidateSide<DirectoryUser> => ({ users: r.users, more: r.more, error: null }),
      (err: unknown) => failedSide<DirectoryUser>(err),
    ),
    services.cloud.searchUsers(text, { limit: CANDIDATES_SHOWN, deadline: options.deadline }).then(
      (r): CandidateSide<CloudUser> => ({ users: r.items, more: moreThan(r), error: null }),
      (err: unknown) => failedSide<CloudUser>(err),
    ),
    loadMatchContext(services.cloud, services.suffixMap, { deadline: options.deadline }),
  ]);
  const match = matchPairs(ad.users, cloud.users, context);
  return { text, ad, cloud, preselected: match.kind === 'clear' ? match.pair : null, match };
}

/** Users Graph matched beyond those returned: its count when it gave one, else at least one if cut. */
function moreThan(result: PagedResult<CloudUser>): number {
  if (result.total !== undefined) return Math.max(0, result.total - result.items.length);
  return result.truncated ? 1 : 0;
}

function failedSide<T>(err: unknown): CandidateSide<T> {
  return { users: [], more: 0, error: adminMessage(err) };
}
