import assert from 'node:assert/strict';
import sinon from 'sinon';
import { STATUS_VERBS } from '../../../../src/bot/verbs';
import type { SyncHealthReader } from '../../../../src/services/alerts/sync-health';
import { ADMIN, message } from '../../../support/activities';
import { press } from '../../../support/alert-press';
import { botHarness } from '../../../support/bot-harness';
import { syncHealthSample } from '../../../support/card-samples';

describe('status: the sync health section', () => {
  /** The status card the bot answers `status` with, as text. */
  async function statusCard(h: ReturnType<typeof botHarness>): Promise<string> {
    let card = '';
    await h.adapter
      .send(message(ADMIN, 'status'))
      .assertReply((r) => void (card = JSON.stringify(r.attachments)));
    return card;
  }

  it('says "Not checked yet" when Anchor runs without a monitor', async () => {
    const card = await statusCard(botHarness());
    assert.match(card, /Sync health/);
    assert.match(card, /Not checked yet/);
  });

  it("shows the monitor's last reading, and reads it again on Refresh", async () => {
    const snapshot = sinon.stub<[], ReturnType<SyncHealthReader['snapshot']>>();
    snapshot.onFirstCall().resolves(undefined);
    snapshot.resolves(syncHealthSample('silent'));
    const h = botHarness({ syncHealth: { snapshot } });

    assert.match(await statusCard(h), /Not checked yet/);
    const refreshed = JSON.stringify((await press(h, ADMIN, STATUS_VERBS.refresh, {})).value);
    assert.match(
      refreshed,
      /Heartbeat \(Entra ID\): ","weight":"Bolder"},\{"type":"TextRun","text":"unknown"/,
    );
    assert.match(refreshed, /No password hash sync heartbeat from aadc01 for 2 h 10 min/);
    assert.equal(snapshot.callCount, 2);
  });
});
