import type { TenantState } from '../tenant-state';

/** What route modules need from the simulator. */
export interface RouteContext {
  state: TenantState;
  /** The simulator's own base URL, for `@odata.nextLink` and discovery documents. */
  baseUrl(): string;
}
