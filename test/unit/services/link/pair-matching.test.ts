import assert from 'node:assert/strict';
import type { CloudUser } from '../../../../src/services/entra/cloud-user';
import type { DirectoryUser } from '../../../../src/shared/directory/ad-directory';
import type { MatchConfidence, MatchReason, PairMatch } from '../../../../src/services/link/pair-matching';
import { fold, matchPairs, nameSimilarity, scorePair } from '../../../../src/services/link/pair-matching';
import type { MatchContext } from '../../../../src/services/link/upn-suffixes';
import { mappedDomain } from '../../../../src/services/link/upn-suffixes';
import { sourceAnchorOf } from '../../../../src/shared/directory/source-anchor';

/** contoso.com and its initial domain are verified; corp.example.test and corp.local are not. */
const TENANT: MatchContext = {
  verifiedDomains: new Set(['contoso.com', 'contoso.co.uk', 'contoso.onmicrosoft.com']),
  suffixMap: new Map(),
};
const MAPPED: MatchContext = { ...TENANT, suffixMap: new Map([['corp.local', 'contoso.com']]) };

let guid = 0;
function ad(sam: string, displayName: string, extra: Partial<DirectoryUser> = {}): DirectoryUser {
  const objectGuid = `00000000-0000-4000-8000-${String(++guid).padStart(12, '0')}`;
  return {
    dn: `CN=${displayName},OU=Staff,DC=corp,DC=example,DC=test`,
    sAMAccountName: sam,
    userPrincipalName: `${sam}@corp.example.test`,
    proxyAddresses: [],
    displayName,
    enabled: true,
    objectGuid,
    inSyncScope: true,
    sourceAnchor: sourceAnchorOf({ objectGuid }, 'objectGUID'),
    ...extra,
  };
}

function cloud(upn: string, displayName: string, extra: Partial<CloudUser> = {}): CloudUser {
  return {
    id: `id-${upn}-${displayName}`,
    userPrincipalName: upn,
    displayName,
    mail: null,
    proxyAddresses: [],
    onPremisesSyncEnabled: null,
    ...extra,
  };
}

interface PairCase {
  name: string;
  ad: DirectoryUser;
  cloud: CloudUser;
  context?: MatchContext;
  confidence: MatchConfidence;
  reasons: MatchReason[];
}

