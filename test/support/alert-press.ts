import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Incident } from '../../src/services/alerts/incident';
import type { RemedyActions } from '../../src/services/alerts/remedy-actions';
import type { TestSender } from './activities';
import { teamsActivity } from './activities';
import { botHarness } from './bot-harness';

/** The incident the alert button tests press on: no password hash sync heartbeat. */
export const PHS_TEXT = {
  title: 'No password hash sync heartbeat from aadc01 for 2 h 10 min',
  resolvedTitle: 'Password hash sync heartbeats again on aadc01',
  detail: 'No event 654 since 08:02 UTC.',
  fix: 'Restart ADSync when no sync cycle is running.',
  facts: [{ title: 'Last heartbeat (event log on aadc01)', value: '2026-11-25 08:02:11 UTC' }],
};

/** An invoke answer as the bot returns it. */
export interface Answer {
  statusCode: number;
  type: string;
  value: unknown;
}

/** A fake of the services' fix: each press resolves to what the test says. */
export function fakeRemedies(): sinon.SinonStubbedInstance<RemedyActions> & RemedyActions {
  return {
    restart: sinon.stub<Parameters<RemedyActions['restart']>, Promise<Incident>>(),
    requestFullSync: sinon.stub<Parameters<RemedyActions['requestFullSync']>, Promise<Incident>>(),
    decideFullSync: sinon.stub<Parameters<RemedyActions['decideFullSync']>, Promise<Incident>>(),
  } as unknown as sinon.SinonStubbedInstance<RemedyActions> & RemedyActions;
}

/** The bot with `remedies`, and an open password hash sync incident. */
export async function alertHarness(remedies?: RemedyActions) {
  const h = botHarness({ remedies });
  const incident = await h.alerts.raise('phs-silent', PHS_TEXT);
  assert.ok(incident);
  return { h, incident };
}

/** Clicks `verb` with `data` as `sender` (named in Teams as `name`) and returns the invoke answer. */
export async function press(
  h: ReturnType<typeof botHarness>,
  sender: TestSender,
  verb: string,
  data: unknown,
  name = 'Test user',
): Promise<Answer> {
  const invoke = teamsActivity(sender, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  invoke.from = { ...invoke.from!, name };
  let body: Answer | undefined;
  await h.adapter.send(invoke).assertReply((reply) => {
    assert.equal(reply.type, 'invokeResponse');
    body = reply.value.body as Answer;
  });
  return body as Answer;
}
