import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { awsCli, awsCliSkip } from '../../aws-cli.js';
import { startTestCloud, type TestCloud } from '../../helpers.js';

describe('STS', () => {
  test('GetCallerIdentity names the account and the lab user', async () => {
    const state = new CloudState({ accountId: '210987654321' });
    const who = (await state.invoke('sts', 'GetCallerIdentity', {})) as Record<string, string>;
    assert.equal(who['Account'], '210987654321');
    assert.equal(who['Arn'], 'arn:aws:iam::210987654321:user/ecs-user');
    assert.match(who['UserId'] ?? '', /^AIDA[A-Z2-7]{17}$/);
    assert.equal(((await state.invoke('sts', 'GetCallerIdentity', {})) as Record<string, string>)['UserId'], who['UserId'], 'the user id is stable');
  });

  describe('through the AWS CLI', { skip: awsCliSkip() }, () => {
    let t: TestCloud;
    before(async () => {
      t = await startTestCloud();
    });
    after(() => t.stop());

    test("the lab's `aws sts get-caller-identity` prints the account and ARN the lab shows", async () => {
      const result = await awsCli(t.cloud.endpoint, ['sts', 'get-caller-identity']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.Account, '123456789012');
      assert.equal(result.json.Arn, 'arn:aws:iam::123456789012:user/ecs-user');
      const account = await awsCli(t.cloud.endpoint, ['sts', 'get-caller-identity', '--query', 'Account']);
      assert.equal(account.json, '123456789012');
    });
  });
});
