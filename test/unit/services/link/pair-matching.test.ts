import assert from 'node:assert/strict';
import type { CloudUser } from '../../../../src/services/entra/cloud-user';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import type { DirectoryUser } from '../../../../src/services/ad/ad-directory';
import {
  nameSimilarity,
  preselectedPair,
  rankPairs,
  scorePair,
} from '../../../../src/services/link/pair-matching';
import { demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';

function cloud(upn: string, displayName: string, extra: Partial<CloudUser> = {}): CloudUser {
  return {
    id: `id-${upn}`,
    userPrincipalName: upn,
    displayName,
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    ...extra,
  };
}

async function adUsers(): Promise<DirectoryUser[]> {
  return (await new DemoDirectory(demoDirectoryUsers()).search('a', { limit: 50 })).users;
}

describe('pair matching', () => {
  it('scores the same person by UPN, primary SMTP, mail, login and name, with every reason', async () => {
    const apes = (await adUsers()).find((u) => u.sAMAccountName === 'apes')!;
    const pair = scorePair(apes, cloud('apes@contoso.com', 'Aaron Pescasio'));
    assert.deepEqual(pair.reasons, [
      'same-upn',
      'primary-smtp-in-proxy-addresses',
      'same-mail',
      'same-login',
      'similar-name',
    ]);
    assert.equal(pair.score, 100);
  });

  it('gives nothing to two different people', async () => {
    const apes = (await adUsers()).find((u) => u.sAMAccountName === 'apes')!;
    const pair = scorePair(apes, cloud('lrobbins@contoso.com', 'Lynne Robbins'));
    assert.deepEqual(pair.reasons, []);
    assert.equal(pair.score, 0);
  });

  it('finds the primary SMTP among the cloud proxy addresses even when UPNs differ', async () => {
    const apes = (await adUsers()).find((u) => u.sAMAccountName === 'apes')!;
    const pair = scorePair(
      apes,
      cloud('aaron.p@contoso.onmicrosoft.com', 'A. Pescasio', {
        mail: null,
        proxyAddresses: ['SMTP:aaron.p@contoso.onmicrosoft.com', 'smtp:APES@contoso.com'],
      }),
    );
    assert.deepEqual(pair.reasons, ['primary-smtp-in-proxy-addresses']);
  });

  it('treats names alike across accents, case and punctuation', () => {
    const ad = { displayName: 'Zoë Ångström-Nuñez' } as DirectoryUser;
    assert.equal(nameSimilarity(ad, cloud('z@x', 'zoe angstrom nunez')), 1);
    assert.ok(nameSimilarity(ad, cloud('z@x', 'Zoe Angstrom')) >= 0.8);
    assert.ok(nameSimilarity(ad, cloud('z@x', 'Anna Peters')) < 0.3);
    assert.equal(nameSimilarity({} as DirectoryUser, cloud('z@x', '')), 0);
  });

  it('ranks the plausible pair first and preselects it', async () => {
    const ads = await adUsers();
    const clouds = [cloud('apeters@contoso.com', 'Anna Peters'), cloud('apes@contoso.com', 'Aaron Pescasio')];
    const [best] = rankPairs(ads, clouds);
    assert.equal(best.ad.sAMAccountName, 'apes');
    assert.equal(best.cloud.userPrincipalName, 'apes@contoso.com');
    assert.equal(preselectedPair(ads, clouds)?.cloud.userPrincipalName, 'apes@contoso.com');
  });

  it('preselects nothing on a tie or when nothing is plausible, so the admin must choose', async () => {
    const apes = (await adUsers()).filter((u) => u.sAMAccountName === 'apes');
    const twins = [
      cloud('apes@contoso.com', 'Aaron Pescasio', { id: 'a' }),
      cloud('apes@contoso.com', 'Aaron Pescasio', { id: 'b' }),
    ];
    assert.equal(preselectedPair(apes, twins), undefined);
    assert.equal(preselectedPair(apes, [cloud('x@fabrikam.com', 'Someone Else')]), undefined);
    assert.equal(preselectedPair([], []), undefined);
  });
});
