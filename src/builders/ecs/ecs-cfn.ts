/**
 * Turns ECS SDK inputs (camelCase) into CloudFormation properties
 * (PascalCase), and finds intrinsics left in an SDK input.
 *
 * @internal
 */
import { isCfnIntrinsic } from '../shared/cfn-value.js';
import type { Problem } from '../validation-error.js';

/** SDK keys whose CloudFormation name is not the plain PascalCase form. */
const renamed: Record<string, string> = {
  efsVolumeConfiguration: 'EFSVolumeConfiguration',
  fileSystemId: 'FilesystemId',
  iam: 'IAM',
  placementStrategy: 'PlacementStrategies',
};

/** Maps whose keys are data, not property names (kept verbatim). */
const verbatimMaps = new Set(['options', 'dockerLabels', 'driverOpts', 'labels']);

/** Recursively renames SDK keys to CloudFormation property names; intrinsics pass through. */
function toCfnValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCfnValue);
  if (!value || typeof value !== 'object' || isCfnIntrinsic(value)) return value;
  return cfnProperties(value);
}

/** An SDK input's fields as CloudFormation properties (PascalCase names, `undefined` dropped). @internal */
export function cfnProperties(spec: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(spec)) {
    if (inner === undefined) continue;
    const name = renamed[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
    out[name] = verbatimMaps.has(key) ? inner : toCfnValue(inner);
  }
  return out;
}

/** One problem per intrinsic found in an SDK input (they only resolve inside a template). @internal */
export function intrinsicProblems(value: unknown, path = ''): Problem[] {
  if (isCfnIntrinsic(value)) {
    return [
      {
        path: path || '(root)',
        value,
        message:
          'a CloudFormation intrinsic only has a value inside a template; use .toCloudFormation(), or give a literal value for .build()',
      },
    ];
  }
  if (Array.isArray(value)) return value.flatMap((inner, i) => intrinsicProblems(inner, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    intrinsicProblems(inner, path ? `${path}.${key}` : key),
  );
}
