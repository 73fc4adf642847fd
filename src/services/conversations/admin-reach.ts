import type { Logger } from '../../shared/logger';
import type { AuditLog } from '../audit/audit-log';
import type { TeamsApps } from '../entra/teams-apps';
import type { AdminConversations } from './admin-conversations';

/** How an admin can be reached with a card right now. */
export type AdminReachability =
  /** Anchor has the admin's personal chat: send there. */
  | { kind: 'chat'; reference: object }
  /** Anchor was already installed for them; Graph named the personal chat (no reference saved). */
  | { kind: 'chat-id'; chatId: string }
  /** Anchor was installed for them just now; Teams announces the chat with an installationUpdate. */
  | { kind: 'installing' }
  /** No way to reach them; `why` is one line for the requester's card. */
  | { kind: 'unreachable'; why: string };

/** Settings of {@link AdminReach}. */
export interface AdminReachOptions {
  conversations: AdminConversations;
  /** Installs Anchor for an admin through Graph; absent when Graph is not wired (tests). */
  teams?: TeamsApps;
  /** Anchor's id in the Teams app catalog (TEAMS_APP_CATALOG_ID); unset: no install is tried. */
  catalogAppId?: string;
  audit: AuditLog;
  logger: Logger;
}

/** What the reach is for, for the audit entry of an install. */
export interface ReachContext {
  requestId: string;
  correlationId: string;
  /** The admin's name as the requester reads it. */
  adminName: string;
}

/**
 * Finds a way to an admin's personal chat. Without a saved conversation it installs Anchor for
 * the admin through Microsoft Graph (the documented way for a bot to reach a user who never
 * opened it), and writes the install to the audit log because it changes the tenant.
 */
export class AdminReach {
  constructor(private readonly options: AdminReachOptions) {}

  /** How to reach the admin now; never throws (a failure is `unreachable` with its reason). */
  async reach(adminId: string, context: ReachContext): Promise<AdminReachability> {
    const reference = await this.options.conversations.get(adminId);
    if (reference) return { kind: 'chat', reference };
    const { teams, catalogAppId } = this.options;
    if (!teams || !catalogAppId) {
      return {
        kind: 'unreachable',
        why: 'they never opened Anchor in Teams, and TEAMS_APP_CATALOG_ID is not set, so Anchor cannot install itself for them',
      };
    }
    try {
      const outcome = await teams.installForUser(adminId, catalogAppId);
      if (outcome.kind === 'refused') return { kind: 'unreachable', why: outcome.why };
      if (outcome.kind === 'already-installed') {
        return outcome.chatId
          ? { kind: 'chat-id', chatId: outcome.chatId }
          : {
              kind: 'unreachable',
              why: 'Anchor is installed for them, but Graph did not name their chat with it',
            };
      }
      await this.options.audit.append({
        action: 'teams.installed',
        actor: { aadObjectId: null, name: 'Anchor' },
        requestId: context.requestId,
        correlationId: context.correlationId,
        detail: `Installed Anchor in Teams for ${context.adminName} (${adminId}) to send the approval card`,
      });
      return { kind: 'installing' };
    } catch (err) {
      this.options.logger.warn({ err, adminId }, 'installing Anchor for an admin failed');
      return { kind: 'unreachable', why: `Anchor could not be installed for them (${message(err)})` };
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
