/**
 * Just enough of RFC 4514 to compare AD distinguished names: split into RDNs honouring escapes,
 * and normalise case and spacing the way AD compares them (case-insensitively).
 */

/**
 * The RDNs of a DN, each normalised to `type=value` in lower case with escapes resolved.
 * @throws TypeError when the DN ends inside an escape sequence.
 */
export function parseDn(dn: string): string[] {
  const rdns: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i];
    if (ch === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        current += `\\${hex.toLowerCase()}`;
        i += 2;
      } else if (i + 1 < dn.length) {
        current += `\\${dn
          .charCodeAt(i + 1)
          .toString(16)
          .padStart(2, '0')}`;
        i += 1;
      } else {
        throw new TypeError(`"${dn}" ends with an unfinished escape.`);
      }
    } else if (ch === ',' || ch === ';') {
      rdns.push(normalizeRdn(current));
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) rdns.push(normalizeRdn(current));
  return rdns;
}

function normalizeRdn(rdn: string): string {
  const eq = rdn.indexOf('=');
  const type = (eq < 0 ? rdn : rdn.slice(0, eq)).trim().toLowerCase();
  const value = eq < 0 ? '' : rdn.slice(eq + 1).trim();
  return `${type}=${value.toLowerCase()}`;
}

/** True when `dn` is `container` itself or anywhere below it. */
export function isWithin(dn: string, container: string): boolean {
  const child = parseDn(dn);
  const parent = parseDn(container);
  if (parent.length === 0 || parent.length > child.length) return parent.length === 0;
  const offset = child.length - parent.length;
  return parent.every((rdn, i) => child[offset + i] === rdn);
}
