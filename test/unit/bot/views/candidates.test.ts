import assert from 'node:assert/strict';
import { candidatesCardData } from '../../../../src/bot/views/candidates';
import type { CloudUser } from '../../../../src/services/entra/cloud-user';
import type { DirectoryUser } from '../../../../src/shared/directory/ad-directory';
import type { LinkCandidates } from '../../../../src/services/link/candidates';
import { matchPairs } from '../../../../src/services/link/pair-matching';
import { EMPTY_MATCH_CONTEXT } from '../../../../src/services/link/upn-suffixes';
import { apesAdUser, apesCloudUser } from '../../../support/link-fixtures';

function found(ad: DirectoryUser[], cloud: CloudUser[]): LinkCandidates {
  const match = matchPairs(ad, cloud, EMPTY_MATCH_CONTEXT);
  return {
    text: 'apes',
    ad: { users: ad, more: 0, error: null },
    cloud: { users: cloud, more: 0, error: null },
    preselected: match.kind === 'clear' ? match.pair : null,
    match,
  };
}

describe('candidates card data', () => {
  it('fills both pickers with a clearly best pair and says how sure and why', () => {
    const data = candidatesCardData(found([apesAdUser()], [apesCloudUser()]));
    assert.equal(data.adDefault, apesAdUser().objectGuid);
    assert.equal(data.cloudDefault, apesCloudUser().id);
    assert.match(data.pairLine, /^Preselected, strong match: Aaron Pescasio ↔ apes@contoso\.com \(same UPN/);
  });

  it('says "No pair stands out" on a tie and leaves both pickers empty', () => {
    const twin = { ...apesCloudUser(), id: 'twin-id' };
    const data = candidatesCardData(found([apesAdUser()], [apesCloudUser(), twin]));
    assert.match(data.pairLine, /^No pair stands out: .* match equally \(strong\)\. Pick the AD account/);
    assert.equal(data.adDefault, '');
    assert.equal(data.cloudDefault, '');
  });

  it('preselects nothing for a weak match, and never a synced cloud user', () => {
    const weak = candidatesCardData(
      found(
        [apesAdUser()],
        [{ ...apesCloudUser(), userPrincipalName: 'a.p@fabrikam.com', mail: null, proxyAddresses: [] }],
      ),
    );
    assert.match(weak.pairLine, /^Only a weak match: .*same display name/);
    assert.equal(weak.cloudDefault, '');
    const synced = candidatesCardData(
      found([apesAdUser()], [{ ...apesCloudUser(), onPremisesSyncEnabled: true }]),
    );
    assert.match(synced.pairLine, /1 found is already synced or converted from sync, which cannot be linked/);
    assert.equal(synced.adDefault, '');
    assert.equal(synced.cloudDefault, '');
  });

  it('labels UPN and mail, printing an address once when both are the same', () => {
    const same = candidatesCardData(found([apesAdUser()], [apesCloudUser()]));
    assert.equal(same.cloud.users[0].line1, 'UPN and mail apes@contoso.com');
    assert.equal(same.ad.users[0].line1, 'login apes · UPN and mail apes@contoso.com');
    const differ = candidatesCardData(
      found(
        [{ ...apesAdUser(), userPrincipalName: 'apes@corp.example.test', mail: undefined }],
        [{ ...apesCloudUser(), mail: 'aaron.pescasio@contoso.com' }],
      ),
    );
    assert.equal(differ.cloud.users[0].line1, 'UPN apes@contoso.com · mail aaron.pescasio@contoso.com');
    assert.equal(differ.ad.users[0].line1, 'login apes · UPN apes@corp.example.test · no mail');
  });
});
