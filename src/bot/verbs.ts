/** The `Action.Execute` verbs of the link flow's cards. */
export const LINK_VERBS = {
  /** Candidates card → preflight of the picked pair (also "Check again"). */
  check: 'link.check',
  /** Preflight card → file the request for approval. */
  request: 'link.request',
  approve: 'link.approve',
  reject: 'link.reject',
  cancel: 'link.cancel',
  /** The request card's refresh: the view for whoever is looking. */
  view: 'link.view',
} as const;
