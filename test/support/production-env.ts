/**
 * A complete, valid production environment for configuration tests (every value a placeholder,
 * no secret real). Tests spread it and change the one setting they are about.
 */
export const PRODUCTION = {
  ANCHOR_MODE: 'production',
  MicrosoftAppId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
  ANCHOR_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  ANCHOR_ADMIN_IDS: '22222222-3333-4444-8555-666666666666, 33333333-4444-4555-8666-777777777777',
  LDAP_URL: 'ldaps://dc1.corp.contoso.com',
  LDAP_BIND_DN: 'CN=svc-anchor,OU=Service Accounts,DC=corp,DC=contoso,DC=com',
  LDAP_BIND_PASSWORD: 'not-a-real-password',
  LDAP_BASE_DN: 'DC=corp,DC=contoso,DC=com',
  AZURE_CLIENT_ID: '44444444-5555-4666-8777-888888888888',
  AZURE_CLIENT_SECRET: 'not-a-real-graph-secret',
};
