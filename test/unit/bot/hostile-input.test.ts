import assert from 'node:assert/strict';
import { PICK_BOTH } from '../../../src/bot/actions/check-pair';
import { NOT_AN_ID } from '../../../src/bot/commands/cancel';
import { ALREADY_HANDLED } from '../../../src/bot/middleware/dedupe-middleware';
import { UNKNOWN_INCIDENT } from '../../../src/bot/actions/incident-press';
import { ALERT_VERBS, CARD_VERBS, LINK_VERBS, STATUS_VERBS } from '../../../src/bot/verbs';
import type { CardVerb } from '../../../src/bot/verbs';
import { UNKNOWN_DRAFT } from '../../../src/services/link/drafts';
import { PREFLIGHT_CHECK_IDS } from '../../../src/services/link/preflight/report';
import { UNKNOWN_REQUEST } from '../../../src/services/link/request-store';
import { DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import type { TestSender } from '../../support/activities';
import { ADMIN, message, teamsActivity } from '../../support/activities';
import { botHarness } from '../../support/bot-harness';
import { HOSTILE_STRINGS, HOSTILE_VALUES } from '../../support/hostile-values';
import { APES_CLOUD_ID, APES_OBJECT_GUID, apesPreflight } from '../../support/link-fixtures';
import { RecordingStore } from '../../support/recording-store';

const APPROVER: TestSender = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};
/** The check the harness's preflight warns about, so "Request approval" needs its toggle. */
const WARNED = PREFLIGHT_CHECK_IDS[PREFLIGHT_CHECK_IDS.length - 1];
const ACK = `ack.${WARNED}`;
const MESSAGE_TYPE = 'application/vnd.microsoft.activity.message';
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

type Harness = ReturnType<typeof botHarness>;

/** An invoke answer as the bot returns it. */
interface Answer {
  statusCode: number;
  type: string;
  value: unknown;
}

/** The real ids a case builds its click around, so a refusal is not merely "the store is empty". */
interface Known {
  requestId: string;
  draftId: string;
  /** An open incident the alert buttons could name. */
  incidentId: string;
}

/**
 * One field of one verb: the click's data with a crafted value in that field (every other field as
 * the real card sends it), who clicks, and the answer the crafted value gets.
 */
interface FieldCase {
  verb: CardVerb;
  field: string;
  who: TestSender;
  data: (value: unknown, known: Known) => Record<string, unknown>;
  answer: (a: Answer) => void;
  /** An id: not even a read may use the value. Text fields are read around (the draft), never written. */
  id: boolean;
}

/** A message toast with exactly `text`. */
const says = (text: string) => (a: Answer) =>
  assert.deepEqual(a, { statusCode: 200, type: MESSAGE_TYPE, value: text });
/** A card whose JSON matches `pattern`. */
const cardWith = (pattern: RegExp) => (a: Answer) => {
  assert.equal(a.statusCode, 200);
  assert.equal(a.type, CARD_TYPE);
  assert.match(JSON.stringify(a.value), pattern);
};

/** What a request click sends, with `fields` in place of the real ones. */
const requestData = (known: Known, fields: Record<string, unknown>) => ({
  draftId: known.draftId,
  reason: 'INC-1 new hire',
  [ACK]: 'true',
  ...fields,
});

const CASES: FieldCase[] = [
  ...[LINK_VERBS.approve, LINK_VERBS.reject, LINK_VERBS.view].map((verb): FieldCase => ({
    verb,
    field: 'requestId',
    who: APPROVER,
    data: (v) => ({ requestId: v }),
    answer: says(UNKNOWN_REQUEST),
    id: true,
  })),
  {
    verb: LINK_VERBS.cancel,
    field: 'requestId',
    who: ADMIN,
    data: (v) => ({ requestId: v }),
    answer: says(UNKNOWN_REQUEST),
    id: true,
  },
  {
    verb: LINK_VERBS.check,
    field: 'adUser',
    who: ADMIN,
    data: (v) => ({ adUser: v, cloudUser: APES_CLOUD_ID }),
    answer: says(PICK_BOTH),
    id: true,
  },
  {
    verb: LINK_VERBS.check,
    field: 'cloudUser',
    who: ADMIN,
    data: (v) => ({ adUser: APES_OBJECT_GUID, cloudUser: v }),
    answer: says(PICK_BOTH),
    id: true,
  },
  {
    verb: LINK_VERBS.request,
    field: 'draftId',
    who: ADMIN,
    data: (v, k) => requestData(k, { draftId: v }),
    answer: says(UNKNOWN_DRAFT),
    id: true,
  },
  {
    verb: LINK_VERBS.planTwinFix,
    field: 'draftId',
    who: ADMIN,
    data: (v) => ({ draftId: v }),
    answer: says(UNKNOWN_DRAFT),
    id: true,
  },
  {
    verb: LINK_VERBS.request,
    field: 'reason',
    who: ADMIN,
    data: (v, k) => requestData(k, { reason: v }),
    answer: cardWith(
      /"Preflight: .*(the reason is required|The reason is \d+ characters|invisible character|no letter or digit)/,
    ),
    id: false,
  },
  {
    verb: LINK_VERBS.request,
    field: ACK,
    who: ADMIN,
    data: (v, k) => requestData(k, { [ACK]: v }),
    answer: cardWith(/Acknowledge every warning first/),
    id: false,
  },
  ...Object.values(ALERT_VERBS).flatMap((verb): FieldCase[] => [
    {
      verb,
      field: 'kind',
      who: APPROVER,
      data: (v, k) => ({ kind: v, incidentId: k.incidentId }),
      answer: says(UNKNOWN_INCIDENT),
      id: true,
    },
    {
      verb,
      field: 'incidentId',
      who: APPROVER,
      data: (v) => ({ kind: 'phs-silent', incidentId: v }),
      answer: says(UNKNOWN_INCIDENT),
      id: true,
    },
  ]),
  {
    verb: STATUS_VERBS.refresh,
    field: 'every field',
    who: ADMIN,
    data: (v) => ({ requestId: v, draftId: v, adUser: v }),
    answer: cardWith(/"Refresh"/),
    id: false,
  },
];

