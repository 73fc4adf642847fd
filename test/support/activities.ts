import type { Activity } from 'botbuilder';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';

/** Who sends a test activity. */
export interface TestSender {
  aadObjectId?: string;
  tenantId?: string;
}

/** The demo requester, an admin of the allowed tenant. */
export const ADMIN: TestSender = {
  aadObjectId: DEMO_TENANT.requester.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};
/** A member of the allowed tenant who is not an admin. */
export const NON_ADMIN: TestSender = {
  aadObjectId: DEMO_TENANT.others[0].aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};
/** An admin's object id, but from another tenant. */
export const OTHER_TENANT: TestSender = {
  aadObjectId: DEMO_TENANT.requester.aadObjectId,
  tenantId: '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4',
};

/** A Teams activity as Teams would send it from `sender` in a personal chat. */
export function teamsActivity(sender: TestSender, activity: Partial<Activity>): Partial<Activity> {
  return {
    channelId: 'msteams',
    from: {
      id: `29:${sender.aadObjectId ?? 'anonymous'}`,
      name: 'Test user',
      aadObjectId: sender.aadObjectId,
    },
    conversation: {
      id: `a:personal-${sender.aadObjectId}`,
      conversationType: 'personal',
      tenantId: sender.tenantId,
      isGroup: false,
      name: '',
    },
    channelData: sender.tenantId ? { tenant: { id: sender.tenantId } } : {},
    ...activity,
  };
}

/** A chat message from `sender`. */
export function message(sender: TestSender, text: string): Partial<Activity> {
  return teamsActivity(sender, { type: 'message', text });
}
