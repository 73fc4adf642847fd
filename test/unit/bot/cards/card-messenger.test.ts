import assert from 'node:assert/strict';
import type { ConversationReference, TurnContext } from 'botbuilder';
import sinon from 'sinon';
import { CardMessenger, MAX_HOLD_MS } from '../../../../src/bot/cards/card-messenger';
import type { ProactiveChannel } from '../../../../src/bot/cards/card-messenger';
import { memoryLogger } from '../../../support/memory-logger';

/** A proactive channel whose every update waits until the test lets it through, in any order. */
class GatedChannel implements ProactiveChannel {
  /** Updates sent, as `<activity id>:<card title>`, in the order they reached Teams. */
  readonly landed: string[] = [];
  /** Updates started but not yet through, by the card's title. */
  private readonly gates = new Map<string, () => void>();
  gated = true;

  async continueConversationAsync(
    _botAppId: string,
    _reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const context = {
      updateActivity: async (activity: { id: string; attachments: { content: { title: string } }[] }) => {
        const title = activity.attachments[0].content.title;
        if (this.gated) await new Promise<void>((resolve) => this.gates.set(title, resolve));
        this.landed.push(`${activity.id}:${title}`);
      },
    };
    await logic(context as unknown as TurnContext);
  }

  /** The titles of the updates on their way now. */
  get started(): string[] {
    return [...this.gates.keys()];
  }

  /** Lets the update of `title` through. */
  release(title: string): void {
    const gate = this.gates.get(title);
    assert.ok(gate, `no update of ${title} is on its way (on their way: ${this.started.join(', ')})`);
    this.gates.delete(title);
    gate();
  }
}

const chat = (id: string) => ({ conversation: { id } });
const card = (title: string) => ({ type: 'AdaptiveCard', title });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CardMessenger: updates of a posted card', () => {
  let channel: GatedChannel;
  let messenger: CardMessenger;

  beforeEach(() => {
    channel = new GatedChannel();
    messenger = new CardMessenger(channel, '', memoryLogger().logger);
  });

  afterEach(() => sinon.restore());

  it('sends the updates of one card one at a time, in the order asked, and drops the ones overtaken', async () => {
    const place = { conversation: chat('c1'), activityId: 'a1' };
    const updates = [messenger.update(place, card('running'))];
    await tick();
    assert.deepEqual(channel.started, ['running']);
    for (const title of ['waiting', 'waiting again', 'done'])
      updates.push(messenger.update(place, card(title)));
    await tick();
    assert.deepEqual(channel.started, ['running'], 'one update of a card on its way at a time');
    channel.release('running');
    await tick();
    assert.deepEqual(channel.started, ['done'], 'the two overtaken before they started are dropped');
    channel.release('done');
    await Promise.all(updates);
    assert.deepEqual(channel.landed, ['a1:running', 'a1:done']);
  });

  it('updates different cards side by side, also the same activity id in another chat', async () => {
    const first = messenger.update({ conversation: chat('c1'), activityId: 'a1' }, card('one'));
    const second = messenger.update({ conversation: chat('c2'), activityId: 'a1' }, card('two'));
    const third = messenger.update({ conversation: chat('c1'), activityId: 'a2' }, card('three'));
    await tick();
    assert.deepEqual(channel.started.sort(), ['one', 'three', 'two']);
    for (const title of ['three', 'one', 'two']) channel.release(title);
    await Promise.all([first, second, third]);
    assert.deepEqual(channel.landed, ['a2:three', 'a1:one', 'a1:two']);
  });

  it('holds an update of a clicked card until the answer is written, and resolves at once for the turn asking', async () => {
    channel.gated = false;
    let answer = (): void => undefined;
    messenger.holdWhile(chat('c1'), 'a1', new Promise<void>((resolve) => (answer = resolve)));
    await messenger.update({ conversation: chat('c1'), activityId: 'a1' }, card('after the click'));
    await messenger.update({ conversation: chat('c1'), activityId: 'a2' }, card('another card'));
    await tick();
    assert.deepEqual(channel.landed, ['a2:another card'], 'the clicked card waits; the others do not');
    answer();
    await tick();
    await tick();
    assert.deepEqual(channel.landed, ['a2:another card', 'a1:after the click']);
  });

  it(`releases a hold whose answer never comes after ${MAX_HOLD_MS / 1000} s`, async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    channel.gated = false;
    messenger.holdWhile(chat('c1'), 'a1', new Promise<void>(() => undefined));
    await messenger.update({ conversation: chat('c1'), activityId: 'a1' }, card('late'));
    await clock.tickAsync(MAX_HOLD_MS - 1);
    assert.deepEqual(channel.landed, []);
    await clock.tickAsync(1);
    await tick();
    assert.deepEqual(channel.landed, ['a1:late']);
  });

  it('logs a failed update and goes on with the next one of that card', async () => {
    const logs = memoryLogger();
    const failing: ProactiveChannel = {
      continueConversationAsync: sinon
        .stub()
        .onFirstCall()
        .rejects(new Error('Teams said 502'))
        .onSecondCall()
        .resolves(),
    };
    messenger = new CardMessenger(failing, '', logs.logger);
    const place = { conversation: chat('c1'), activityId: 'a1' };
    await messenger.update(place, card('first'));
    await messenger.update(place, card('second'));
    assert.equal((failing.continueConversationAsync as sinon.SinonStub).callCount, 2);
    assert.ok(logs.lines().some((l) => l.msg === 'updating a card failed' && l.activityId === 'a1'));
  });
});
