import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from './sim-request';
import type { TenantState } from './tenant-state';
import type { TokenIssuer } from './token-issuer';
import { TOKEN_LIFETIME_S } from './token-issuer';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * The Entra (login.microsoftonline.com) side: the v2.0 token endpoint for client credentials,
 * the OpenID configuration and MSAL's instance discovery, all pointing at the simulator itself.
 * Returns undefined when the path is not one of these.
 */
export function handleLoginRequest(
  req: SimRequest,
  state: TenantState,
  issuer: TokenIssuer,
  baseUrl: string,
): SimResponse | undefined {
  let m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
  if (m && req.method === 'POST') return token(req, decodeURIComponent(m[1]), state, issuer);
  m = /^\/([^/]+)\/(?:v2\.0\/)?\.well-known\/openid-configuration$/.exec(req.path);
  if (m && req.method === 'GET')
    return { status: 200, body: openIdConfiguration(baseUrl, tenantFor(m[1], state)) };
  if (/^\/[^/]+\/discovery\/instance$/.test(req.path) && req.method === 'GET') {
    const authorize = req.query.get('authorization_endpoint') ?? '';
    const tenant = /\/\/[^/]+\/([^/]+)\//.exec(authorize)?.[1] ?? 'common';
    const host = new URL(baseUrl).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }
  m = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(req.path);
  if (m && req.method === 'GET') return { status: 200, body: { keys: [] } };
  return undefined;
}

/** The path's tenant as the documents name it: the tenant id for the tenant's own names. */
function tenantFor(pathTenant: string, state: TenantState): string {
  const known = [state.tenantId, ...state.domains.map((d) => d.id)].map((t) => t.toLowerCase());
  return known.includes(pathTenant.toLowerCase()) ? state.tenantId : pathTenant;
}

function openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
  const t = `${base}/${tenant}`;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${t}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'tid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  };
}

/** An AADSTS error in the token endpoint's own shape (not Graph's envelope). */
function aadError(status: number, error: string, code: number, text: string): SimResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function token(req: SimRequest, pathTenant: string, state: TenantState, issuer: TokenIssuer): SimResponse {
  const form = new URLSearchParams(req.rawBody);
  // A client_secret_basic client sends its id and secret in the Authorization header.
  const basic = /^Basic\s+(.+)$/i.exec(req.headers['authorization'] ?? '');
  const [basicId, basicSecret] = basic
    ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent)
    : [];
  const clientId = form.get('client_id') ?? basicId;
  const secret = form.get('client_secret') ?? basicSecret;
  const assertion = form.get('client_assertion');

  if (tenantFor(pathTenant, state) !== state.tenantId && pathTenant !== 'organizations') {
    return aadError(
      400,
      'invalid_request',
      90002,
      `Tenant '${pathTenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const grant = form.get('grant_type');
  if (!grant)
    return aadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (grant !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  if (!clientId)
    return aadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').every((s) => s.endsWith('/.default')) || scope === '') {
    return aadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (!secret && !assertion) {
    return aadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (assertion !== null) {
    const wellFormed = /^[\w-]+\.[\w-]+\.[\w-]*$/.test(assertion);
    if (form.get('client_assertion_type') !== JWT_BEARER || !wellFormed) {
      return aadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
    }
  }
  if (state.clients.length > 0) {
    const app = state.clients.find((c) => c.clientId === clientId);
    if (!app) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${state.organization.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (secret && app.clientSecret !== undefined && secret !== app.clientSecret) {
      return aadError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
  }
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_S,
      ext_expires_in: TOKEN_LIFETIME_S,
      access_token: issuer.issue({ clientId }),
    },
  };
}
