import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { GraphApi, GraphRequestSpec } from '../../../../src/services/entra/graph-api';
import { batchChunks, batchGet } from '../../../../src/services/entra/graph-batch';
import { startCall } from '../../../../src/services/entra/graph-call';
import { GraphRequestError, UserNotFoundError } from '../../../../src/services/entra/graph-errors';
import { collectPages } from '../../../../src/services/entra/graph-paging';

/** A GraphApi whose send() answers from a script, recording what was asked. */
function fakeApi(answer: (spec: GraphRequestSpec) => unknown) {
  const send = sinon.spy(async (spec: GraphRequestSpec) => answer(spec));
  const api = {
    send,
    relativeLink: (link: string) => {
      const url = new URL(link);
      return { version: 'v1.0' as const, path: `${url.pathname.replace(/^\/v1\.0/, '')}${url.search}` };
    },
  } as unknown as GraphApi;
  return { api, send };
}

const pageOf = (from: number, size: number, total: number) => ({
  value: Array.from({ length: Math.min(size, total - from) }, (_, i) => ({ n: from + i })),
  ...(from + size < total
    ? { '@odata.nextLink': `https://graph.microsoft.com/v1.0/users?$skiptoken=${from + size}` }
    : {}),
});

describe('Graph paging', () => {
  const call = startCall(10_000);
  const first: GraphRequestSpec = {
    method: 'GET',
    path: '/users?$top=100',
    headers: { ConsistencyLevel: 'eventual' },
  };
  const skip = (spec: GraphRequestSpec) => Number(/skiptoken=(\d+)/.exec(spec.path)?.[1] ?? 0);

  it('follows nextLink to the end, keeping the headers on every page', async () => {
    const { api, send } = fakeApi((spec) => pageOf(skip(spec), 100, 250));
    const result = await collectPages<{ n: number }>(api, first, call, 1000);
    assert.equal(result.items.length, 250);
    assert.equal(result.truncated, false);
    assert.equal(result.pages, 3);
    assert.ok(send.getCalls().every((c) => c.args[0].headers?.ConsistencyLevel === 'eventual'));
  });

  it('stops at the cap and says so', async () => {
    const { api, send } = fakeApi((spec) => pageOf(skip(spec), 100, 10_000));
    const result = await collectPages<{ n: number }>(api, first, call, 150);
    assert.equal(result.items.length, 150);
    assert.equal(result.truncated, true);
    assert.equal(send.callCount, 2);
  });

  it('is not truncated when the cap equals the whole collection', async () => {
    const { api } = fakeApi((spec) => pageOf(skip(spec), 100, 200));
    const result = await collectPages<{ n: number }>(api, first, call, 200);
    assert.equal(result.truncated, false);
  });
});

describe('Graph $batch', () => {
  it('splits requests into chunks of at most 20', () => {
    assert.deepEqual(
      batchChunks(Array.from({ length: 45 }, (_, i) => i)).map((c) => c.length),
      [20, 20, 5],
    );
  });

  it('sends one POST per 20 reads, with the sub-request headers, and maps each answer', async () => {
    const { api, send } = fakeApi((spec) => {
      const requests = (spec.body as { requests: { id: string; url: string }[] }).requests;
      return {
        responses: requests.map((r) =>
          r.id === '3'
            ? {
                id: r.id,
                status: 404,
                body: { error: { code: 'Request_ResourceNotFound', message: 'gone' } },
              }
            : { id: r.id, status: 200, body: { id: r.url } },
        ),
      };
    });
    const reads = Array.from({ length: 25 }, (_, i) => ({
      id: String(i + 1),
      url: `/users/u${i + 1}`,
      headers: { ConsistencyLevel: 'eventual' },
      errorContext: { user: `u${i + 1}` },
    }));
    const outcomes = await batchGet<{ id: string }>(api, reads, startCall(10_000));
    assert.equal(send.callCount, 2);
    assert.equal((send.firstCall.args[0].body as { requests: unknown[] }).requests.length, 20);
    assert.equal(send.firstCall.args[0].path, '/$batch');
    assert.deepEqual(
      (send.firstCall.args[0].body as { requests: { headers: unknown }[] }).requests[0].headers,
      {
        ConsistencyLevel: 'eventual',
      },
    );
    assert.equal(outcomes.length, 25);
    const third = outcomes[2];
    assert.ok(!third.ok && third.error instanceof UserNotFoundError);
    assert.ok(outcomes[24].ok);
  });

  it('reports a sub-request Graph did not answer', async () => {
    const { api } = fakeApi(() => ({ responses: [] }));
    const [outcome] = await batchGet(api, [{ id: '1', url: '/users/a' }], startCall(10_000));
    assert.ok(!outcome.ok && outcome.error instanceof GraphRequestError);
  });
});
