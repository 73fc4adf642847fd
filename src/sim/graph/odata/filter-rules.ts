import { GraphSimError, unknownProperty, unsupportedFilter } from '../graph-errors';
import { FilterSyntaxError, parseFilter } from './odata-filter';
import type { CompareOp, FilterNode } from './odata-filter';

/** A filter operation as the Graph docs list them per property. */
export type FilterOp = CompareOp | 'in' | 'startswith' | 'endswith' | 'not';

/** Which operations a property supports, by default and only with advanced query. */
export interface PropertyFilterRule {
  ops: FilterOp[];
  advancedOps?: FilterOp[];
  /** A collection filtered with `any(x: x eq …)` / `any(x: startswith(x, …))`. */
  collection?: boolean;
}

/** The filter rules of one resource type. */
export interface FilterRules {
  /** Name in messages: 'User'. */
  resource: string;
  /** OData type name: 'user'. */
  type: string;
  /** Every property of the type (filterable or not), for the unknown-property error. */
  knownProperties: readonly string[];
  filterable: Record<string, PropertyFilterRule>;
}

/**
 * Parses `$filter` and checks it against the resource's rules, answering as Graph does:
 * unknown property → 400 BadRequest; unsupported or advanced-only operation without advanced
 * query → 400 Request_UnsupportedQuery. Returns the tree with canonical property names.
 */
export function compileFilter(text: string, rules: FilterRules, advanced: boolean): FilterNode {
  let tree: FilterNode;
  try {
    tree = parseFilter(text);
  } catch (err) {
    if (!(err instanceof FilterSyntaxError)) throw err;
    // Wording modelled on Graph's OData layer; the exact text is plausible, not confirmed.
    throw new GraphSimError(
      400,
      'BadRequest',
      `Invalid filter clause: ${err.message} at position ${err.position} in '${text}'.`,
    );
  }
  return resolve(tree, rules, advanced, undefined);
}

function canonical(name: string, rules: FilterRules): string {
  const found = rules.knownProperties.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!found) throw unknownProperty(name, rules.type);
  return found;
}

function check(property: string, op: FilterOp, rules: FilterRules, advanced: boolean): void {
  const rule = rules.filterable[property];
  const allowed = rule?.ops.includes(op) || (advanced && rule?.advancedOps?.includes(op));
  if (!allowed) throw unsupportedFilter(property, rules.resource);
}

function resolve(
  node: FilterNode,
  rules: FilterRules,
  advanced: boolean,
  lambda: { variable: string; property: string } | undefined,
): FilterNode {
  const prop = (name: string, op: FilterOp): string => {
    if (lambda && name === lambda.variable) {
      check(lambda.property, op, rules, advanced);
      return name;
    }
    if (lambda) throw unsupportedFilter(lambda.property, rules.resource);
    const property = canonical(name, rules);
    if (rules.filterable[property]?.collection) throw unsupportedFilter(property, rules.resource);
    check(property, op, rules, advanced);
    return property;
  };
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        ...node,
        left: resolve(node.left, rules, advanced, lambda),
        right: resolve(node.right, rules, advanced, lambda),
      };
    case 'not': {
      // `not` is an advanced query operator for directory objects.
      const operand = resolve(node.operand, rules, advanced, lambda);
      if (!advanced) throw unsupportedFilter(firstProperty(operand), rules.resource);
      return { kind: 'not', operand };
    }
    case 'compare':
      return { ...node, property: prop(node.property, node.op) };
    case 'in':
      return { ...node, property: prop(node.property, 'in') };
    case 'function':
      return { ...node, property: prop(node.property, node.name) };
    case 'any': {
      if (lambda) throw unsupportedFilter(lambda.property, rules.resource);
      const property = canonical(node.property, rules);
      if (!rules.filterable[property]?.collection) throw unsupportedFilter(property, rules.resource);
      return {
        ...node,
        property,
        predicate: resolve(node.predicate, rules, advanced, { variable: node.variable, property }),
      };
    }
  }
}

