/**
 * DescribeAvailabilityZones (the region's zones) and
 * DescribeAccountAttributes (a new account's EC2 attributes).
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { filterValue, matchesFilters, strings } from './input.js';
import { availabilityZones, findDefaultVpc } from './state.js';

/**
 * DescribeAvailabilityZones: the zones of the request's region (`us-east-1a`
 * … with ids `use1-az1` …), by `ZoneName` or `ZoneId` list, filters
 * `zone-name`, `zone-id`, `state`, `region-name`, `group-name`, `zone-type`,
 * `opt-in-status`, `message`.
 */
export const describeAvailabilityZones: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const zones = availabilityZones(ctx.region);
  const names = strings(input['ZoneName'] ?? input['ZoneNames']);
  const ids = strings(input['ZoneId'] ?? input['ZoneIds']);
  for (const name of names) {
    if (!zones.some((z) => z.zoneName === name)) throw new AwsError('InvalidParameterValue', `The zone '${name}' does not exist. Zones of ${ctx.region}: ${zones.map((z) => z.zoneName).join(', ')}.`);
  }
  for (const id of ids) {
    if (!zones.some((z) => z.zoneId === id)) throw new AwsError('InvalidParameterValue', `The zone ID '${id}' does not exist. Zone ids of ${ctx.region}: ${zones.map((z) => z.zoneId).join(', ')}.`);
  }
  // Every zone here is a standard availability zone (no Local or Wavelength Zones), so AllAvailabilityZones changes nothing.
  return {
    availabilityZoneInfo: zones
      .filter((zone) => (names.length === 0 && ids.length === 0) || names.includes(zone.zoneName) || ids.includes(zone.zoneId))
      .filter((zone) =>
        matchesFilters(
          input,
          (name) =>
            filterValue(
              {
                'zone-name': [zone.zoneName],
                'zone-id': [zone.zoneId],
                state: ['available'],
                'region-name': [ctx.region],
                'group-name': [ctx.region],
                'group-long-name': [ctx.region],
                'network-border-group': [ctx.region],
                'zone-type': ['availability-zone'],
                'opt-in-status': ['opt-in-not-required'],
                message: [],
              },
              name,
            ),
        ),
      )
      .map((zone) => ({
        zoneState: 'available',
        optInStatus: 'opt-in-not-required',
        messageSet: [],
        regionName: ctx.region,
        zoneName: zone.zoneName,
        zoneId: zone.zoneId,
        groupName: ctx.region,
        networkBorderGroup: ctx.region,
        zoneType: 'availability-zone',
      })),
  };
};

/** DescribeAccountAttributes: a new account's values; `default-vpc` is `none` once the default VPC was deleted. */
export const describeAccountAttributes: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const values: Record<string, string[]> = {
    'supported-platforms': ['VPC'],
    'default-vpc': [findDefaultVpc(ctx)?.vpcId ?? 'none'],
    'max-instances': ['20'],
    'vpc-max-security-groups-per-interface': ['5'],
    'max-elastic-ips': ['5'],
    'vpc-max-elastic-ips': ['5'],
  };
  const wanted = strings(input['AttributeName'] ?? input['AttributeNames']);
  for (const name of wanted) {
    if (!Object.hasOwn(values, name)) throw new AwsError('InvalidParameterValue', `Value (${name}) for parameter attributeName is invalid. Use one of: ${Object.keys(values).join(', ')}.`);
  }
  const names = wanted.length > 0 ? wanted : Object.keys(values);
  return {
    accountAttributeSet: names.map((name) => ({ attributeName: name, attributeValueSet: values[name]!.map((attributeValue) => ({ attributeValue })) })),
  };
};
