import assert from 'node:assert/strict';
import { GraphSimError } from '../../../../src/sim/graph/graph-errors';
import { USER_FILTER_RULES, compileFilter } from '../../../../src/sim/graph/odata/filter-rules';
import { FilterSyntaxError, evaluateFilter, parseFilter } from '../../../../src/sim/graph/odata/odata-filter';
import {
  USER_SEARCH_PROPERTIES,
  matchesSearch,
  parseSearch,
  searchTokens,
} from '../../../../src/sim/graph/odata/odata-search';
import { decodeSkipToken, encodeSkipToken, pageSize } from '../../../../src/sim/graph/odata/paging';

describe('Graph simulator OData subset', () => {
  describe('$filter parser', () => {
    it('binds and tighter than or, and not tighter than and', () => {
      const tree = parseFilter("a eq 'x' or b eq 'y' and not c eq 'z'");
      assert.equal(tree.kind, 'or');
      if (tree.kind !== 'or') return;
      assert.deepEqual(tree.left, { kind: 'compare', op: 'eq', property: 'a', value: 'x' });
      assert.equal(tree.right.kind, 'and');
      if (tree.right.kind !== 'and') return;
      assert.equal(tree.right.right.kind, 'not');
    });

    it('honours parentheses', () => {
      const tree = parseFilter("(a eq 'x' or b eq 'y') and c eq true");
      assert.equal(tree.kind, 'and');
      if (tree.kind === 'and') assert.equal(tree.left.kind, 'or');
    });

    it("reads '' as one quote and keeps $ and spaces inside literals", () => {
      assert.deepEqual(parseFilter("displayName eq 'O''Brien $ and or'"), {
        kind: 'compare',
        op: 'eq',
        property: 'displayName',
        value: "O'Brien $ and or",
      });
    });

    it('parses booleans, null, numbers, in, startswith and any lambdas', () => {
      assert.deepEqual(parseFilter('onPremisesSyncEnabled eq true'), {
        kind: 'compare',
        op: 'eq',
        property: 'onPremisesSyncEnabled',
        value: true,
      });
      assert.deepEqual(parseFilter('mail eq null').kind, 'compare');
      assert.deepEqual(parseFilter("id in ('a', 'b')"), { kind: 'in', property: 'id', values: ['a', 'b'] });
      assert.deepEqual(parseFilter("startswith(displayName,'Aa')"), {
        kind: 'function',
        name: 'startswith',
        property: 'displayName',
        value: 'Aa',
      });
      const any = parseFilter("proxyAddresses/any(x:x eq 'smtp:a@b.c')");
      assert.equal(any.kind, 'any');
    });

    for (const bad of [
      "displayName eq 'open",
      'displayName eq',
      "displayName like 'x'",
      "eq 'x'",
      "a eq 'x' b",
      "foo(a,'b')",
      '(a eq 1',
    ]) {
      it(`refuses malformed filter: ${bad}`, () => {
        assert.throws(() => parseFilter(bad), FilterSyntaxError);
      });
    }

    it('evaluates case-insensitively like the directory', () => {
      const user = {
        displayName: 'Aaron Pescasio',
        mail: 'APES@contoso.com',
        onPremisesSyncEnabled: null,
        proxyAddresses: ['SMTP:apes@contoso.com'],
      };
      const check = (f: string) => evaluateFilter(parseFilter(f), user);
      assert.equal(check("mail eq 'apes@CONTOSO.com'"), true);
      assert.equal(check("startswith(displayName,'aar') and mail eq 'x'"), false);
      assert.equal(check("startswith(displayName,'aar') or mail eq 'x'"), true);
      assert.equal(check('onPremisesSyncEnabled eq true'), false);
      assert.equal(check('onPremisesSyncEnabled eq null'), true);
      assert.equal(check("not (mail eq 'x')"), true);
      assert.equal(check("proxyAddresses/any(p:startswith(p,'smtp:apes'))"), true);
      assert.equal(check("mail in ('a', 'apes@contoso.com')"), true);
    });
  });

  describe('filter rules', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof GraphSimError);
        return `${err.status} ${err.code} ${err.message}`;
      }
      return 'no error';
    };

    it('needs advanced query for onPremisesImmutableId, as Graph does', () => {
      assert.equal(
        code(() => compileFilter("onPremisesImmutableId eq 'x'", USER_FILTER_RULES, false)),
        "400 Request_UnsupportedQuery Unsupported or invalid query filter clause specified for property 'onPremisesImmutableId' of resource 'User'.",
      );
      assert.equal(
        code(() => compileFilter("onPremisesImmutableId eq 'x'", USER_FILTER_RULES, true)),
        'no error',
      );
    });

    it('allows onPremisesSyncEnabled eq true by default and canonicalises property case', () => {
      const tree = compileFilter('onpremisessyncenabled eq true', USER_FILTER_RULES, false);
      assert.equal(tree.kind === 'compare' && tree.property, 'onPremisesSyncEnabled');
    });

    it('answers an unknown property with BadRequest and an unfilterable one with Request_UnsupportedQuery', () => {
      assert.match(
        code(() => compileFilter("shoeSize eq '9'", USER_FILTER_RULES, true)),
        /^400 BadRequest Could not find a property named 'shoeSize' on type 'microsoft.graph.user'\.$/,
      );
      assert.match(
        code(() => compileFilter("onPremisesUserPrincipalName eq 'x'", USER_FILTER_RULES, true)),
        /^400 Request_UnsupportedQuery/,
      );
      assert.match(
        code(() => compileFilter("not (mail eq 'x')", USER_FILTER_RULES, false)),
        /^400 Request_UnsupportedQuery/,
      );
      assert.match(
        code(() => compileFilter("endswith(mail,'@contoso.com')", USER_FILTER_RULES, false)),
        /^400 Request_UnsupportedQuery/,
      );
      assert.match(
        code(() => compileFilter("mail eq 'x' or", USER_FILTER_RULES, false)),
        /^400 BadRequest Invalid filter clause/,
      );
    });
  });

  describe('$search', () => {
    it('parses OR of "property:term" clauses and matches word prefixes', () => {
      const q = parseSearch('"displayName:aar" OR "mail:zzz"', USER_SEARCH_PROPERTIES);
      assert.equal(q.length, 2);
      assert.equal(matchesSearch(q, { displayName: 'Aaron Pescasio', mail: 'apes@contoso.com' }), true);
      assert.equal(matchesSearch(q, { displayName: 'Anna Peters', mail: 'apeters@contoso.com' }), false);
      const and = parseSearch('"displayName:anna" AND "mail:apet"', USER_SEARCH_PROPERTIES);
      assert.equal(matchesSearch(and, { displayName: 'Anna Peters', mail: 'apeters@contoso.com' }), true);
    });

    it('refuses malformed search and unknown properties', () => {
      assert.throws(() => parseSearch('aaron', USER_SEARCH_PROPERTIES), GraphSimError);
      assert.throws(() => parseSearch('"displayName:a" OR', USER_SEARCH_PROPERTIES), GraphSimError);
      assert.throws(() => parseSearch('"shoeSize:9"', USER_SEARCH_PROPERTIES), GraphSimError);
      assert.throws(() => parseSearch('"displayName:"', USER_SEARCH_PROPERTIES), GraphSimError);
    });

    it('tokenises displayName at spaces, lower-to-upper case changes, digits and symbols, as Graph documents', () => {
      assert.deepEqual(searchTokens('HelloWorld'), ['hello', 'world']);
      assert.deepEqual(searchTokens('HELLOworld'), ['helloworld']);
      assert.deepEqual(searchTokens('HelloWORld'), ['hello', 'world']);
      assert.deepEqual(searchTokens('hello123world'), ['hello', '123', 'world']);
      assert.deepEqual(searchTokens('hello.world'), ['hello', '.', 'world', 'helloworld']);
      assert.deepEqual(searchTokens('Ronald McDonald'), ['ronald', 'mc', 'donald']);
      const q = (term: string) => parseSearch(`"displayName:${term}"`, USER_SEARCH_PROPERTIES);
      assert.equal(matchesSearch(q('donald'), { displayName: 'Ronald McDonald' }), true);
      assert.equal(matchesSearch(q('helloworld'), { displayName: 'hello-world' }), true);
      assert.equal(matchesSearch(q('onald'), { displayName: 'Ronald McDonald' }), false);
    });

    it('matches mail, userPrincipalName and the other properties from the start of the value only', () => {
      const user = {
        displayName: 'Aaron Pescasio',
        mail: 'apes@contoso.com',
        userPrincipalName: 'apes@contoso.com',
      };
      const q = (clause: string) => parseSearch(clause, USER_SEARCH_PROPERTIES);
      assert.equal(matchesSearch(q('"mail:apes@con"'), user), true);
      assert.equal(matchesSearch(q('"mail:contoso"'), user), false);
      assert.equal(matchesSearch(q('"userPrincipalName:contoso"'), user), false);
      assert.equal(matchesSearch(q('"displayName:pesc"'), user), true);
      assert.equal(
        matchesSearch(q('"proxyAddresses:SMTP:apes"'), { proxyAddresses: ['SMTP:apes@contoso.com'] }),
        true,
      );
    });

    it('reads backslash escapes inside a clause, and refuses & in a term on v1.0 only', () => {
      const q = parseSearch('"displayName:O\\"Brien" OR "mail:a\\\\b"', USER_SEARCH_PROPERTIES);
      assert.deepEqual(q, [
        [{ property: 'displayName', term: 'O"Brien' }],
        [{ property: 'mail', term: 'a\\b' }],
      ]);
      assert.throws(
        () => parseSearch('"displayName:AT&T"', USER_SEARCH_PROPERTIES, { refuseAmpersand: true }),
        (e: GraphSimError) => e.status === 400,
      );
      assert.deepEqual(parseSearch('"displayName:AT&T"', USER_SEARCH_PROPERTIES), [
        [{ property: 'displayName', term: 'AT&T' }],
      ]);
    });
  });

  describe('paging', () => {
    it('round-trips a skip token and refuses a forged one', () => {
      assert.deepEqual(decodeSkipToken(encodeSkipToken({ key: 'k', id: 'i' })), { key: 'k', id: 'i' });
      assert.throws(
        () => decodeSkipToken('garbage'),
        (e: GraphSimError) => e.code === 'Directory_ExpiredPageToken',
      );
    });

    it('takes $top within 1..999', () => {
      assert.equal(pageSize(null), 100);
      assert.equal(pageSize('999'), 999);
      assert.throws(() => pageSize('1000'), /Must be between 1 and 999 inclusive/);
      assert.throws(() => pageSize('0'));
    });
  });
});
