import type { Logger } from '../logger';
import type { AuditLog } from './audit-log';
import type { CloudDirectory } from './cloud-directory';
import { LinkJournal } from './link-journal';
import type { LinkRequest } from './link-request';
import type { LinkRequests } from './link-requests';
import { LinkRun } from './link-run';
import type { PreflightReport } from './preflight-report';
import type { RelayClient } from './relay-client';

/** What the link workflow works with. */
export interface LinkWorkflowOptions {
  requests: LinkRequests;
  audit: AuditLog;
  cloud: CloudDirectory;
  /** Pauses, resumes and runs delta cycles on the sync server; null when no relay is configured. */
  relay: RelayClient | null;
  /** Runs the preflight checks again for the request's pair, just before the write. */
  recheck: (request: LinkRequest) => Promise<PreflightReport>;
  /** How long to wait for Entra ID to report the user synced after the delta cycle. */
  verifyTimeoutMs: number;
  /** How often Graph is read while waiting. */
  verifyIntervalMs: number;
  logger: Logger;
  /** Told after every change to the request (to update the progress card); its errors are ignored. */
  onChange?: (request: LinkRequest) => Promise<void> | void;
  now?: () => Date;
}

/**
 * Runs approved link requests: pause the Entra Connect scheduler (relay) → re-check preflight →
 * set the cloud user's onPremisesImmutableId → resume → delta cycle → verify the user became
 * synced. Every step is recorded on the request and in the audit log. On any failure the
 * scheduler is resumed and a value the run wrote is cleared again, so a failed run leaves
 * nothing changed (see LinkRun).
 */
export class LinkWorkflow {
  constructor(private readonly options: LinkWorkflowOptions) {}

  /**
   * Runs the request if it is approved and nobody started it yet (across instances, exactly
   * once). Expected failures (relay, Graph, a changed preflight) end the request `failed`; they
   * are not thrown.
   * @returns the finished request, or undefined when this call did not start it.
   */
  async run(requestId: string): Promise<LinkRequest | undefined> {
    const { requests, audit, logger, onChange } = this.options;
    const started = await requests.start(requestId);
    if (!started) return undefined;
    const now = this.options.now ?? (() => new Date());
    const journal = new LinkJournal({ requests, audit, logger, onChange, now }, started);
    journal.logger.info({ cloudUserId: started.preflight.cloud.id }, 'link run started');
    const { cloud, relay, recheck, verifyTimeoutMs, verifyIntervalMs } = this.options;
    return new LinkRun({ cloud, relay, recheck, verifyTimeoutMs, verifyIntervalMs, now }, journal).execute();
  }
}
