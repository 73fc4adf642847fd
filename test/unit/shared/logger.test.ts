import assert from 'node:assert/strict';
import { memoryLogger } from '../../support/memory-logger';

describe('logger', () => {
  it('writes JSON lines with an ISO time and the level name', () => {
    const { logger, lines } = memoryLogger('info');
    logger.info({ correlationId: 'c1' }, 'hello');
    const [line] = lines();
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'hello');
    assert.equal(line.correlationId, 'c1');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('redacts secrets wherever they appear', () => {
    const { logger, lines } = memoryLogger('info');
    logger.info(
      {
        MicrosoftAppPassword: 'app-secret-1',
        config: { MicrosoftAppPassword: 'app-secret-2', bindPassword: 'ldap-secret' },
        req: { headers: { authorization: 'Bearer token-secret' } },
        graph: { accessToken: 'graph-secret', clientSecret: 'client-secret' },
        storage: { connectionString: 'AccountKey=storage-secret-1' },
        settings: { storage: { connectionString: 'AccountKey=storage-secret-2' } },
      },
      'configured',
    );
    const text = JSON.stringify(lines());
    for (const secret of [
      'app-secret-1',
      'app-secret-2',
      'ldap-secret',
      'token-secret',
      'graph-secret',
      'client-secret',
      'storage-secret-1',
      'storage-secret-2',
    ]) {
      assert.doesNotMatch(text, new RegExp(secret));
    }
    assert.match(text, /\[redacted\]/);
  });
});
