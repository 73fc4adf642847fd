import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { DEMO_DEFAULTS } from '../../../src/sim/demo/demo-defaults';
import { DEMO_TEAMS_APP } from '../../../src/sim/demo/demo-teams';
import { PRODUCTION } from '../../support/production-env';

const GROUP = '55555555-6666-4777-8888-999999999999';
const CATALOG = '66666666-7777-4888-9999-AAAAAAAAAAAA';

describe('configuration: ANCHOR_ADMIN_GROUP_ID and TEAMS_APP_CATALOG_ID', () => {
  it('reads both in production (lower case), and leaves them unset when absent', () => {
    const config = loadConfig(
      { ...PRODUCTION, ANCHOR_ADMIN_GROUP_ID: GROUP, TEAMS_APP_CATALOG_ID: CATALOG },
      DEMO_DEFAULTS,
    );
    assert.equal(config.adminGroupId, GROUP);
    assert.equal(config.teamsAppCatalogId, CATALOG.toLowerCase());
    const bare = loadConfig({ ...PRODUCTION }, DEMO_DEFAULTS);
    assert.equal(bare.adminGroupId, undefined);
    assert.equal(bare.teamsAppCatalogId, undefined);
  });

  it('refuses values that are not GUIDs, naming the setting', () => {
    assert.throws(
      () =>
        loadConfig(
          { ...PRODUCTION, ANCHOR_ADMIN_GROUP_ID: 'Anchor admins', TEAMS_APP_CATALOG_ID: 'anchor' },
          DEMO_DEFAULTS,
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.name === 'ANCHOR_ADMIN_GROUP_ID' && /GUID/.test(p.message)) &&
        err.problems.some((p) => p.name === 'TEAMS_APP_CATALOG_ID' && /GUID/.test(p.message)),
    );
  });

  it('gives the demo the simulated catalog’s Anchor unless told otherwise', () => {
    assert.equal(loadConfig({}, DEMO_DEFAULTS).teamsAppCatalogId, DEMO_TEAMS_APP.id);
    assert.equal(
      loadConfig({ TEAMS_APP_CATALOG_ID: CATALOG }, DEMO_DEFAULTS).teamsAppCatalogId,
      CATALOG.toLowerCase(),
    );
  });
});
