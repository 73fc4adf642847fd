import assert from 'node:assert/strict';
import { requestCardData } from '../../../../src/bot/views/request';
import { requestListData } from '../../../../src/bot/views/request-list';
import { APES_TWIN_ID, twinRequestSamples } from '../../../support/twin-fixtures';

const lines = (steps: { icon: string; title: string; detail: string }[]) =>
  steps.map((s) => `${s.icon} ${s.title}${s.detail ? ` — ${s.detail}` : ''}`);

describe('twin fix request card', () => {
  it('shows the approver the six steps it starts and the permanent deletion, without the superseded ✗', () => {
    const data = requestCardData(twinRequestSamples().pending, 'approvers');
    assert.match(data.headline, /^Synced-twin fix: waiting for approval: /);
    assert.equal(data.canDecide, true);
    assert.equal(data.twin?.title, 'Twin (to delete):');
    assert.match(
      data.twin?.attention ?? '',
      new RegExp(`permanent deletion of apes2@contoso\\.com \\(${APES_TWIN_ID}\\)`),
    );
    assert.equal(data.steps.length, 6);
    assert.ok(data.steps.every((s) => s.icon === '–'));
    assert.equal(data.steps[0].detail, 'you do this one');
    // no-synced-twin is what the fix repairs: neither flagged nor counted as a failure.
    assert.ok(!data.flagged.some((c) => /twin/i.test(c.title)));
    assert.doesNotMatch(data.preflight.summary, /failed/);
    assert.equal(data.cloudLabel, 'Keep (original):');
  });

  it('says what step 1 waits for, and drops the attention line once approved', () => {
    const data = requestCardData(twinRequestSamples().parking, 'requester');
    assert.equal(data.headline.split(':')[0], 'Synced-twin fix, step 1 of 6');
    assert.equal(data.twin?.attention, '');
    assert.match(
      lines(data.steps)[0],
      /^⏳ 1\. Move the AD user out of sync scope — waiting for you to move apes to OU=Anchor parking/,
    );
    assert.equal(data.steps[1].icon, '–');
  });

  it("condenses step 4's link run into its line", () => {
    const data = requestCardData(twinRequestSamples().linking, 'approvers');
    assert.equal(data.headline.split(':')[0], 'Synced-twin fix, step 4 of 6');
    assert.equal(data.steps[3].detail, 'pause ✓, preflight ✓, set-immutable-id …');
    assert.equal(data.twin?.title, 'Twin (deleted):');
    assert.match(data.twin?.deleted ?? '', /^deleted for good at 2026-11-25 /);
  });

  it('stops with where every object stands and the next safe action, listing only the steps reached', () => {
    const data = requestCardData(twinRequestSamples().failed, 'approvers');
    assert.equal(data.headline.split(':')[0], 'Synced-twin fix stopped at step 3 of 6');
    assert.deepEqual(
      data.steps.map((s) => s.icon),
      ['✓', '✓', '✗'],
    );
    assert.match(data.failure?.message ?? '', /^The permanent delete failed: .*User\.DeleteRestore\.All/);
    assert.match(
      data.failure?.message ?? '',
      /Where things stand: AD user apes parked at CN=Aaron Pescasio,OU=Anchor parking,.*; twin soft-deleted; original unlinked\.$/,
    );
    assert.match(data.failure?.advice ?? '', /^Leave apes parked/);
  });

  it('ends linked with every step ✓ and the twin deleted for good', () => {
    const data = requestCardData(twinRequestSamples().linked, 'requester');
    assert.match(data.headline, /^Linked: twin deleted, original synced: /);
    assert.ok(
      data.steps.every((s) => s.icon === '✓'),
      JSON.stringify(data.steps),
    );
    assert.equal(data.failure, null);
  });

  it('labels a fix in history with the twin it deleted and who approved it', () => {
    const { items } = requestListData(
      'Recent',
      [twinRequestSamples().linked, twinRequestSamples().pending],
      '',
    );
    assert.match(items[0].title, /^Synced-twin fix: /);
    assert.match(items[0].line1, /approved by Adele Vance/);
    assert.match(
      items[0].line2,
      new RegExp(`twin apes2@contoso\\.com \\(${APES_TWIN_ID}\\) deleted for good`),
    );
    assert.match(items[1].line2, new RegExp(`twin apes2@contoso\\.com \\(${APES_TWIN_ID}\\)$`));
  });
});
