import type { KeyObject } from 'node:crypto';
import { RELAY_PATHS } from './messages';
import type { RelayJob, SignedJob } from './messages';
import { signParts, verifySignature } from './request-signing';
import type { NonceCache } from './request-signing';

/** The parts a job's signature covers: method `JOB`, its path, and the job as JSON. */
function jobParts(job: RelayJob) {
  return { method: 'JOB', path: RELAY_PATHS.job(job.id), body: JSON.stringify(job) };
}

/** The bot signs a job before handing it to a relay. */
export function signJob(job: RelayJob, keyId: string, privateKey: KeyObject, now?: number): SignedJob {
  return { job, ...signParts(jobParts(job), keyId, privateKey, now) };
}

/**
 * The relay checks a job came from the bot, unaltered, fresh and not replayed.
 * @throws SignatureError saying which check failed.
 */
export function verifyJob(
  signed: SignedJob,
  publicKeys: ReadonlyMap<string, KeyObject>,
  nonces: NonceCache,
  now?: number,
): void {
  verifySignature(jobParts(signed.job), signed, publicKeys, nonces, now);
}
