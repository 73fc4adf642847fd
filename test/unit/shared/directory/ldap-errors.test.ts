import assert from 'node:assert/strict';
import {
  InsufficientAccessError,
  InvalidCredentialsError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
} from 'ldapts';
import type { DirectoryErrorKind } from '../../../../src/shared/directory/directory-error';
import { toDirectoryError } from '../../../../src/shared/directory/ldap-errors';

const CONTEXT = { url: 'ldaps://dc1.corp.contoso.com', bindDn: 'CN=svc-anchor,DC=corp,DC=contoso,DC=com' };

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('toDirectoryError', () => {
  const cases: [string, unknown, DirectoryErrorKind, RegExp][] = [
    [
      'wrong password',
      new InvalidCredentialsError(),
      'bind-failed',
      /refused the bind as CN=svc-anchor.*LDAP_BIND_PASSWORD/,
    ],
    ['plain bind refused', new StrongAuthRequiredError(), 'tls-required', /requires an encrypted connection/],
    ['no read rights', new InsufficientAccessError(), 'access-denied', /may not read users/],
    ['size limit', new SizeLimitExceededError(), 'size-limit', /size limit\. Type more of the name/],
    ['server time limit', new TimeLimitExceededError(), 'timeout', /did not answer in time/],
    ['operation timeout', new Error('SearchRequest: Operation timed out'), 'timeout', /LDAP_TIMEOUT_MS/],
    ['connect timeout', new Error('Connection timeout'), 'timeout', /LDAP_CONNECT_TIMEOUT_MS/],
    [
      'refused',
      withCode('connect ECONNREFUSED 10.0.0.4:636', 'ECONNREFUSED'),
      'unreachable',
      /\(ECONNREFUSED\)/,
    ],
    ['unknown host', withCode('getaddrinfo ENOTFOUND dc1', 'ENOTFOUND'), 'unreachable', /LDAP_URL is right/],
    [
      'dropped',
      new Error('Connection closed before message response was received.'),
      'unreachable',
      /connection lost/,
    ],
    [
      'self-signed',
      withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
      'tls-untrusted',
      /LDAP_CA_FILE/,
    ],
    [
      'unknown CA',
      withCode('unable to verify', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      'tls-untrusted',
      /trusted CA/,
    ],
    [
      'wrong name',
      withCode('Hostname/IP does not match', 'ERR_TLS_CERT_ALTNAME_INVALID'),
      'tls-untrusted',
      /LDAP_TLS_SERVER_NAME/,
    ],
    ['expired', withCode('certificate has expired', 'CERT_HAS_EXPIRED'), 'tls-untrusted', /expired/],
    ['anything else', new Error('00002020: Operations error'), 'failed', /returned an error: 00002020/],
  ];

  for (const [name, err, kind, message] of cases) {
    it(`maps ${name} to ${kind}`, () => {
      const mapped = toDirectoryError(err, CONTEXT);
      assert.equal(mapped.kind, kind);
      assert.match(mapped.message, message);
      assert.ok(mapped.message.includes('dc1.corp.contoso.com') || kind === 'access-denied');
      assert.equal(mapped.cause, err);
    });
  }
});
