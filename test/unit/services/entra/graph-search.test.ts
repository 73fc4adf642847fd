import assert from 'node:assert/strict';
import { userSearchExpression } from '../../../../src/services/entra/graph-search';
import {
  USER_SEARCH_PROPERTIES,
  matchesSearch,
  parseSearch,
} from '../../../../src/sim/graph/odata/odata-search';

/** What the simulator (modelled on Graph v1.0) makes of the expression, for one user. */
function finds(text: string, user: Record<string, unknown>): boolean {
  const expression = userSearchExpression(text);
  assert.ok(expression, `no expression for ${text}`);
  return matchesSearch(parseSearch(expression, USER_SEARCH_PROPERTIES, { refuseAmpersand: true }), user);
}

describe('userSearchExpression (Graph $search text from what an admin typed)', () => {
  it('searches displayName by tokens and mail and userPrincipalName from the start', () => {
    assert.equal(
      userSearchExpression('apes'),
      '"displayName:apes" OR "mail:apes" OR "userPrincipalName:apes"',
    );
  });

  it('turns & into a word break for displayName and leaves the address clauses out, so v1.0 takes it', () => {
    assert.equal(userSearchExpression('AT&T'), '"displayName:AT T"');
    assert.ok(finds('AT&T', { displayName: 'AT&T Support', mail: 'support@att.example' }));
    assert.ok(!finds('AT&T', { displayName: 'Atlas Support', mail: 'atlas@contoso.com' }));
    // The unsanitised text is what v1.0 refuses.
    assert.throws(
      () => parseSearch('"displayName:AT&T"', USER_SEARCH_PROPERTIES, { refuseAmpersand: true }),
      /'&' is not valid/,
    );
  });

  it('escapes " and \\ with a backslash, as Graph asks, and keeps every other character', () => {
    assert.equal(
      userSearchExpression('O"Brien\\x'),
      '"displayName:O\\"Brien\\\\x" OR "mail:O\\"Brien\\\\x" OR "userPrincipalName:O\\"Brien\\\\x"',
    );
    assert.ok(finds("O'Brien", { displayName: "Pat O'Brien", mail: null }));
    assert.ok(finds('a"b', { displayName: 'x', mail: 'a"b@contoso.com' }));
  });

  it('drops the address clauses for text with spaces, which no address starts with', () => {
    assert.equal(userSearchExpression('  Aaron   Pescasio '), '"displayName:Aaron Pescasio"');
  });

  it('removes control and invisible characters, and gives nothing for text without letters or digits', () => {
    assert.equal(userSearchExpression('ap\u0000es\u200b'), '"displayName:ap es"');
    for (const empty of ['', '   ', '&', '& &', '\u202e'])
      assert.equal(userSearchExpression(empty), null, empty);
  });
});