/** Reasons that are words, however odd: filed as typed (their own test below). */
const WORDS = new Set(['a//b', '../../etc/passwd', '__proto__', 'constructor']);
const isWords = (value: unknown) =>
  typeof value === 'string' && (WORDS.has(value) || /^[0-9a-f-]{36}\/\.\.\/\.\.\/x$/.test(value));

describe('crafted card data and command arguments (bot harness)', () => {
  let h: Harness;
  let store: RecordingStore;
  const known: Known = { requestId: '', draftId: '', incidentId: '' };

  before(async () => {
    store = new RecordingStore();
    h = botHarness({ store, preflight: async () => apesPreflight({ [WARNED]: 'warn' }) });
    known.requestId = await fileRequest(h, await newDraft());
    known.draftId = await newDraft();
    const incident = await h.alerts.raise('phs-silent', {
      title: 'No password hash sync heartbeat',
      resolvedTitle: 'The password hash sync heartbeat is back',
      detail: 'No event 654 since 08:00.',
      fix: 'Restart ADSync.',
    });
    known.incidentId = incident?.id ?? '';
  });

  it('has a case for every verb of verbs.ts', () => {
    assert.deepEqual([...new Set(CASES.map((c) => c.verb))].sort(), [...CARD_VERBS].sort());
  });

  for (const c of CASES) {
    describe(`${c.verb}, ${c.field}`, () => {
      for (const { name, value } of HOSTILE_VALUES) {
        if (c.field === 'reason' && isWords(value)) continue;
        it(`${name}: the usual answer, nothing changed`, async () => {
          await assertRefused(c, c.data(value, known));
        });
      }
      if (c.field === 'requestId' || c.field === 'draftId' || c.field === 'incidentId') {
        it('a real id with a path after it: the usual answer, nothing changed', async () => {
          const id =
            c.field === 'requestId'
              ? known.requestId
              : c.field === 'draftId'
                ? known.draftId
                : known.incidentId;
          await assertRefused(c, c.data(`${id}/../x`, known));
        });
      }
    });
  }

  describe('data that is not an object', () => {
    for (const c of CASES.filter((x, i) => CASES.findIndex((y) => y.verb === x.verb) === i)) {
      it(`${c.verb}: a string, an array, a number, null: the usual answer, nothing changed`, async () => {
        for (const data of ['requestId', [known.requestId], 42, null]) {
          await assertRefused(c, data);
        }
      });
    }
  });

  it('answers a crafted verb without repeating it in full, and changes nothing', async () => {
    const mark = store.mark();
    for (const { value } of HOSTILE_VALUES) {
      const a = await click(h, ADMIN, value, { requestId: known.requestId });
      assert.equal(a.statusCode, 400);
      assert.ok(JSON.stringify(a.value).length < 200, JSON.stringify(a.value).slice(0, 300));
    }
    assertOnlyDeliveries(mark, true);
  });

  it('files a reason that merely looks odd (a//b, __proto__, constructor) as the words it is', async () => {
    for (const { value } of HOSTILE_VALUES.filter((v) => isWords(v.value))) {
      const draftId = await newDraft();
      cardWith(/waiting for approval/)(
        await click(h, ADMIN, LINK_VERBS.request, requestData(known, { draftId, reason: value })),
      );
      const filed = await h.requests.get(draftId);
      assert.equal(filed?.reason, value);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  });

  describe('command arguments', () => {
    for (const { name, value } of HOSTILE_STRINGS.filter((v) => v.value.trim())) {
      it(`cancel ${name}: refused before any read, nothing changed`, async () => {
        const mark = store.mark();
        await h.adapter.send(message(ADMIN, `cancel ${value}`)).assertReply(NOT_AN_ID);
        assertOnlyDeliveries(mark, true);
        assert.equal((await h.requests.get(known.requestId))?.state, 'pending');
      });

      it(`history ${name}: a clean answer that does not repeat 10 kB, nothing changed`, async () => {
        const mark = store.mark();
        let reply = '';
        await h.adapter
          .send(message(ADMIN, `history ${value}`))
          .assertReply((r) => void (reply = JSON.stringify(r)));
        assert.match(reply, /Link history|search text/);
        assert.ok(reply.length < 4000, reply.slice(0, 300));
        assertOnlyDeliveries(mark, false);
      });
    }

    it('a message whose text is not a string gets the hint, nothing changed', async () => {
      const mark = store.mark();
      for (const text of [42, { text: 'cancel' }, ['help']]) {
        await h.adapter
          .send({ ...message(ADMIN, ''), text: text as unknown as string })
          .assertReply((r) => assert.match(String(r.text), /Type \*\*help\*\*/));
      }
      assertOnlyDeliveries(mark, true);
    });
  });

  describe('a crafted conversation id (the delivery log is kept per conversation)', () => {
    for (const { name, value } of HOSTILE_STRINGS) {
      it(`${name}: handled once as usual, the second delivery recognised`, async () => {
        const base = message(ADMIN, 'help');
        const activity = {
          ...base,
          id: `activity-${name}`,
          conversation: { ...base.conversation!, id: value },
        };
        await h.adapter.send(activity).assertReply((r) => assert.ok(r.attachments?.length, 'the help card'));
        const click = teamsActivity(ADMIN, {
          id: `click-${name}`,
          type: 'invoke',
          name: 'adaptiveCard/action',
          conversation: { ...base.conversation!, id: value },
          value: {
            action: { type: 'Action.Execute', verb: LINK_VERBS.view, data: { requestId: known.requestId } },
          },
        });
        await h.adapter.send(click).assertReply((r) => assert.equal(r.value.body.type, CARD_TYPE));
        // Without a conversation id there is nothing to recognise a redelivery by (as before).
        if (value) {
          await h.adapter.send(click).assertReply((r) => assert.equal(r.value.body.value, ALREADY_HANDLED));
        }
        const keys = store.calls.filter((c) => c.key.startsWith('deliveries/')).map((c) => c.key);
        assert.ok(
          keys.every((k) => /^deliveries\/[0-9a-f]{64}$/.test(k)),
          keys.join(', '),
        );
      });
    }
  });

  /** Clicks as `c.who` and checks the answer, the store, the cards sent, the audit, the services. */
  async function assertRefused(c: FieldCase, data: unknown): Promise<void> {
    const cards = h.proactive.calls.length;
    const audited = (await h.audit.recent({})).length;
    const preflights = h.preflight.callCount;
    const mark = store.mark();
    const answer = await click(h, c.who, c.verb, data);
    c.answer(answer);
    assert.doesNotMatch(JSON.stringify(answer), /Unexpected error|InvalidStateKey|State key/);
    assertOnlyDeliveries(mark, c.id);
    assert.equal(h.proactive.calls.length, cards, 'no card sent');
    assert.equal((await h.audit.recent({})).length, audited, 'no audit entry');
    assert.equal(h.preflight.callCount, preflights, 'no preflight ran');
    assert.equal(h.runner.run.callCount, 0, 'no run started');
    assert.equal((await h.requests.get(known.requestId))?.state, 'pending');
  }

  /** Since `mark` the store was changed only in the delivery log (and for an id, not even read elsewhere). */
  function assertOnlyDeliveries(mark: number, noReads: boolean): void {
    const calls = noReads ? store.since(mark) : store.since(mark, 'write', 'delete');
    const other = calls.filter((call) => !call.key.startsWith('deliveries/'));
    assert.deepEqual(
      other,
      [],
      `store calls beyond the delivery log: ${JSON.stringify(other).slice(0, 500)}`,
    );
  }

  /** Runs the preflight of apes (as a real click) and returns the new draft's id. */
  async function newDraft(): Promise<string> {
    const preflight = await click(h, ADMIN, LINK_VERBS.check, {
      adUser: APES_OBJECT_GUID,
      cloudUser: APES_CLOUD_ID,
    });
    const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(preflight.value))?.[1];
    assert.ok(draftId, JSON.stringify(preflight.value).slice(0, 500));
    return draftId;
  }
});

/** Sends one Action.Execute click and returns the invoke answer. */
async function click(h: Harness, sender: TestSender, verb: unknown, data: unknown): Promise<Answer> {
  const invoke = teamsActivity(sender, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  let body: Answer | undefined;
  await h.adapter.send(invoke).assertReply((reply) => {
    assert.equal(reply.type, 'invokeResponse');
    body = reply.value.body as Answer;
  });
  return body as Answer;
}

/** Files `draftId` as the demo requester; returns the request id. */
async function fileRequest(h: Harness, draftId: string): Promise<string> {
  const filed = await click(h, ADMIN, LINK_VERBS.request, {
    draftId,
    reason: 'INC-1 new hire',
    [ACK]: 'true',
  });
  const requestId = /"requestId":"([^"]+)"/.exec(JSON.stringify(filed.value))?.[1];
  assert.ok(requestId, JSON.stringify(filed.value).slice(0, 500));
  return requestId;
}
