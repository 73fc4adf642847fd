import type { AdminRoster } from './admin-roster';

/** Who is acting, as the chat platform reports it. */
export interface Actor {
  /** Entra object id of the user (Teams `from.aadObjectId`); absent for anonymous channels. */
  aadObjectId?: string;
  /** Entra tenant of the conversation (Teams `channelData.tenant.id`). */
  tenantId?: string;
}

/** Why an actor was turned away. */
export type AccessDenialReason = 'wrong-tenant' | 'not-admin';

/** The outcome of {@link AccessPolicy.check}. */
export type AccessDecision = { allowed: true } | { allowed: false; reason: AccessDenialReason };

/** Settings of {@link AccessPolicy}. */
export interface AccessPolicyOptions {
  allowedTenantId: string;
  adminObjectIds: readonly string[];
  /** The admins by group as well as by id; without it only `adminObjectIds` are admins. */
  roster?: AdminRoster;
}

/**
 * Decides whether an actor may use Anchor at all: the conversation must belong to the allowed
 * tenant and the user must be one of the configured admins. Ids compare case-insensitively
 * because Teams and Graph do not agree on the case of GUIDs.
 */
export class AccessPolicy {
  private readonly tenantId: string;
  private readonly admins: ReadonlySet<string>;
  private readonly roster?: AdminRoster;

  constructor(options: AccessPolicyOptions) {
    this.tenantId = options.allowedTenantId.toLowerCase();
    this.admins = new Set(options.adminObjectIds.map((id) => id.toLowerCase()));
    this.roster = options.roster;
  }

  /**
   * Brings the admin group up to date when its cache has run out. Call before {@link check} in
   * each turn; it never throws (an unreadable group grants nobody).
   */
  async ready(): Promise<void> {
    await this.roster?.refresh();
  }

  /** True when the Entra object id is one of the configured admins, by id or by group. */
  isAdmin(aadObjectId: string): boolean {
    return this.admins.has(aadObjectId.toLowerCase()) || Boolean(this.roster?.has(aadObjectId));
  }

  /** Checks tenant first: a user of another tenant is not asked about, whatever their id. */
  check(actor: Actor): AccessDecision {
    if (!actor.tenantId || actor.tenantId.toLowerCase() !== this.tenantId) {
      return { allowed: false, reason: 'wrong-tenant' };
    }
    if (!actor.aadObjectId || !this.isAdmin(actor.aadObjectId)) {
      return { allowed: false, reason: 'not-admin' };
    }
    return { allowed: true };
  }
}
