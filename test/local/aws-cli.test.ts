import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsCliSkip, cloudWatchOverQueryEnv } from './aws-cli.js';
import { fakeServices } from './fake-services.js';
import { startTestCloud, type TestCloud } from './helpers.js';

describe('the AWS CLI against the local cloud', () => {
  const skip = awsCliSkip();
  let t: TestCloud;
  before(async () => {
    t = await startTestCloud({ services: fakeServices });
  });
  after(() => t.stop());

  test('sts get-caller-identity (Query protocol) returns the local account', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['sts', 'get-caller-identity']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.Account, '123456789012');
  });

  test('ecs create-cluster and list-clusters (JSON 1.1) round-trip', { skip }, async () => {
    const created = await awsCli(t.cloud.endpoint, ['ecs', 'create-cluster', '--cluster-name', 'cli']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.cluster.clusterName, 'cli');
    const listed = await awsCli(t.cloud.endpoint, ['ecs', 'list-clusters']);
    assert.ok(listed.json.clusterArns.some((a: string) => a.endsWith('cluster/cli')));
  });

  test('cloudwatch describe-alarms reads the same handlers over the protocol this CLI picks (JSON 1.0 for AWS CLI 1.45) and over Query (older CLIs)', { skip }, async () => {
    for (const env of [{}, cloudWatchOverQueryEnv()]) {
      const r = await awsCli(t.cloud.endpoint, ['--debug', 'cloudwatch', 'describe-alarms', '--alarm-names', 'cpu-high'], { env });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      if ('AWS_DATA_PATH' in env) assert.match(r.stderr, /'Content-Type': 'application\/x-www-form-urlencoded/);
      assert.equal(r.json.MetricAlarms[0].AlarmName, 'cpu-high');
      assert.equal(r.json.MetricAlarms[0].Dimensions[0].Value, 'a&b<c>');
    }
  });

  test('ec2 describe-subnets parses <item> lists', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['ec2', 'describe-subnets', '--filters', 'Name=vpc-id,Values=vpc-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.Subnets[0].SubnetId, 'subnet-1');
  });

  test('errors come back with the AWS error code in the CLI message', { skip }, async () => {
    const r = await awsCli(t.cloud.endpoint, ['ecs', 'describe-clusters', '--clusters', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ClusterNotFoundException/);
    const q = await awsCli(t.cloud.endpoint, ['elbv2', 'delete-load-balancer', '--load-balancer-arn', 'arn:x']);
    assert.notEqual(q.code, 0);
    assert.match(q.stderr, /LoadBalancerNotFound/);
  });
});
