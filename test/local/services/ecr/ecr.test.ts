import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { AwsError } from '../../../../src/local/core/types.js';
import { applyAccountPreset } from '../../../../src/local/presets.js';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';

type Repo = { repositoryName: string; repositoryUri: string; repositoryArn: string };

describe('ECR', () => {
  const ecr = (state: CloudState, op: string, input: unknown = {}, region = 'us-east-1') => state.invoke('ecr', op, input, { region }) as Promise<any>;
  const code = (call: Promise<unknown>) =>
    call.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => (e instanceof AwsError ? e.code : String(e)),
    );

  /** A cloud state with the `lab` preset applied, as `ecskit local --preset lab` starts. */
  const labState = async () => {
    const state = new CloudState();
    await applyAccountPreset(state, 'lab', 'us-east-1');
    return state;
  };

  test('a fresh account has no repositories, as on AWS; the lab preset adds its two, with AWS-shaped URIs and ARNs', async () => {
    const fresh = new CloudState();
    assert.deepEqual((await ecr(fresh, 'DescribeRepositories')).repositories, []);
    const state = await labState();
    const { repositories } = await ecr(state, 'DescribeRepositories');
    assert.deepEqual(repositories.map((r: Repo) => r.repositoryName), ['flask-inventory/invsys', 'flask-inventory/gateway']);
    assert.equal(repositories[0].repositoryUri, '123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys');
    assert.equal(repositories[0].repositoryArn, 'arn:aws:ecr:us-east-1:123456789012:repository/flask-inventory/invsys');
    // Repositories are regional: the preset fills the cloud's region only.
    assert.equal(await code(ecr(state, 'DescribeRepositories', { repositoryNames: ['flask-inventory/gateway'] }, 'eu-west-1')), 'RepositoryNotFoundException');
    await ecr(state, 'CreateRepository', { repositoryName: 'flask-inventory/gateway' }, 'eu-west-1');
    const west = await ecr(state, 'DescribeRepositories', { repositoryNames: ['flask-inventory/gateway'] }, 'eu-west-1');
    assert.equal(west.repositories[0].repositoryUri, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/flask-inventory/gateway');
    // Applying the preset again changes nothing (it only creates what is missing).
    await applyAccountPreset(state, 'lab', 'us-east-1');
    assert.equal((await ecr(state, 'DescribeRepositories')).repositories.length, 2);
  });

  test('creating a taken name is RepositoryAlreadyExistsException and describing a missing one is RepositoryNotFoundException', async () => {
    const state = new CloudState();
    await ecr(state, 'CreateRepository', { repositoryName: 'flask-inventory/invsys' });
    assert.equal(await code(ecr(state, 'CreateRepository', { repositoryName: 'flask-inventory/invsys' })), 'RepositoryAlreadyExistsException');
    assert.equal(await code(ecr(state, 'DescribeRepositories', { repositoryNames: ['nope'] })), 'RepositoryNotFoundException');
    assert.equal(await code(ecr(state, 'CreateRepository', { repositoryName: 'Upper/Case' })), 'InvalidParameterException');
  });

  test('a deleted repository stays deleted, and tags round-trip', async () => {
    const state = await labState();
    const created = await ecr(state, 'CreateRepository', { repositoryName: 'scratch', tags: [{ Key: 'ecskit:stack', Value: 'lab' }] });
    assert.deepEqual((await ecr(state, 'ListTagsForResource', { resourceArn: created.repository.repositoryArn })).tags, [{ Key: 'ecskit:stack', Value: 'lab' }]);
    await ecr(state, 'DeleteRepository', { repositoryName: 'flask-inventory/gateway', force: true });
    const { repositories } = await ecr(state, 'DescribeRepositories');
    assert.deepEqual(repositories.map((r: Repo) => r.repositoryName), ['flask-inventory/invsys', 'scratch']);
    assert.equal(await code(ecr(state, 'DeleteRepository', { repositoryName: 'flask-inventory/gateway' })), 'RepositoryNotFoundException');
  });

  test('DescribeRepositories pages with nextToken', async () => {
    const state = await labState();
    const first = await ecr(state, 'DescribeRepositories', { maxResults: 1 });
    assert.equal(first.repositories.length, 1);
    const second = await ecr(state, 'DescribeRepositories', { maxResults: 1, nextToken: first.nextToken });
    assert.equal(second.repositories[0].repositoryName, 'flask-inventory/gateway');
    assert.equal(second.nextToken, undefined);
  });

  describe('through the AWS CLI', { skip: awsCliSkip() }, () => {
    let t: TestCloud;
    before(async () => {
      t = await startTestCloud({ preset: 'lab' });
    });
    after(() => t.stop());

    test("the lab's describe-repositories queries print the names and the repository URI", async () => {
      const names = await awsCli(t.cloud.endpoint, ['ecr', 'describe-repositories', '--query', 'repositories[*].repositoryName']);
      assert.equal(names.code, 0, names.stderr);
      assert.deepEqual([...names.json].sort(), ['flask-inventory/gateway', 'flask-inventory/invsys']);
      const uri = await awsCli(t.cloud.endpoint, ['ecr', 'describe-repositories', '--repository-names', 'flask-inventory/invsys', '--query', 'repositories[0].repositoryUri']);
      assert.equal(uri.json, '123456789012.dkr.ecr.us-east-1.amazonaws.com/flask-inventory/invsys');
      const missing = await awsCli(t.cloud.endpoint, ['ecr', 'describe-repositories', '--repository-names', 'nope']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /RepositoryNotFoundException/);
    });
  });
});
