import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import { RelayConfigError, loadRelayConfig as loadOn } from '../../../src/relay-agent/config';
import { keygenOptions, keygenText } from '../../../src/relay-agent/keygen';
import {
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
} from '../../../src/shared/relay-protocol/request-signing';

const relay = generateSigningKeyPair();
const bot = generateSigningKeyPair();
const GOOD = {
  RELAY_ID: 'sync01',
  RELAY_BOT_URL: 'https://anchor.contoso.com/',
  RELAY_PRIVATE_KEY: relay.privateKey,
  RELAY_BOT_PUBLIC_KEY: bot.publicKey,
};

/** The relay runs on the Entra Connect server: Windows. */
function loadRelayConfig(env: Record<string, string | undefined>) {
  return loadOn(env, 'win32');
}

function problems(env: Record<string, string | undefined>): RelayConfigError {
  try {
    loadRelayConfig(env);
  } catch (err) {
    assert.ok(err instanceof RelayConfigError, String(err));
    return err;
  }
  assert.fail('accepted');
}

describe('relay configuration', () => {
  it('reads a good environment with the documented defaults', () => {
    const config = loadRelayConfig(GOOD);
    assert.equal(config.relayId, 'sync01');
    assert.equal(config.botUrl, 'https://anchor.contoso.com');
    assert.equal(config.botKeyId, 'anchor-bot');
    assert.equal(config.pollIntervalMs, 1000);
    assert.equal(config.pauseLeaseMs, 900_000);
    assert.equal(config.operationTimeoutMs, 60_000);
    assert.equal(config.deltaDeadlineMs, 300_000);
    assert.equal(config.resumeAttempts, 3);
    assert.equal(config.resumeRetryMs, 5000);
    assert.equal(config.leaseRetryMs, 30_000);
    // No SystemRoot in GOOD: the usual one.
    assert.equal(config.pwsh, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    assert.equal(config.restartTimeoutMs, 150_000);
    assert.equal(config.idleConfirmReads, 3);
    assert.equal(config.idleConfirmMs, 2000);
    assert.equal(config.privateKey.asymmetricKeyType, 'ed25519');
    assert.match(config.stateFile, /relay-state\.json$/);
  });

  it('defaults RELAY_PWSH to Windows PowerShell 5.1 under SystemRoot, and requires it off Windows', () => {
    assert.equal(
      loadRelayConfig({ ...GOOD, SystemRoot: 'D:\\WINDOWS' }).pwsh,
      'D:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    assert.equal(loadRelayConfig({ ...GOOD, RELAY_PWSH: 'C:\\pwsh\\pwsh.exe' }).pwsh, 'C:\\pwsh\\pwsh.exe');
    assert.equal(loadOn({ ...GOOD, RELAY_PWSH: '/opt/stand-in/pwsh' }, 'linux').pwsh, '/opt/stand-in/pwsh');
    let err: unknown;
    try {
      loadOn(GOOD, 'linux');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof RelayConfigError);
    assert.deepEqual(
      err.problems.map((p) => p.name),
      ['RELAY_PWSH'],
    );
    assert.match(err.message, /RELAY_PWSH: is required off Windows .*Windows PowerShell 5\.1/);
  });

  it('names every missing setting at once', () => {
    const err = problems({});
    assert.deepEqual(
      err.problems.map((p) => p.name),
      ['RELAY_ID', 'RELAY_BOT_URL', 'RELAY_PRIVATE_KEY', 'RELAY_BOT_PUBLIC_KEY'],
    );
    assert.match(err.message, /npm run relay:keygen/);
  });

  it('refuses plain http except to a bot on loopback', () => {
    assert.match(
      problems({ ...GOOD, RELAY_BOT_URL: 'http://anchor.contoso.com' }).message,
      /RELAY_BOT_URL: must use https/,
    );
    assert.equal(
      loadRelayConfig({ ...GOOD, RELAY_BOT_URL: 'http://127.0.0.1:3978' }).botUrl,
      'http://127.0.0.1:3978',
    );
  });

  it('says which key is wrong without ever printing a key', () => {
    const secretLooking = 'MC4CAQAwBQYDK2VwBCIEINOTAREALKEYNOTAREALKEYNOTAREALKEYNOTAREA';
    const err = problems({
      ...GOOD,
      RELAY_PRIVATE_KEY: secretLooking,
      RELAY_BOT_PUBLIC_KEY: relay.privateKey,
    });
    assert.deepEqual(
      err.problems.map((p) => p.name),
      ['RELAY_PRIVATE_KEY', 'RELAY_BOT_PUBLIC_KEY'],
    );
    assert.ok(!err.message.includes(secretLooking) && !err.message.includes(relay.privateKey));
    // The bot's private key pasted where its public key belongs is caught too.
    assert.match(err.message, /RELAY_BOT_PUBLIC_KEY: is not a base64 SPKI Ed25519 public key/);
  });

  it('refuses numbers below their minimum and a missing CA file', () => {
    const err = problems({ ...GOOD, RELAY_POLL_INTERVAL_MS: '5', RELAY_CA_FILE: '/nonexistent/ca.pem' });
    assert.deepEqual(
      err.problems.map((p) => `${p.name}: ${p.message}`),
      ['RELAY_POLL_INTERVAL_MS: must be at least 100', 'RELAY_CA_FILE: cannot be read (ENOENT)'],
    );
  });
});

describe('relay keygen', () => {
  it('prints two matching key pairs and where each value goes', () => {
    const text = keygenText(keygenOptions(['--relay-id', 'sync01']));
    const value = (name: string) => new RegExp(`^ {3}${name}=(.+)$`, 'm').exec(text)?.[1] ?? '';
    assert.equal(value('RELAY_ID'), 'sync01');
    assert.equal(value('BOT_KEY_ID'), 'anchor-bot');
    assert.equal(value('RELAY_BOT_KEY_ID'), 'anchor-bot');
    const [relayId, relayPublic] = value('RELAY_KEYS').split(/=(.*)/s);
    assert.equal(relayId, 'sync01');
    const data = Buffer.from('proof');
    // The relay's private key matches the public key the bot gets, and the bot's likewise.
    const relaySig = sign(null, data, privateKeyFrom(value('RELAY_PRIVATE_KEY')));
    assert.ok(verify(null, data, publicKeyFrom(relayPublic), relaySig));
    const botSig = sign(null, data, privateKeyFrom(value('BOT_SIGNING_KEY')));
    assert.ok(verify(null, data, publicKeyFrom(value('RELAY_BOT_PUBLIC_KEY')), botSig));
    // Each side's settings load as printed.
    const config = loadRelayConfig({
      RELAY_ID: value('RELAY_ID'),
      RELAY_BOT_URL: 'https://anchor.contoso.com',
      RELAY_PRIVATE_KEY: value('RELAY_PRIVATE_KEY'),
      RELAY_BOT_PUBLIC_KEY: value('RELAY_BOT_PUBLIC_KEY'),
    });
    assert.equal(config.relayId, 'sync01');
  });

  it('refuses an id that would break RELAY_KEYS', () => {
    assert.throws(() => keygenOptions(['--relay-id', 'a=b,c']), /--relay-id must be/);
  });
});

describe('relay settings: the DC it reads for the bot', () => {
  const LDAP = {
    LDAP_URL: 'ldaps://dc1.corp.contoso.com/',
    LDAP_BIND_DN: 'CN=svc-anchor-read,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
    LDAP_BIND_PASSWORD: 'Read-Only-Secret-7!',
    LDAP_BASE_DN: 'DC=corp,DC=contoso,DC=com',
  };

  it('has no directory without LDAP_URL', () => {
    assert.equal(loadRelayConfig(GOOD).directory, undefined);
  });

  it('reads the LDAP settings with the bot’s rules', () => {
    const directory = loadRelayConfig({ ...GOOD, ...LDAP }).directory;
    assert.equal(directory?.url, 'ldaps://dc1.corp.contoso.com');
    assert.equal(directory?.baseDn, LDAP.LDAP_BASE_DN);
    assert.equal(directory?.tlsInsecure, false);
  });

  it('names LDAP_URL when the account is set without it, and a bad URL, never echoing the password', () => {
    const { LDAP_URL: _url, ...withoutUrl } = LDAP;
    const stray = problems({ ...GOOD, ...withoutUrl });
    assert.ok(
      stray.problems.some(
        (p) => p.name === 'LDAP_URL' && /required when LDAP_BIND_DN is set/.test(p.message),
      ),
    );
    const bad = problems({ ...GOOD, ...LDAP, LDAP_URL: 'http://dc1', LDAP_BASE_DN: '' });
    assert.deepEqual(bad.problems.map((p) => p.name).sort(), ['LDAP_BASE_DN', 'LDAP_URL']);
    assert.doesNotMatch(stray.message + bad.message, /Read-Only-Secret/);
  });
});
