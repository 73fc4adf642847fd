import { AndFilter, EqualityFilter, OrFilter, SubstringFilter } from 'ldapts';
import type { Filter } from 'ldapts';
import type { LookupAttribute } from './ad-directory';
import { guidBytesOf } from './lookup-value';

/*
 * Every filter is built from ldapts filter objects. They travel BER-encoded, value as raw octets,
 * so `*`, `(`, `\` or `)(objectClass=*` in what an admin typed are matched literally; no filter
 * string is ever assembled from input.
 */

/** Restricts a condition to user accounts (not contacts, computers or groups). */
export function usersOnly(condition: Filter): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
      new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      condition,
    ],
  });
}

/** Every organizational unit (a fixed filter: nothing from input). */
export function organizationalUnitsFilter(): Filter {
  return new EqualityFilter({ attribute: 'objectClass', value: 'organizationalUnit' });
}

/**
 * Free text: AD's ambiguous name resolution (names, sAMAccountName, proxyAddresses…) plus a prefix
 * match on UPN and mail, which ANR leaves out.
 */
export function freeTextFilter(text: string): Filter {
  return usersOnly(
    new OrFilter({
      filters: [
        new EqualityFilter({ attribute: 'anr', value: text }),
        new SubstringFilter({ attribute: 'userPrincipalName', initial: text }),
        new SubstringFilter({ attribute: 'mail', initial: text }),
      ],
    }),
  );
}

/**
 * An exact match on one attribute.
 * @throws DirectoryError (`invalid-input`) for a malformed GUID or ImmutableId.
 */
export function lookupFilter(by: LookupAttribute, value: string): Filter {
  switch (by) {
    case 'objectGuid':
      return usersOnly(new EqualityFilter({ attribute: 'objectGUID', value: guidBytesOf(by, value) }));
    case 'sourceAnchor': {
      const bytes = guidBytesOf(by, value);
      return usersOnly(
        new OrFilter({
          filters: [
            new EqualityFilter({ attribute: 'objectGUID', value: bytes }),
            new EqualityFilter({ attribute: 'mS-DS-ConsistencyGuid', value: bytes }),
          ],
        }),
      );
    }
    default:
      return usersOnly(new EqualityFilter({ attribute: by, value }));
  }
}
