import assert from 'node:assert/strict';
import { AccessPolicy } from '../../../../src/services/access/access-policy';

const TENANT = '6b3f3c1e-8d4a-4c55-9a0e-2f1d7c9b8a01';
const ADMIN = '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e01';
const policy = new AccessPolicy({ allowedTenantId: TENANT, adminObjectIds: [ADMIN] });

describe('AccessPolicy', () => {
  it('allows an admin of the allowed tenant, whatever the case of the ids', () => {
    assert.deepEqual(policy.check({ tenantId: TENANT.toUpperCase(), aadObjectId: ADMIN.toUpperCase() }), {
      allowed: true,
    });
  });

  it('refuses a user who is not an admin', () => {
    assert.deepEqual(
      policy.check({ tenantId: TENANT, aadObjectId: '4f9a2c6e-1b7d-4e3a-8c5f-0a1b2c3d4e09' }),
      {
        allowed: false,
        reason: 'not-admin',
      },
    );
  });

  it('refuses an admin id coming from another tenant', () => {
    assert.deepEqual(policy.check({ tenantId: '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4', aadObjectId: ADMIN }), {
      allowed: false,
      reason: 'wrong-tenant',
    });
  });

  it('refuses activities without a tenant or without a user id', () => {
    assert.equal(policy.check({ aadObjectId: ADMIN }).allowed, false);
    assert.equal(policy.check({ tenantId: TENANT }).allowed, false);
  });
});