const PAIRS: PairCase[] = [
  {
    name: 'issue 16: apes@corp.example.test and apes@contoso.com, same name (suffix not verified)',
    ad: ad('apes', 'Aaron Pescasio'),
    cloud: cloud('apes@contoso.com', 'Aaron Pescasio'),
    confidence: 'strong',
    reasons: ['same-login', 'same-upn-name', 'same-name'],
  },
  {
    name: 'identical UPN, mail equal to the cloud UPN and the same name',
    ad: ad('apes', 'Aaron Pescasio', {
      userPrincipalName: 'apes@contoso.com',
      mail: 'apes@contoso.com',
      proxyAddresses: ['SMTP:apes@contoso.com'],
    }),
    cloud: cloud('apes@contoso.com', 'Aaron Pescasio', { mail: 'apes@contoso.com' }),
    confidence: 'strong',
    reasons: ['same-upn', 'ad-address-is-cloud-upn', 'same-login', 'same-name'],
  },
  {
    name: 'UPN_SUFFIX_MAP maps corp.local to contoso.com',
    ad: ad('aaron.p', 'Aaron Pescasio', { userPrincipalName: 'aaron.pescasio@corp.local' }),
    cloud: cloud('aaron.pescasio@contoso.com', 'Aaron Pescasio'),
    context: MAPPED,
    confidence: 'strong',
    reasons: ['mapped-upn', 'same-name'],
  },
  {
    name: 'learned: ad.contoso.com is a subdomain of the verified contoso.com',
    ad: ad('aaron.p', 'Aaron P. Pescasio', { userPrincipalName: 'aaron.pescasio@ad.contoso.com' }),
    cloud: cloud('aaron.pescasio@contoso.com', 'Aaron Pescasio'),
    confidence: 'strong',
    reasons: ['mapped-upn', 'similar-name'],
  },
  {
    name: 'AD proxyAddresses hold the cloud UPN (login differs)',
    ad: ad('ap01', 'Aaron Pescasio', { proxyAddresses: ['SMTP:aaron@contoso.com', 'smtp:apes@contoso.com'] }),
    cloud: cloud('apes@contoso.com', 'Aaron Pescasio'),
    confidence: 'strong',
    reasons: ['ad-address-is-cloud-upn', 'same-name'],
  },
  {
    name: 'mailbox name shared across two verified domains',
    ad: ad('ap01', 'Aaron Pescasio', { mail: 'aaron.pescasio@contoso.co.uk' }),
    cloud: cloud('aaron.pescasio@contoso.com', 'Aaron Pescasio'),
    confidence: 'strong',
    reasons: ['same-mailbox-name', 'same-name'],
  },
  {
    name: 'mailbox name under the AD user’s own UPN suffix (zoe.angstrom@corp.example.test)',
    ad: ad('zangstrom', 'Zoë Ångström-Nuñez', { mail: 'zoe.angstrom@corp.example.test' }),
    cloud: cloud('zoe.angstrom@contoso.com', 'Zoë Ångström-Nuñez'),
    confidence: 'strong',
    reasons: ['same-mailbox-name', 'same-name'],
  },
  {
    name: 'the same local part in a domain the tenant does not own says nothing',
    ad: ad('ap01', 'Someone Else', { mail: 'aaron.pescasio@gmail.example' }),
    cloud: cloud('aaron.pescasio@contoso.com', 'Aaron Pescasio'),
    confidence: 'none',
    reasons: ['different-first-name'],
  },
  {
    name: 'a renamed user: the old address is still a proxy address of the cloud user',
    ad: ad('apeters', 'Anna Peters', { givenName: 'Anna', mail: 'anna.peters@contoso.com' }),
    cloud: cloud('anna.smith@contoso.com', 'Anna Smith', {
      givenName: 'Anna',
      proxyAddresses: ['SMTP:anna.smith@contoso.com', 'smtp:anna.peters@contoso.com'],
    }),
    confidence: 'likely',
    reasons: ['shared-address'],
  },
  {
    name: 'non-ASCII names fold to the same name',
    ad: ad('zangstrom', 'Zoë Ångström-Nuñez'),
    cloud: cloud('zangstrom@contoso.com', 'ZOE ANGSTROM NUNEZ'),
    confidence: 'strong',
    reasons: ['same-login', 'same-upn-name', 'same-name'],
  },
  {
    name: 'same name, different people: nothing but the name',
    ad: ad('cgreen', 'Chris Green', { department: 'Finance' }),
    cloud: cloud('chris.green@contoso.com', 'Chris Green', { department: 'Marketing' }),
    confidence: 'weak',
    reasons: ['same-name'],
  },
  {
    name: 'same login, different first name (jdoe is John on-prem, Jane in the cloud)',
    ad: ad('jdoe', 'John Doe', { givenName: 'John' }),
    cloud: cloud('jdoe@contoso.com', 'Jane Doe', { givenName: 'Jane' }),
    confidence: 'weak',
    reasons: ['same-login', 'same-upn-name', 'different-first-name'],
  },
  {
    name: 'a different employee ID outweighs the same name and login',
    ad: ad('jdoe', 'John Doe', { employeeId: '1001' }),
    cloud: cloud('jdoe@contoso.com', 'John Doe', { employeeId: '2002' }),
    confidence: 'likely',
    reasons: ['same-login', 'same-upn-name', 'same-name', 'different-employee-id'],
  },
  {
    name: 'nothing in common',
    ad: ad('apes', 'Aaron Pescasio'),
    cloud: cloud('lrobbins@contoso.com', 'Lynne Robbins'),
    confidence: 'none',
    reasons: ['different-first-name'],
  },
];

