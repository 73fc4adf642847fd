/**
 * Who demo mode runs as: the simulated tenant and the Graph app its simulator accepts. The caller
 * supplies them (the sim's demo tenant), so configuration never depends on the simulator.
 */
export interface DemoDefaults {
  /** The one tenant allowed to talk to Anchor in demo mode, and the tenant Graph signs in to. */
  tenantId: string;
  /** Entra object ids of the demo's admins. */
  adminObjectIds: readonly string[];
  /** The app registration Anchor signs in to the simulated Graph with. */
  graphApp: { clientId: string; clientSecret: string };
  /** Anchor's id in the simulated Teams app catalog. */
  teamsAppCatalogId?: string;
}
