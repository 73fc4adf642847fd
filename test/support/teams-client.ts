import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { DemoTeamsUser } from '../../src/sim/demo/demo-tenant';
import { DEMO_TENANT } from '../../src/sim/demo/demo-tenant';

/** An invoke answer as the bot returns it in the HTTP response. */
export interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: unknown;
}

/**
 * Talks to a bot's `/api/messages` the way Teams does, as the demo tenant's people, with replies
 * going to `serviceUrl` (a {@link BotConnector}). The bot must run anonymously (demo-style config).
 */
export class TeamsClient {
  constructor(private readonly serviceUrl: string) {}

  /** The personal chat of `who` with the bot. */
  static conversationOf(who: DemoTeamsUser): string {
    return `a:personal-${who.aadObjectId}`;
  }

  /** A Teams-shaped activity from `who` in their personal chat. */
  activity(who: DemoTeamsUser, fields: Partial<Activity>): Partial<Activity> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      from: { id: `29:${who.aadObjectId}`, name: who.name, aadObjectId: who.aadObjectId },
      recipient: { id: '28:anchor', name: 'Anchor' },
      conversation: {
        id: TeamsClient.conversationOf(who),
        conversationType: 'personal',
        tenantId: DEMO_TENANT.tenantId,
        isGroup: false,
        name: '',
      },
      channelData: { tenant: { id: DEMO_TENANT.tenantId } },
      ...fields,
    };
  }

  /** POSTs an activity to the bot at `botUrl`; resolves with the HTTP body (an invoke's answer). */
  async post(botUrl: string, activity: Partial<Activity>): Promise<unknown> {
    const res = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`POST ${botUrl}/api/messages answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }

  /** `who` installs the bot: it keeps their personal chat for cards sent later. */
  install(botUrl: string, who: DemoTeamsUser): Promise<unknown> {
    return this.post(
      botUrl,
      this.activity(who, { type: 'conversationUpdate', membersAdded: [{ id: '28:anchor', name: 'Anchor' }] }),
    );
  }

  /** The Action.Execute invoke of a card button, as `who` clicks it. */
  invoke(who: DemoTeamsUser, verb: string, data: Record<string, unknown>): Partial<Activity> {
    return this.activity(who, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: `card-${randomUUID()}`,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
  }

  /** Clicks a card button; resolves with the invoke answer. */
  async click(
    botUrl: string,
    who: DemoTeamsUser,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<InvokeAnswer> {
    return (await this.post(botUrl, this.invoke(who, verb, data))) as InvokeAnswer;
  }
}
