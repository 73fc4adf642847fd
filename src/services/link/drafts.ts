import { AdminFacingError } from '../../shared/admin-facing-error';
import { randomUUID } from 'node:crypto';
import { sameObjectId } from './link-request';
import type { PreflightReport } from './preflight/report';
import type { TwinPlan } from './twin/twin-plan';
import type { StateStore } from '../state/state-store';

/** A preflight an admin has seen and may turn into a request; kept server-side, the card has its id. */
export interface LinkDraft {
  id: string;
  ownerAadObjectId: string;
  report: PreflightReport;
  createdAt: string;
  /** For a synced-twin fix: the plan (its `preflight` is `report`). Absent for a plain link. */
  twinPlan?: TwinPlan;
}

/** Why a draft cannot be used. */
export class LinkDraftError extends AdminFacingError {
  constructor(message: string) {
    super(message);
    this.name = 'LinkDraftError';
  }
}

/** What an admin is told about a draft id Anchor does not know, or a value that is no id at all. */
export const UNKNOWN_DRAFT = 'This preflight is unknown to Anchor; run `link user` again.';

/** How long a preflight stays valid for filing a request. */
export const DRAFT_TTL_MS = 3600_000;

const DRAFT_KEY = (id: string) => `link/drafts/${id}`;

/**
 * Preflight results between the preflight card and the request. Only the admin who ran the
 * preflight can file it, and only while it is fresh: an old checklist must be run again.
 */
export class LinkDrafts {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Keeps `report` (and the twin fix planned from it) for its owner; returns the draft id the card carries. */
  async save(ownerAadObjectId: string, report: PreflightReport, twinPlan?: TwinPlan): Promise<string> {
    const draft: LinkDraft = {
      id: randomUUID(),
      ownerAadObjectId,
      report,
      createdAt: this.now().toISOString(),
      ...(twinPlan ? { twinPlan } : {}),
    };
    await this.store.write(DRAFT_KEY(draft.id), draft, null);
    return draft.id;
  }

  /**
   * The draft, if `aadObjectId` owns it and it is fresh.
   * @throws LinkDraftError saying why not.
   */
  async get(id: string, aadObjectId: string): Promise<LinkDraft> {
    const draft = (await this.store.read<LinkDraft>(DRAFT_KEY(id)))?.value;
    if (!draft) throw new LinkDraftError(UNKNOWN_DRAFT);
    if (!sameObjectId(draft.ownerAadObjectId, aadObjectId)) {
      throw new LinkDraftError('Only the admin who ran this preflight can file it as a request.');
    }
    if (this.now().getTime() - Date.parse(draft.createdAt) > DRAFT_TTL_MS) {
      throw new LinkDraftError('This preflight is more than an hour old; click "Check again" first.');
    }
    return draft;
  }

  /** Removes a draft once it became a request, so the same card cannot file it twice. */
  async remove(id: string): Promise<void> {
    await this.store.delete(DRAFT_KEY(id));
  }
}
