import { READ_PERMISSIONS, requirePermission } from '../app-permissions';
import { GraphSimError, resourceNotFound } from '../graph-errors';
import { selectProperties } from '../odata/odata-select';
import type { RouteContext } from './route-context';
import type { Router } from './router';
import { ok } from '../sim-request';

/** The organization properties v1.0 knows (its published metadata). */
const ORGANIZATION_PROPERTIES = [
  'id',
  'displayName',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
  'verifiedDomains',
];
/** Beta adds onPremisesLastPasswordSyncDateTime ("the last time a password sync request was received"). */
const ORGANIZATION_PROPERTIES_BETA = [...ORGANIZATION_PROPERTIES, 'onPremisesLastPasswordSyncDateTime'];

const DOMAIN_PROPERTIES = [
  'id',
  'authenticationType',
  'isAdminManaged',
  'isDefault',
  'isInitial',
  'isRoot',
  'isVerified',
  'supportedServices',
];

/**
 * `GET /organization` (v1.0 without onPremisesLastPasswordSyncDateTime: selecting it answers 400
 * like any property the v1.0 metadata lacks), `GET /domains[/{name}]`,
 * `GET /directory/onPremisesSynchronization`; each refused (403) to an app without the
 * permission Graph's tables list for it.
 */
export function registerDirectoryRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;
  router.add('GET', /^\/organization$/, (req) => {
    requirePermission(state, req, READ_PERMISSIONS.organization);
    const org = { ...state.organization, verifiedDomains: verifiedDomains(ctx) };
    const properties = req.version === 'beta' ? ORGANIZATION_PROPERTIES_BETA : ORGANIZATION_PROPERTIES;
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#organization`,
      value: [
        selectProperties(org, req.query.get('$select'), {
          type: 'organization',
          known: properties,
          defaults: properties,
        }),
      ],
    });
  });

  const domainView = (d: (typeof state.domains)[number]) => ({
    ...d,
    isAdminManaged: true,
    isRoot: true,
    supportedServices: d.isInitial ? ['Email', 'OfficeCommunicationsOnline'] : ['Email'],
  });
  const domainSelect = { type: 'domain', known: DOMAIN_PROPERTIES, defaults: DOMAIN_PROPERTIES };
  router.add('GET', /^\/domains$/, (req) => {
    requirePermission(state, req, READ_PERMISSIONS.domains);
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#domains`,
      value: state.domains.map((d) =>
        selectProperties(domainView(d), req.query.get('$select'), domainSelect),
      ),
    });
  });
  router.add('GET', /^\/domains\/([^/]+)$/, (req, m) => {
    requirePermission(state, req, READ_PERMISSIONS.domains);
    const name = decodeURIComponent(m[1]).toLowerCase();
    const domain = state.domains.find((d) => d.id.toLowerCase() === name);
    if (!domain) throw resourceNotFound(decodeURIComponent(m[1]));
    return ok(selectProperties(domainView(domain), req.query.get('$select'), domainSelect));
  });

  router.add('GET', /^\/directory\/onPremisesSynchronization$/, (req) => {
    // The API page documents no application permission; the permissions reference lists one.
    // Which of the two Graph follows is a tenant-side fact (TenantSeed: readableByApps).
    if (!state.onPremisesSyncReadableByApps) {
      throw new GraphSimError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    requirePermission(state, req, READ_PERMISSIONS.onPremisesSynchronization);
    return ok({
      '@odata.context': `${ctx.baseUrl()}/${req.version}/$metadata#directory/onPremisesSynchronization`,
      value: [
        {
          id: state.tenantId,
          configuration: {
            accidentalDeletionPrevention: {
              synchronizationPreventionType: 'enabledForCount',
              alertThreshold: 500,
            },
            synchronizationInterval: 'PT30M',
            customerRequestedSynchronizationInterval: null,
          },
          features: {
            ...state.syncFeatures,
            bypassDirSyncOverridesEnabled: false,
            cloudPasswordPolicyForPasswordSyncedUsersEnabled: false,
            concurrentCredentialUpdateEnabled: false,
            concurrentOrgIdProvisioningEnabled: true,
            deviceWritebackEnabled: false,
            directoryExtensionsEnabled: false,
            fopeConflictResolutionEnabled: false,
            groupWriteBackEnabled: false,
            passwordWritebackEnabled: false,
            quarantineUponProxyAddressesConflictEnabled: true,
            quarantineUponUpnConflictEnabled: true,
            synchronizeUpnForManagedUsersEnabled: true,
            unifiedGroupWritebackEnabled: false,
            userForcePasswordChangeOnLogonEnabled: false,
            userWritebackEnabled: false,
          },
        },
      ],
    });
  });
}

/** The organization's verifiedDomains, kept in step with the domains list. */
function verifiedDomains(ctx: RouteContext) {
  return ctx.state.domains
    .filter((d) => d.isVerified)
    .map((d) => ({
      capabilities: d.isInitial ? 'Email, OfficeCommunicationsOnline' : 'Email',
      isDefault: d.isDefault,
      isInitial: d.isInitial,
      name: d.id,
      type: d.authenticationType,
    }));
}
