import assert from 'node:assert/strict';
import { AuthenticationConstants } from 'botframework-connector';
import {
  BOT_FRAMEWORK_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  precheckToken,
} from '../../../../src/bot/auth/token-precheck';
import {
  channelClaims,
  garbledToken,
  hmacToken,
  rsaKeyPair,
  rsaToken,
  unsignedToken,
} from '../../../support/forged-tokens';

const APP_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

describe('precheckToken', () => {
  const key = rsaKeyPair().privateKey;
  const now = Math.floor(Date.now() / 1000);
  const expect = { appId: APP_ID, nowSeconds: now };
  const claims = (overrides: Record<string, unknown> = {}) => channelClaims(APP_ID, SERVICE_URL, overrides);
  const check = (authorization: string | undefined) => precheckToken(authorization, expect);

  it('lets a well-formed channel token through to signature validation', () => {
    assert.equal(check(`Bearer ${rsaToken(key, claims())}`), null);
    for (const alg of ['RS384', 'RS512'])
      assert.equal(check(`Bearer ${rsaToken(key, claims(), { alg })}`), null);
  });

  it('allows exactly the algorithms botbuilder allows', () => {
    assert.deepEqual([...BOT_FRAMEWORK_ALGORITHMS], AuthenticationConstants.AllowedSigningAlgorithms);
  });

  const cases: [string, string | undefined, string][] = [
    ['no header', undefined, 'no-token'],
    ['an empty header', '', 'no-token'],
    ['blanks', '   ', 'no-token'],
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4=', 'malformed'],
    ['a bare token without a scheme', rsaToken(key, claims()), 'malformed'],
    ['two parts', 'Bearer abc.def', 'malformed'],
    ['four parts', `Bearer ${rsaToken(key, claims())}.x`, 'malformed'],
    ['a header that is not JSON', `Bearer ${garbledToken()}`, 'malformed'],
    [
      'a JSON array as payload',
      `Bearer ${Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url')}.${Buffer.from('[]').toString('base64url')}.c2ln`,
      'malformed',
    ],
    ['non-base64url characters', 'Bearer a+b.c/d.e=f', 'malformed'],
    ['unicode', 'Bearer ünïcødé.tøkèn.sïg', 'malformed'],
    ['alg none', `Bearer ${unsignedToken(claims())}`, 'algorithm'],
    ['HS256', `Bearer ${hmacToken('secret', claims())}`, 'algorithm'],
    ['ES256', `Bearer ${rsaToken(key, claims(), { alg: 'ES256' })}`, 'algorithm'],
    ['no alg', `Bearer ${rsaToken(key, claims(), { alg: undefined })}`, 'algorithm'],
    ['no kid', `Bearer ${rsaToken(key, claims(), { kid: undefined })}`, 'malformed'],
    ['an empty signature', `Bearer ${rsaToken(key, claims()).replace(/\.[^.]+$/, '.')}`, 'malformed'],
    [
      'expired beyond the tolerance',
      `Bearer ${rsaToken(key, claims({ exp: now - CLOCK_TOLERANCE_SECONDS - 1 }))}`,
      'lifetime',
    ],
    ['no expiry', `Bearer ${rsaToken(key, claims({ exp: undefined }))}`, 'lifetime'],
    [
      'an expiry that is a string',
      `Bearer ${rsaToken(key, claims({ exp: String(now + 3600) }))}`,
      'lifetime',
    ],
    [
      'not valid yet beyond the tolerance',
      `Bearer ${rsaToken(key, claims({ nbf: now + CLOCK_TOLERANCE_SECONDS + 60 }))}`,
      'lifetime',
    ],
    ['another audience', `Bearer ${rsaToken(key, claims({ aud: 'another-app' }))}`, 'audience'],
    ['no audience', `Bearer ${rsaToken(key, claims({ aud: undefined }))}`, 'audience'],
    ['the audience in an array', `Bearer ${rsaToken(key, claims({ aud: [APP_ID] }))}`, 'audience'],
  ];
  for (const [what, header, reason] of cases) {
    it(`refuses ${what} as ${reason}`, () => {
      assert.equal(check(header), reason);
    });
  }

  it('tolerates the same clock skew as botbuilder', () => {
    assert.equal(check(`Bearer ${rsaToken(key, claims({ exp: now - 60 }))}`), null);
    assert.equal(check(`Bearer ${rsaToken(key, claims({ nbf: now + 60 }))}`), null);
  });
});
