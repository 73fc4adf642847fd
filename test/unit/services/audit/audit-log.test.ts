import assert from 'node:assert/strict';
import { AuditLog } from '../../../../src/services/audit/audit-log';
import { MemoryStateStore } from '../../../../src/services/state/memory-state-store';

const entry = (requestId: string) => ({
  action: 'link.requested' as const,
  actor: { aadObjectId: 'a', name: 'Megan Bowen' },
  requestId,
  correlationId: 'c',
  detail: 'apes → apes@contoso.com',
});

describe('AuditLog', () => {
  it('appends entries and reads them newest first, per request too', async () => {
    let now = new Date('2026-11-24T23:59:00Z');
    const audit = new AuditLog(new MemoryStateStore(), () => now);
    await audit.append(entry('r1'));
    now = new Date('2026-11-25T00:01:00Z');
    await audit.append(entry('r2'));
    await audit.append(entry('r1'));
    assert.deepEqual(
      (await audit.recent()).map((e) => `${e.requestId}@${e.at}`),
      ['r1@2026-11-25T00:01:00.000Z', 'r2@2026-11-25T00:01:00.000Z', 'r1@2026-11-24T23:59:00.000Z'],
    );
    assert.equal((await audit.recent({ requestId: 'r1' })).length, 2);
  });

  it('drops whole days past retention and keeps the rest', async () => {
    let now = new Date('2026-01-01T10:00:00Z');
    const store = new MemoryStateStore();
    const audit = new AuditLog(store, () => now);
    await audit.append(entry('old'));
    now = new Date('2026-03-01T10:00:00Z');
    await audit.append(entry('kept'));
    now = new Date('2026-03-10T10:00:00Z');
    assert.deepEqual(await audit.prune(30), ['2026-01-01']);
    assert.equal(await store.read('audit/2026-01-01'), undefined);
    assert.deepEqual(
      (await audit.recent({ days: 400 })).map((e) => e.requestId),
      ['kept'],
    );
    assert.deepEqual(await audit.prune(30), []);
  });

  it('loses no entry when many are appended at once', async () => {
    const audit = new AuditLog(new MemoryStateStore());
    await Promise.all(Array.from({ length: 50 }, (_, i) => audit.append(entry(`r${i}`))));
    assert.equal(new Set((await audit.recent()).map((e) => e.requestId)).size, 50);
  });
});
