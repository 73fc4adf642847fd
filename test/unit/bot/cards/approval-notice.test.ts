import assert from 'node:assert/strict';
import { approvalNotice, approvalNoticeTone } from '../../../../src/bot/cards/approval-notice';

describe('approvalNotice: what the requester reads after publishing', () => {
  it('says where the card went and adds nothing when everyone was reached', () => {
    assert.equal(
      approvalNotice({ sentTo: ["Adele Vance's chat", "Lidia Holloway's chat"], notReached: [] }),
      "Approval card sent to Adele Vance's chat, Lidia Holloway's chat.",
    );
  });

  it('names each admin not reached with the reason, and points everyone to `pending`', () => {
    assert.equal(
      approvalNotice({
        sentTo: ["Adele Vance's chat"],
        notReached: [
          {
            name: 'Lidia Holloway',
            why: 'Teams would not install Anchor for them (Graph 403 Forbidden: no licence)',
          },
        ],
      }),
      'Approval card sent to Adele Vance\'s chat. Not reached: Lidia Holloway — Teams would not install Anchor for them (Graph 403 Forbidden: no licence). Every admin sees the request when they type "pending".',
    );
  });

  it('says nobody can approve when there is no other admin', () => {
    assert.match(approvalNotice({ sentTo: [], notReached: [] }), /No other admin is configured/);
  });

  it('is plain when everyone was reached, red when someone was not or nobody could be', () => {
    const why = { name: 'Lidia Holloway', why: 'no licence' };
    assert.equal(approvalNoticeTone({ sentTo: ["Adele Vance's chat"], notReached: [] }), 'Default');
    assert.equal(approvalNoticeTone({ sentTo: ["Adele Vance's chat"], notReached: [why] }), 'Attention');
    assert.equal(approvalNoticeTone({ sentTo: [], notReached: [why] }), 'Attention');
    assert.equal(approvalNoticeTone({ sentTo: [], notReached: [] }), 'Attention');
  });
});
