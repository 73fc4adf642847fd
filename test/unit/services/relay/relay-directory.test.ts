import assert from 'node:assert/strict';
import { DirectoryError } from '../../../../src/shared/directory/directory-error';
import { RelayDirectory } from '../../../../src/services/relay/relay-directory';
import { RelayError } from '../../../../src/services/relay/relay-client';
import type { RelayClient, RunOptions } from '../../../../src/services/relay/relay-client';
import type { RelayHeartbeat } from '../../../../src/services/relay/presence';
import type {
  JobFailureReason,
  JobResult,
  RelayOperation,
} from '../../../../src/shared/relay-protocol/messages';
import { jobResult, pollRequest } from '../../../support/relay-messages';

const RELAY = 'sync01';
const MAPPING = { syncScopeOus: ['OU=Staff,DC=corp,DC=example,DC=test'], sourceAnchor: 'auto' as const };

/** A relay client that records what it was asked and answers as told. */
function fakeClient(
  answer: (operation: RelayOperation) => Promise<JobResult>,
  heartbeat: RelayHeartbeat | null = null,
) {
  const runs: { operation: RelayOperation; options: RunOptions }[] = [];
  const client: Pick<RelayClient, 'relayId' | 'run' | 'lastHeartbeat'> = {
    relayId: RELAY,
    run: (operation, options = {}) => {
      runs.push({ operation, options });
      return answer(operation);
    },
    lastHeartbeat: () => Promise.resolve(heartbeat),
  };
  return { client, runs };
}

async function directoryErrorOf(promise: Promise<unknown>): Promise<DirectoryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DirectoryError, String(err));
    return err;
  }
  assert.fail('expected a DirectoryError');
}

describe('RelayDirectory', () => {
  it('sends the trimmed text, the limit and the bot’s mapping, and returns the relay’s users', async () => {
    const { client, runs } = fakeClient(async () =>
      jobResult('j', RELAY, { directory: { users: [], more: 3 } }),
    );
    const directory = new RelayDirectory({ client, mapping: MAPPING });
    assert.deepEqual(await directory.search('  apes ', { limit: 5 }), { users: [], more: 3 });
    assert.equal(runs[0].operation, 'directory-search');
    assert.deepEqual(runs[0].options.params, { text: 'apes', limit: 5, mapping: MAPPING });
  });

  it('refuses bad input with the direct directory’s words before any job is queued', async () => {
    const { client, runs } = fakeClient(async () => assert.fail('a job was queued'));
    const directory = new RelayDirectory({ client, mapping: MAPPING });
    const nul = await directoryErrorOf(directory.search('a\u0000b'));
    assert.equal(nul.kind, 'invalid-input');
    assert.match(nul.message, /control character \(U\+0000\)/);
    assert.equal((await directoryErrorOf(directory.find('objectGuid', 'not-a-guid'))).kind, 'invalid-input');
    assert.equal((await directoryErrorOf(directory.find('sourceAnchor', 'abc'))).kind, 'invalid-input');
    assert.match(
      (await directoryErrorOf(directory.search('apes', { limit: 101 }))).message,
      /at most 100 users/,
    );
    assert.equal(runs.length, 0);
  });

  it('keeps the kind and words of a directory error the relay met, and says where', async () => {
    const result = jobResult('j', RELAY, {
      outcome: 'failed',
      directory: { error: { kind: 'bind-failed', message: 'The DC refused the bind as CN=svc.' } },
    });
    const { client } = fakeClient(async () => {
      throw new RelayError('failed', 'directory-search failed', 'j', result);
    });
    const err = await directoryErrorOf(new RelayDirectory({ client, mapping: MAPPING }).search('apes'));
    assert.equal(err.kind, 'bind-failed');
    assert.equal(err.message, 'The DC refused the bind as CN=svc. (through the relay on sync01)');
  });

  it('says since when an offline relay was last seen, or that it never was', async () => {
    const offline = async (): Promise<JobResult> => {
      throw new RelayError('offline', 'relay has not polled');
    };
    const seen = { relayId: RELAY, at: '2026-12-05T09:00:00.000Z', poll: pollRequest(RELAY) };
    const err = await directoryErrorOf(
      new RelayDirectory({ client: fakeClient(offline, seen).client, mapping: MAPPING }).ping(),
    );
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, /^AD cannot be read: the relay on sync01 has not been seen since /);
    const never = await directoryErrorOf(
      new RelayDirectory({ client: fakeClient(offline).client, mapping: MAPPING }).ping(),
    );
    assert.match(never.message, /has never been seen \(is it installed and running\?\)/);
  });

  it('maps a job not picked up or not answered to a timeout', async () => {
    const failing = (kind: 'expired' | 'timeout') =>
      new RelayDirectory({
        client: fakeClient(async () => {
          throw new RelayError(kind, kind, 'j', null);
        }).client,
        mapping: MAPPING,
      });
    assert.match(
      (await directoryErrorOf(failing('expired').search('apes'))).message,
      /did not pick up the read in time/,
    );
    assert.equal((await directoryErrorOf(failing('timeout').search('apes'))).kind, 'timeout');
  });

  it('maps a refused read by the relay’s reason: only parameters outside the schema are the input’s fault', async () => {
    const refusedFor = (reason: JobFailureReason | undefined, message: string) =>
      new RelayDirectory({
        client: fakeClient(async () => {
          const result = jobResult('j', RELAY, {
            outcome: 'refused',
            message,
            ...(reason ? { reason } : {}),
          });
          throw new RelayError('refused', message, 'j', result);
        }).client,
        mapping: MAPPING,
      });
    const params = await directoryErrorOf(
      refusedFor('invalid-params', "the job's parameters are malformed").search('apes'),
    );
    assert.equal(params.kind, 'invalid-input');
    assert.match(params.message, /refused the read: the job's parameters are malformed/);

    const late = await directoryErrorOf(refusedFor('job-expired', 'the job expired at 09:00').search('apes'));
    assert.equal(late.kind, 'timeout');
    assert.match(
      late.message,
      /^AD cannot be read: the relay on sync01 picked up the read after its deadline: the job expired/,
    );

    const unknown = await directoryErrorOf(
      refusedFor('operation-not-allowed', '"directory-find" is not an allowed operation').search('apes'),
    );
    assert.equal(unknown.kind, 'failed');
    assert.match(unknown.message, /does not know this read .*: is the relay up to date\?/);

    const unexplained = await directoryErrorOf(refusedFor(undefined, 'no reason given').search('apes'));
    assert.equal(unexplained.kind, 'failed', 'a refusal without a reason is not blamed on the input');
  });

  it('fails a result without the directory’s answer (a relay too old), and describes itself briefly', async () => {
    const { client } = fakeClient(async () => jobResult('j', RELAY), {
      relayId: RELAY,
      at: new Date().toISOString(),
      poll: pollRequest(RELAY, { directory: 'ldaps://dc1, base DC=corp' }),
    });
    const directory = new RelayDirectory({ client, mapping: MAPPING });
    assert.match((await directoryErrorOf(directory.search('apes'))).message, /is the relay up to date\?/);
    const pinging = new RelayDirectory({
      client: { ...client, run: async () => jobResult('j', RELAY, { directory: {} }) },
      mapping: MAPPING,
    });
    await pinging.ping();
    assert.equal(pinging.describe(), 'via relay sync01');
  });
});
