import type { Logger } from '../../shared/logger';
import { SerialQueue } from '../../shared/serial-queue';
import { sleep } from '../../shared/sleep';
import type { RosterAdmin } from '../../services/access/admin-roster';
import type { AdminReach } from '../../services/conversations/admin-reach';
import type { CardLocation, LinkRequest } from '../../services/link/link-request';
import { sameObjectId } from '../../services/link/link-request';
import type { LinkService } from '../../services/link/link-service';
import type { AdminAudience } from './admin-targets';
import type { PublishOutcome, UnreachedAdmin } from './approval-notice';
import type { CardMessenger } from './card-messenger';
import { expandCard } from './card-templates';
import { chatReference, sameConversation } from './chat-reference';
import { requestCardData } from '../views/request';
import type { NoticeTone, RequestViewer } from '../views/request';

/** What publishing a request did. */
export interface Publication extends PublishOutcome {
  /** The request with the approval cards' locations added. */
  request: LinkRequest;
}

/** Settings of {@link RequestCards}. */
export interface RequestCardsOptions extends AdminAudience {
  messenger: CardMessenger;
  link: Pick<LinkService, 'addCards' | 'get' | 'listOpen'>;
  logger: Logger;
  /** Every admin, by id and by group; defaults to `adminObjectIds`. */
  admins?: () => Promise<RosterAdmin[]>;
  /** Finds a way to an admin without a saved chat (installs Anchor for them); absent: chats only. */
  reach?: Pick<AdminReach, 'reach'>;
  /** An admin's display name (Graph); the id is shown when it cannot be read. */
  nameOf?: (adminId: string) => Promise<string | undefined>;
  /** How long publishing waits for Teams to open the chat of an admin Anchor was just installed for. */
  installWaitMs?: number;
}

/**
 * Teams sends the installationUpdate within seconds of an install; the requester's card says
 * "follows later" only past this.
 */
const DEFAULT_INSTALL_WAIT_MS = 15_000;

/** The request card for one viewer. */
export function requestCard(
  request: LinkRequest,
  viewer: RequestViewer,
  notice = '',
  noticeTone?: NoticeTone,
): Record<string, unknown> {
  return expandCard('link-request', requestCardData(request, viewer, notice, noticeTone));
}

/**
 * Every posted copy of a request's card: the approval cards sent to admins, and the requester's.
 * A change to the request updates each copy in place with the view its audience should see.
 */
export class RequestCards {
  /** One delivery at a time per admin, so two announcements of one chat never post two cards. */
  private readonly deliveries = new SerialQueue();

  constructor(private readonly options: RequestCardsOptions) {}

  /**
   * Sends the approval card to the admin channel, or else to every other admin's personal chat,
   * installing Anchor for an admin who has none; says who it did not reach and why.
   */
  async publish(request: LinkRequest): Promise<Publication> {
    const registered = await this.options.channel.get();
    if (registered) {
      const name = `the admin channel ${registered.name}`;
      const sent = await this.sendTo(request, registered.conversation, name);
      const published = sent ? await this.options.link.addCards(request.id, [sent]) : request;
      return sent
        ? { request: published, sentTo: [name], notReached: [] }
        : { request, sentTo: [], notReached: [{ name, why: 'posting the card there failed (see the log)' }] };
    }
    const sentTo: string[] = [];
    const notReached: UnreachedAdmin[] = [];
    const installing: { id: string; name: string }[] = [];
    const requesterChat = await this.options.conversations.get(request.requester.aadObjectId);
    for (const admin of await this.otherAdmins(request)) {
      const name = admin.name ?? (await this.nameOf(admin.id));
      const way = this.options.reach
        ? await this.options.reach.reach(admin.id, {
            requestId: request.id,
            correlationId: request.correlationId,
            adminName: name,
          })
        : await this.savedChat(admin.id);
      if (way.kind === 'installing') {
        installing.push({ id: admin.id, name });
      } else if (way.kind === 'unreachable') {
        notReached.push({ name, why: way.why });
      } else {
        const reference =
          way.kind === 'chat'
            ? way.reference
            : chatReference(way.chatId, { aadObjectId: admin.id, name }, requesterChat ?? {});
        const delivered = await this.deliver(admin.id, request.id, reference, name);
        if (delivered) sentTo.push(`${name}'s chat`);
        else notReached.push({ name, why: 'sending the card to their chat failed (see the log)' });
      }
    }
    // Waited for together: each may take Teams up to the whole wait.
    const arrived = await Promise.all(installing.map((a) => this.waitForInstall(a.id, request.id)));
    for (const [i, admin] of installing.entries()) {
      if (arrived[i]) sentTo.push(`${admin.name}'s chat`);
      else
        notReached.push({
          name: admin.name,
          why: 'Anchor was installed for them in Teams, but Teams has not opened their chat yet; their card follows as soon as it does',
        });
    }
    const current = (await this.options.link.get(request.id)) ?? request;
    return { request: current, sentTo, notReached };
  }