describe('pair matching', () => {
  describe('evidence and confidence of one pair', () => {
    for (const c of PAIRS) {
      it(c.name, () => {
        const pair = scorePair(c.ad, c.cloud, c.context ?? TENANT);
        assert.deepEqual(
          [...pair.evidence.map((e) => e.reason)].sort(),
          [...c.reasons].sort(),
          pair.evidence.map((e) => e.text).join('; '),
        );
        assert.equal(pair.confidence, c.confidence, `score ${pair.score}`);
      });
    }

    it('words the suffix map in the evidence', () => {
      const pair = scorePair(PAIRS[2].ad, PAIRS[2].cloud, MAPPED);
      assert.match(
        pair.evidence[0].text,
        /^AD UPN aaron\.pescasio@corp\.local maps to aaron\.pescasio@contoso\.com \(corp\.local → contoso\.com\)$/,
      );
    });

    it('without the tenant’s domains only identical addresses count (a failed domain read fails closed)', () => {
      const mailbox = PAIRS.find((c) => c.reasons.includes('same-mailbox-name'))!;
      const pair = scorePair(mailbox.ad, mailbox.cloud);
      assert.ok(!pair.evidence.some((e) => e.reason === 'same-mailbox-name'));
      assert.equal(pair.confidence, 'weak');
    });
  });

  interface ListCase {
    name: string;
    ad: DirectoryUser[];
    cloud: CloudUser[];
    kind: PairMatch['kind'];
    /** The preselected pair as `sam ↔ upn`, for `clear`. */
    picked?: string;
  }

  const aaron = ad('apes', 'Aaron Pescasio');
  const johnIt = ad('jdoe', 'John Doe', { employeeId: '1001', department: 'IT' });
  const johnSales = ad('jdoe2', 'John Doe', { employeeId: '2002', department: 'Sales' });
  const LISTS: ListCase[] = [
    {
      name: 'issue 16: one AD account and one cloud user with different suffixes are preselected',
      ad: [aaron],
      cloud: [cloud('apes@contoso.com', 'Aaron Pescasio')],
      kind: 'clear',
      picked: 'apes ↔ apes@contoso.com',
    },
    {
      name: 'two John Does on-prem: the employee ID picks the right one',
      ad: [johnIt, johnSales],
      cloud: [cloud('john.doe@contoso.com', 'John Doe', { employeeId: '2002', department: 'Sales' })],
      kind: 'clear',
      picked: 'jdoe2 ↔ john.doe@contoso.com',
    },
    {
      name: 'two John Does on-prem and nothing else to tell them apart: a tie',
      ad: [ad('jdoe', 'John Doe'), ad('jdoe2', 'John Doe')],
      cloud: [cloud('john.doe@contoso.com', 'John Doe')],
      kind: 'tie',
    },
    {
      name: 'two cloud twins that match equally: a tie, never a guess',
      ad: [aaron],
      cloud: [cloud('apes@contoso.com', 'Aaron Pescasio'), cloud('apes@contoso.co.uk', 'Aaron Pescasio')],
      kind: 'tie',
    },
    {
      name: 'a synced cloud user is never preselected, even when it matches best',
      ad: [aaron],
      cloud: [
        cloud('apes@contoso.com', 'Aaron Pescasio', { onPremisesSyncEnabled: true }),
        cloud('aaron.pescasio@contoso.onmicrosoft.com', 'Aaron Pescasio'),
      ],
      kind: 'weak',
    },
    {
      name: 'a user converted from sync is never preselected either',
      ad: [aaron],
      cloud: [cloud('apes@contoso.com', 'Aaron Pescasio', { onPremisesSyncEnabled: false })],
      kind: 'none',
    },
    {
      name: 'only a name in common: weak, nothing preselected',
      ad: [ad('cgreen', 'Chris Green')],
      cloud: [cloud('chris.green@contoso.com', 'Chris Green')],
      kind: 'weak',
    },
    {
      name: 'two strong pairs of different people, close but not equal: nothing preselected',
      ad: [aaron, ad('apeters', 'Anna Peters', { department: 'Finance' })],
      cloud: [
        cloud('apes@contoso.com', 'Aaron Pescasio'),
        cloud('apeters@contoso.com', 'Anna Peters', { department: 'Finance' }),
      ],
      kind: 'close',
    },
    { name: 'nothing found', ad: [], cloud: [], kind: 'none' },
  ];

  describe('what a list of candidates preselects', () => {
    for (const c of LISTS) {
      it(c.name, () => {
        const match = matchPairs(c.ad, c.cloud, TENANT);
        assert.equal(
          match.kind,
          c.kind,
          JSON.stringify(match, (k, v) => (k === 'ad' || k === 'cloud' ? v.userPrincipalName : v)),
        );
        if (match.kind === 'clear') {
          assert.equal(`${match.pair.ad.sAMAccountName} ↔ ${match.pair.cloud.userPrincipalName}`, c.picked);
        }
      });
    }

    it('counts the cloud users that cannot be linked', () => {
      const match = matchPairs(
        [aaron],
        [cloud('apes@contoso.com', 'Aaron Pescasio', { onPremisesSyncEnabled: true })],
      );
      assert.deepEqual(match, { kind: 'none', unlinkable: 1 });
    });
  });

  describe('names and suffixes', () => {
    it('folds accents, case and punctuation', () => {
      assert.equal(fold('Zoë Ångström-Nuñez'), 'zoe angstrom nunez');
      assert.equal(nameSimilarity(fold('Zoë Ångström-Nuñez'), fold('zoe angstrom nunez')), 1);
      assert.ok(nameSimilarity(fold('Zoë Ångström-Nuñez'), fold('Zoe Angstrom')) >= 0.8);
      assert.ok(nameSimilarity(fold('Zoë Ångström'), fold('Anna Peters')) < 0.3);
      assert.equal(nameSimilarity('', ''), 0);
    });

    it('maps a suffix by the setting, by a verified domain or by a verified parent, else not at all', () => {
      assert.equal(mappedDomain('CORP.LOCAL', MAPPED), 'contoso.com');
      assert.equal(mappedDomain('contoso.com', TENANT), 'contoso.com');
      assert.equal(mappedDomain('ad.contoso.com', TENANT), 'contoso.com');
      assert.equal(mappedDomain('corp.example.test', TENANT), undefined);
      assert.equal(mappedDomain('com', TENANT), undefined);
    });
  });
});
