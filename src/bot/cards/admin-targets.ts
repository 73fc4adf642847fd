import type { AdminConversations } from '../../services/conversations/admin-conversations';
import type { AlertChannel } from '../../services/conversations/alert-channel';
import type { ApprovalChannel } from '../../services/conversations/approval-channel';
import { sameObjectId } from '../../services/link/link-request';

/** A conversation a card can be posted to, and how the requester reads it ("Adele Vance's chat"). */
export interface AdminTarget {
  conversation: object;
  name: string;
}

/** Where admins are reached. */
export interface AdminAudience {
  conversations: AdminConversations;
  channel: ApprovalChannel;
  adminObjectIds: readonly string[];
  /** Every admin, by id and by group; `adminObjectIds` when absent. */
  admins?: () => Promise<{ id: string }[]>;
}

/**
 * Where a card for the admins goes: the admin channel registered with `approvals here`, or else
 * the personal chat of every admin (by id or by group) who ever talked to Anchor, but `except`.
 */
export async function adminTargets(audience: AdminAudience, except?: string): Promise<AdminTarget[]> {
  const registered = await audience.channel.get();
  if (registered)
    return [{ conversation: registered.conversation, name: `the admin channel ${registered.name}` }];
  const targets: AdminTarget[] = [];
  const admins = audience.admins ? (await audience.admins()).map((a) => a.id) : audience.adminObjectIds;
  for (const adminId of admins) {
    if (except && sameObjectId(adminId, except)) continue;
    const reference = (await audience.conversations.get(adminId)) as { user?: { name?: string } } | undefined;
    if (reference)
      targets.push({ conversation: reference, name: `${reference.user?.name ?? 'an admin'}'s chat` });
  }
  return targets;
}

/** Where admins are reached about incidents: {@link AdminAudience} and the alerts channel, if kept. */
export interface AlertAudience extends AdminAudience {
  /** The channel registered with `alerts here`; absent, alerts go where approval cards go. */
  alertChannel?: AlertChannel;
}

/**
 * Where an alert card goes: the alerts channel registered with `alerts here`, else where approval
 * cards go (the admin channel, else every admin's chat).
 */
export async function alertTargets(audience: AlertAudience): Promise<AdminTarget[]> {
  const registered = await audience.alertChannel?.get();
  if (registered)
    return [{ conversation: registered.conversation, name: `the alerts channel ${registered.name}` }];
  return adminTargets(audience);
}
