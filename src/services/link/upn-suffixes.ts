import type { CloudCallOptions, CloudDirectory } from '../entra/cloud-directory';

/**
 * What pair matching knows about the tenant's domains: which cloud domains are verified, and how
 * AD UPN suffixes map onto them. Hybrid directories often keep a suffix Entra ID cannot verify
 * (`corp.local`, `ad.contoso.com`), so a person's AD UPN and cloud UPN differ only in the suffix.
 */
export interface MatchContext {
  /** The tenant's verified domains, lower-case; empty when Graph could not list them. */
  verifiedDomains: ReadonlySet<string>;
  /** UPN_SUFFIX_MAP: AD UPN suffix → cloud domain, both lower-case. */
  suffixMap: ReadonlyMap<string, string>;
}

/** No domains known and nothing configured: only identical addresses match. */
export const EMPTY_MATCH_CONTEXT: MatchContext = { verifiedDomains: new Set(), suffixMap: new Map() };

/**
 * The context for matching: the configured map and the verified domains Graph lists. A failed
 * listing leaves the domains empty, which only makes matching stricter (fails closed).
 */
export async function loadMatchContext(
  cloud: Pick<CloudDirectory, 'listVerifiedDomains'>,
  suffixMap: ReadonlyMap<string, string>,
  options: CloudCallOptions = {},
): Promise<MatchContext> {
  const domains = await cloud.listVerifiedDomains(options).catch(() => [] as string[]);
  return { verifiedDomains: new Set(domains.map((d) => d.toLowerCase())), suffixMap };
}

/**
 * The cloud domains an AD UPN suffix stands for, learned rather than guessed: the configured
 * mapping; the suffix itself when verified; else the closest verified parent
 * (`ad.contoso.com` → `contoso.com`), which is where Entra Connect admins point such UPNs.
 */
export function mappedDomain(adSuffix: string, context: MatchContext): string | undefined {
  const suffix = adSuffix.toLowerCase();
  const configured = context.suffixMap.get(suffix);
  if (configured) return configured;
  if (context.verifiedDomains.has(suffix)) return suffix;
  const labels = suffix.split('.');
  for (let i = 1; i < labels.length - 1; i++) {
    const parent = labels.slice(i).join('.');
    if (context.verifiedDomains.has(parent)) return parent;
  }
  return undefined;
}

/** True when the tenant verified `domain`. */
export function isVerified(domain: string, context: MatchContext): boolean {
  return context.verifiedDomains.has(domain.toLowerCase());
}
