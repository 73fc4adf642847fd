import assert from 'node:assert/strict';
import { LINK_VERBS } from '../../../../src/bot/verbs';
import { AdminFacingError } from '../../../../src/shared/admin-facing-error';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import type { TestSender } from '../../../support/activities';
import { ADMIN, teamsActivity } from '../../../support/activities';
import { botHarness } from '../../../support/bot-harness';
import type { BotHarnessOptions } from '../../../support/bot-harness';
import { APES_CLOUD_ID, APES_OBJECT_GUID, apesPreflight } from '../../../support/link-fixtures';
import { APES_TWIN_ID, twinPreflight } from '../../../support/twin-fixtures';

const OTHER_ADMIN: TestSender = {
  aadObjectId: DEMO_TENANT.approver.aadObjectId,
  tenantId: DEMO_TENANT.tenantId,
};

type Harness = ReturnType<typeof botHarness>;
type Body = { statusCode: number; type: string; value: unknown };

/** Sends one Action.Execute click and returns the invoke response body. */
async function click(
  h: Harness,
  sender: TestSender,
  verb: string,
  data: Record<string, unknown>,
): Promise<Body> {
  const invoke = teamsActivity(sender, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: `card-of-${sender.aadObjectId}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  let body: Body | undefined;
  await h.adapter.send(invoke).assertReply((reply) => {
    body = (reply.value as { body: Body }).body;
  });
  return body as Body;
}

const textOf = (body: { value: unknown }): string => JSON.stringify(body.value);

interface CardAction {
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
}
const actionsOf = (body: Body): CardAction[] => (body.value as { actions?: CardAction[] }).actions ?? [];

/** The preflight of the pair, through "Check this pair", and the draft id its card carries. */
async function preflight(h: Harness): Promise<{ body: Body; draftId: string }> {
  const body = await click(h, ADMIN, LINK_VERBS.check, {
    adUser: APES_OBJECT_GUID,
    cloudUser: APES_CLOUD_ID,
  });
  const draftId = /"draftId":"([^"]+)"/.exec(textOf(body))?.[1];
  assert.ok(draftId, textOf(body));
  return { body, draftId };
}

function twinHarness(options: BotHarnessOptions = {}): Harness {
  return botHarness({ preflight: async () => twinPreflight(), ...options });
}

describe('plan the synced-twin fix', () => {
  it('the preflight offers "Plan the fix" with only the draft id when a synced twin exists', async () => {
    const { body, draftId } = await preflight(twinHarness());
    const plan = actionsOf(body).find((a) => a.title === 'Plan the fix');
    assert.ok(plan, textOf(body));
    assert.equal(plan.verb, LINK_VERBS.planTwinFix);
    assert.deepEqual(plan.data, { draftId });
  });

  it('the preflight does not offer it when the no-synced-twin check failed for another reason', async () => {
    const h = botHarness({ preflight: async () => apesPreflight({ 'no-synced-twin': 'fail' }) });
    const body = await click(h, ADMIN, LINK_VERBS.check, {
      adUser: APES_OBJECT_GUID,
      cloudUser: APES_CLOUD_ID,
    });
    assert.match(textOf(body), /Preflight: ✗/);
    assert.ok(!actionsOf(body).some((a) => a.title === 'Plan the fix'));
  });

  it('the preflight does not offer it on a clean pair', async () => {
    const { body } = await preflight(botHarness());
    assert.ok(!actionsOf(body).some((a) => a.title === 'Plan the fix'));
  });

  it('answers with the plan card, carrying only the plan draft id', async () => {
    const h = twinHarness();
    const { draftId } = await preflight(h);
    const body = await click(h, ADMIN, LINK_VERBS.planTwinFix, { draftId });
    const text = textOf(body);
    assert.match(text, /Fix the synced twin of apes/);
    assert.match(text, new RegExp(`permanent deletion of apes2@contoso.com \\(${APES_TWIN_ID}\\)`));
    const request = actionsOf(body).find((a) => a.title === 'Request approval');
    assert.ok(request, text);
    assert.equal(request.verb, LINK_VERBS.request);
    assert.deepEqual(Object.keys(request.data ?? {}), ['draftId']);
    assert.notEqual(request.data?.draftId, draftId, 'the plan is a draft of its own');
  });

  it('refuses an unknown draft', async () => {
    const h = twinHarness();
    const body = await click(h, ADMIN, LINK_VERBS.planTwinFix, {
      draftId: '7d9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
    });
    assert.equal(body.type, 'application/vnd.microsoft.activity.message');
  });

  it("refuses another admin's draft", async () => {
    const h = twinHarness();
    const { draftId } = await preflight(h);
    const body = await click(h, OTHER_ADMIN, LINK_VERBS.planTwinFix, { draftId });
    assert.equal(body.type, 'application/vnd.microsoft.activity.message');
    assert.doesNotMatch(textOf(body), /Fix the synced twin/);
  });

  it("shows the planner's AdminFacingError as is", async () => {
    const h = twinHarness({
      twinPlanner: { plan: () => Promise.reject(new AdminFacingError('The twin could not be read.')) },
    });
    const { draftId } = await preflight(h);
    const body = await click(h, ADMIN, LINK_VERBS.planTwinFix, { draftId });
    assert.match(textOf(body), /The fix could not be planned/);
    assert.match(textOf(body), /The twin could not be read\./);
  });

  it('a refused request of a twin fix shows the plan card again', async () => {
    const h = twinHarness();
    const { draftId } = await preflight(h);
    const plan = await click(h, ADMIN, LINK_VERBS.planTwinFix, { draftId });
    const planDraftId = actionsOf(plan).find((a) => a.title === 'Request approval')?.data?.draftId;
    const body = await click(h, ADMIN, LINK_VERBS.request, { draftId: planDraftId, reason: '' });
    assert.match(textOf(body), /Fix the synced twin of apes/);
  });
});