  /**
   * An admin's chat just became known (Teams installed Anchor for them, or they opened it): sends
   * them the approval card of every pending request they have not got in that chat, and tells
   * each requester. Cards go to the admin channel instead when one is registered.
   */
  async deliverOwed(adminId: string, reference: object): Promise<void> {
    if (await this.options.channel.get()) return;
    const owed = (await this.options.link.listOpen()).filter(
      (r) => r.state === 'pending' && !sameObjectId(r.requester.aadObjectId, adminId),
    );
    if (owed.length === 0) return;
    const name = await this.nameOf(adminId);
    for (const request of owed) {
      if (await this.deliver(adminId, request.id, reference, name)) {
        const current = (await this.options.link.get(request.id)) ?? request;
        await this.noticeToRequester(
          current,
          `Approval card sent to ${name}'s chat: Teams opened it just now.`,
        );
      }
    }
  }

  /** Updates the requester's copies of the card with `notice` under it. */
  async noticeToRequester(request: LinkRequest, notice: string, tone: NoticeTone = 'Default'): Promise<void> {
    for (const location of request.cards.filter((c) => c.audience === 'requester')) {
      await this.options.messenger.update(location, requestCard(request, 'requester', notice, tone));
    }
  }

  /** Updates every posted copy of the request's card to its current state. */
  async refresh(request: LinkRequest): Promise<void> {
    await Promise.all(
      request.cards.map((location) =>
        this.options.messenger.update(location, requestCard(request, location.audience)),
      ),
    );
  }

  /**
   * Sends the approval card to the admin's chat unless that chat already has it; true when the
   * chat has it afterwards. One admin at a time, so concurrent announcements cannot post twice.
   */
  private deliver(adminId: string, requestId: string, reference: object, name: string): Promise<boolean> {
    return this.deliveries.run(async () => {
      const request = await this.options.link.get(requestId);
      if (!request || request.state !== 'pending') return false;
      const has = (r: LinkRequest) =>
        r.cards.some((c) => c.audience === 'approvers' && sameConversation(c.conversation, reference));
      if (has(request)) return true;
      const sent = await this.sendTo(request, reference, `${name}'s chat`);
      if (!sent) return false;
      await this.options.link.addCards(request.id, [sent]);
      return true;
    }, adminId.toLowerCase());
  }

  /** Posts the approvers' card; the location, or undefined when sending failed (logged). */
  private async sendTo(
    request: LinkRequest,
    conversation: object,
    target: string,
  ): Promise<CardLocation | undefined> {
    try {
      const activityId = await this.options.messenger.send(conversation, requestCard(request, 'approvers'));
      return activityId ? { conversation, activityId, audience: 'approvers' } : undefined;
    } catch (err) {
      this.options.logger.warn({ err, requestId: request.id, target }, 'sending an approval card failed');
      return undefined;
    }
  }

  /** Waits until the chat of an admin Anchor was installed for is announced and has the card. */
  private async waitForInstall(adminId: string, requestId: string): Promise<boolean> {
    const until = Date.now() + (this.options.installWaitMs ?? DEFAULT_INSTALL_WAIT_MS);
    for (;;) {
      const reference = await this.options.conversations.get(adminId);
      // The announcement itself delivers (deliverOwed); this makes sure, and learns the outcome.
      if (reference) return this.deliver(adminId, requestId, reference, await this.nameOf(adminId));
      if (Date.now() >= until) return false;
      await sleep(250);
    }
  }

  private async otherAdmins(request: LinkRequest): Promise<RosterAdmin[]> {
    const all = this.options.admins
      ? await this.options.admins()
      : this.options.adminObjectIds.map((id) => ({ id }));
    return all.filter((a) => !sameObjectId(a.id, request.requester.aadObjectId));
  }

  private async savedChat(adminId: string) {
    const reference = await this.options.conversations.get(adminId);
    return reference
      ? ({ kind: 'chat', reference } as const)
      : ({ kind: 'unreachable', why: 'they never opened Anchor in Teams' } as const);
  }

  private async nameOf(adminId: string): Promise<string> {
    const saved = (await this.options.conversations.get(adminId)) as { user?: { name?: string } } | undefined;
    try {
      return (await this.options.nameOf?.(adminId)) ?? saved?.user?.name ?? adminId;
    } catch {
      return saved?.user?.name ?? adminId;
    }
  }
}
