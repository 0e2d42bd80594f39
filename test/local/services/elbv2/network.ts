/**
 * Test helper: the default VPC and subnets of a test cloud, read through the
 * EC2 Query API the way the lab does.
 *
 * @internal
 */
import type { TestCloud } from '../../helpers.js';

/** The default VPC id and its default subnet ids (one per availability zone). */
export async function defaultNetwork(t: TestCloud): Promise<{ vpcId: string; subnetIds: string[] }> {
  const vpcs = await t.query('ec2', 'DescribeVpcs', { 'Filter.1.Name': 'isDefault', 'Filter.1.Value.1': 'true' });
  const vpcId: string = vpcs.xml.DescribeVpcsResponse.vpcSet.item[0].vpcId;
  const subnets = await t.query('ec2', 'DescribeSubnets', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': vpcId });
  return { vpcId, subnetIds: subnets.xml.DescribeSubnetsResponse.subnetSet.item.map((s: { subnetId: string }) => s.subnetId) };
}