function firstProperty(node: FilterNode): string {
  if (node.kind === 'and' || node.kind === 'or') return firstProperty(node.left);
  if (node.kind === 'not') return firstProperty(node.operand);
  return (node as { property: string }).property;
}

/** Every property of a Graph user the simulator stores (v1.0 names plus beta's onPremisesObjectIdentifier). */
export const USER_PROPERTIES = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'accountEnabled',
  'userType',
  'createdDateTime',
  'deletedDateTime',
  'onPremisesImmutableId',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesUserPrincipalName',
  'onPremisesDistinguishedName',
  'jobTitle',
  'employeeId',
  'department',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  // Returned only on $select (the user resource page).
  'assignedLicenses',
  'assignedPlans',
  'provisionedPlans',
  'signInActivity',
] as const;

const text: PropertyFilterRule = {
  ops: ['eq', 'in', 'startswith'],
  advancedOps: ['ne', 'not', 'endswith', 'ge', 'le'],
};

/**
 * User filter support, after the user resource page and "Advanced query capabilities on
 * directory objects": onPremisesImmutableId and onPremisesSamAccountName need advanced query
 * (docs issue microsoft-graph-docs#14485 shows the error without it); onPremisesSyncEnabled eq
 * works by default; onPremisesUserPrincipalName is not filterable.
 */
export const USER_FILTER_RULES: FilterRules = {
  resource: 'User',
  type: 'user',
  knownProperties: USER_PROPERTIES,
  filterable: {
    id: { ops: ['eq', 'in'] },
    displayName: text,
    givenName: text,
    surname: text,
    userPrincipalName: text,
    mail: text,
    jobTitle: text,
    userType: { ops: ['eq', 'in'], advancedOps: ['ne', 'not'] },
    accountEnabled: { ops: ['eq'], advancedOps: ['ne', 'not'] },
    onPremisesSyncEnabled: { ops: ['eq'], advancedOps: ['ne', 'not'] },
    onPremisesImmutableId: { ops: [], advancedOps: ['eq', 'ne', 'not', 'in', 'ge', 'le'] },
    onPremisesSamAccountName: { ops: [], advancedOps: ['eq', 'ne', 'not', 'in', 'ge', 'le', 'startswith'] },
    createdDateTime: { ops: [], advancedOps: ['eq', 'ne', 'not', 'ge', 'le', 'gt', 'lt', 'in'] },
    deletedDateTime: { ops: [], advancedOps: ['eq', 'ne', 'not', 'ge', 'le', 'gt', 'lt', 'in'] },
    proxyAddresses: { ops: ['eq', 'startswith'], advancedOps: ['endswith'], collection: true },
  },
};

/** Role assignment and eligibility schedule filters: by principal or role definition. */
export const ROLE_FILTER_RULES: FilterRules = {
  resource: 'UnifiedRoleAssignment',
  type: 'unifiedRoleAssignment',
  knownProperties: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'],
  filterable: {
    principalId: { ops: ['eq', 'in'] },
    roleDefinitionId: { ops: ['eq', 'in'] },
    directoryScopeId: { ops: ['eq'] },
  },
};

/** Group properties the simulator knows, for `$select` and `$filter` on memberships. */
export const GROUP_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'isAssignableToRole',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
] as const;

/** Group filters used on a user's memberships (always advanced queries there). */
export const GROUP_FILTER_RULES: FilterRules = {
  resource: 'Group',
  type: 'group',
  knownProperties: GROUP_PROPERTIES,
  filterable: {
    id: { ops: ['eq', 'in'] },
    displayName: text,
    isAssignableToRole: { ops: ['eq'], advancedOps: ['ne', 'not'] },
    securityEnabled: { ops: ['eq'], advancedOps: ['ne', 'not'] },
    mailEnabled: { ops: ['eq'], advancedOps: ['ne', 'not'] },
  },
};
