import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../src/shared/paths';

/** One import in one (virtual) file, and the fence that must refuse it, or null if it is allowed. */
interface FenceCase {
  file: string;
  from: string;
  refusedBy: RegExp | null;
}

const BOTBUILDER = /Only src\/bot may import botbuilder or botframework-\* packages/;
const SERVICES = /src\/services must not import src\/bot, src\/app, src\/sim or src\/relay-agent/;
const CONFIG = /src\/config must not import src\/sim/;
const RELAY_AGENT = /src\/relay-agent may import only src\/shared, its own files and packages/;
const SHARED = /src\/shared may import only src\/shared and packages/;
const PACKAGING = /src\/packaging builds what is shipped .*; it may import only src\/shared and packages/;

/** Each fence with imports it refuses and imports it lets through from the same folder. */
const FENCES: Record<string, FenceCase[]> = {
  'botbuilder only in src/bot': [
    { file: 'src/app/x.ts', from: 'botbuilder', refusedBy: BOTBUILDER },
    { file: 'src/main.ts', from: 'botframework-connector', refusedBy: BOTBUILDER },
    { file: 'src/sim/demo/x.ts', from: 'botbuilder-core', refusedBy: BOTBUILDER },
    {
      file: 'src/services/state/x.ts',
      from: 'botbuilder-azure-blobs/lib/sanitizeBlobKey',
      refusedBy: BOTBUILDER,
    },
    { file: 'src/config/x.ts', from: 'botbuilder', refusedBy: BOTBUILDER },
    { file: 'src/relay-agent/x.ts', from: 'botbuilder', refusedBy: BOTBUILDER },
    { file: 'src/shared/x.ts', from: 'botbuilder', refusedBy: BOTBUILDER },
    { file: 'src/bot/x.ts', from: 'botbuilder', refusedBy: null },
    { file: 'src/bot/cards/x.ts', from: 'botbuilder', refusedBy: null },
    { file: 'test/unit/bot/x.test.ts', from: 'botbuilder', refusedBy: null },
    { file: 'src/app/x.ts', from: '../bot/messages-endpoint', refusedBy: null },
  ],
  'src/services imports no bot, app, sim or relay-agent': [
    { file: 'src/services/link/x.ts', from: '../../bot/verbs', refusedBy: SERVICES },
    { file: 'src/services/link/run/x.ts', from: '../../../bot', refusedBy: SERVICES },
    { file: 'src/services/state/x.ts', from: '../../app/create-app', refusedBy: SERVICES },
    { file: 'src/services/entra/x.ts', from: '../../sim/demo/demo-tenant', refusedBy: SERVICES },
    { file: 'src/services/relay/x.ts', from: '../../relay-agent/agent', refusedBy: SERVICES },
    { file: 'src/services/link/x.ts', from: 'botbuilder', refusedBy: BOTBUILDER },
    { file: 'src/services/link/x.ts', from: '../state/state-store', refusedBy: null },
    { file: 'src/services/link/x.ts', from: '../../shared/logger', refusedBy: null },
    { file: 'src/services/link/x.ts', from: '../../shared/relay-protocol/messages', refusedBy: null },
    { file: 'src/services/link/run/x.ts', from: '../preflight/run-preflight', refusedBy: null },
    { file: 'src/services/state/x.ts', from: '@azure/storage-blob', refusedBy: null },
  ],
  'src/config imports no sim': [
    { file: 'src/config/x.ts', from: '../sim/demo/demo-tenant', refusedBy: CONFIG },
    { file: 'src/config/x.ts', from: '../sim/demo/demo-defaults', refusedBy: CONFIG },
    { file: 'src/config/x.ts', from: './demo-defaults', refusedBy: null },
    { file: 'src/config/x.ts', from: '../shared/env-schema', refusedBy: null },
    { file: 'src/config/x.ts', from: '../services/state/state-store-factory', refusedBy: null },
    { file: 'src/config/x.ts', from: 'zod', refusedBy: null },
  ],
  'src/relay-agent imports only src/shared, its own files and packages': [
    { file: 'src/relay-agent/x.ts', from: '../services/state/state-store', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/x.ts', from: '../config/relay', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/x.ts', from: '../main', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/x.ts', from: '../../package.json', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/x.ts', from: '../shared-other/x', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/sub/x.ts', from: '../../services/relay/gateway', refusedBy: RELAY_AGENT },
    { file: 'src/relay-agent/x.ts', from: '../shared/logger', refusedBy: null },
    { file: 'src/relay-agent/x.ts', from: '../shared/relay-protocol/request-signing', refusedBy: null },
    { file: 'src/relay-agent/x.ts', from: './agent', refusedBy: null },
    { file: 'src/relay-agent/sub/x.ts', from: '../agent', refusedBy: null },
    { file: 'src/relay-agent/sub/x.ts', from: '../../shared/logger', refusedBy: null },
    { file: 'src/relay-agent/x.ts', from: 'node-powershell', refusedBy: null },
  ],
  'src/packaging imports only src/shared and packages': [
    { file: 'src/packaging/x.ts', from: '../config/load-config', refusedBy: PACKAGING },
    { file: 'src/packaging/x.ts', from: '../bot/create-bot', refusedBy: PACKAGING },
    { file: 'src/packaging/x.ts', from: '../shared/paths', refusedBy: null },
    { file: 'src/packaging/x.ts', from: './zip', refusedBy: null },
    { file: 'src/packaging/x.ts', from: 'node:zlib', refusedBy: null },
  ],
  'src/shared imports only src/shared and packages': [
    { file: 'src/shared/x.ts', from: '../services/link/link-request', refusedBy: SHARED },
    { file: 'src/shared/x.ts', from: '../config/load-config', refusedBy: SHARED },
    { file: 'src/shared/relay-protocol/x.ts', from: '../../relay-agent/agent', refusedBy: SHARED },
    { file: 'src/shared/x.ts', from: './guid', refusedBy: null },
    { file: 'src/shared/x.ts', from: './relay-protocol/messages', refusedBy: null },
    { file: 'src/shared/relay-protocol/x.ts', from: '../logger', refusedBy: null },
    { file: 'src/shared/relay-protocol/x.ts', from: './schemas', refusedBy: null },
    { file: 'src/shared/x.ts', from: 'pino', refusedBy: null },
  ],
};

describe('architecture fences (eslint.config.mjs)', () => {
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({ cwd: PROJECT_ROOT });
  });

  /** Every problem ESLint reports on a file that imports `from` and uses what it imported. */
  async function problems({ file, from }: FenceCase): Promise<ESLint.LintResult['messages']> {
    const code = `import { imported } from '${from}';\n\nexport const used = imported;\n`;
    const [result] = await eslint.lintText(code, { filePath: file });
    return result.messages;
  }

  for (const [fence, cases] of Object.entries(FENCES)) {
    describe(fence, () => {
      it('refuses the forbidden imports, naming the rule in its message', async function () {
        this.timeout(60_000);
        const refused = cases.filter((c) => c.refusedBy);
        assert.ok(refused.length > 0, 'a fence with no forbidden import proves nothing');
        for (const c of refused) {
          const found = await problems(c);
          assert.equal(found.length, 1, `${c.file} importing ${c.from}: ${JSON.stringify(found)}`);
          assert.equal(found[0].ruleId, 'no-restricted-imports', `${c.file} importing ${c.from}`);
          assert.match(found[0].message, c.refusedBy!, `${c.file} importing ${c.from}`);
        }
      });

      it('lets the allowed imports through', async function () {
        this.timeout(60_000);
        const allowed = cases.filter((c) => !c.refusedBy);
        assert.ok(allowed.length > 0, 'a fence that lets nothing through proves nothing');
        for (const c of allowed) {
          assert.deepEqual(await problems(c), [], `${c.file} importing ${c.from}`);
        }
      });
    });
  }
});
