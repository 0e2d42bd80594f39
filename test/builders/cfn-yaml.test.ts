/**
 * `cfnTemplateYaml`: a template's JSON form rendered as YAML with short-form
 * intrinsics reads back (with CloudFormation's tags) as the same template.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCfnYaml } from './cfn-yaml-reader.ts';
import { cfnGetAtt, cfnRef, cfnTemplateYaml, privateDnsNamespace } from 'ecskit';

describe('cfnTemplateYaml', () => {
  test('writes intrinsics in their short form, as the AWS docs and the lab do', () => {
    const yaml = cfnTemplateYaml({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: { Ns: privateDnsNamespace('local').vpc(cfnRef('VpcId')).toCloudFormation() },
      Outputs: {
        Arn: { Value: cfnGetAtt('Ns', 'Arn'), Export: { Name: { 'Fn::Sub': '${AWS::StackName}-Ns' } } },
        Label: { Value: { 'Fn::Join': ['/', [cfnGetAtt('Alb', 'LoadBalancerFullName'), 'x']] } },
      },
    });
    assert.equal(
      yaml,
      [
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Ns:',
        '    Type: AWS::ServiceDiscovery::PrivateDnsNamespace',
        '    Properties:',
        '      Name: local',
        '      Vpc: !Ref VpcId',
        'Outputs:',
        '  Arn:',
        '    Value: !GetAtt Ns.Arn',
        '    Export:',
        '      Name: !Sub ${AWS::StackName}-Ns',
        '  Label:',
        '    Value: !Join [ /, [ !GetAtt Alb.LoadBalancerFullName, x ] ]',
        '',
      ].join('\n'),
    );
  });

  test('quotes every string a YAML 1.1 reader would take for a date, boolean, number or null', () => {
    const values = ['2010-09-09', 'yes', 'no', 'on', 'off', 'true', 'null', '~', '0123', '1e3', '0x1F', '12:30', ''];
    const yaml = cfnTemplateYaml({ Values: values });
    assert.deepEqual(readCfnYaml(yaml), { Values: values });
  });

  test('round-trips: read back with CloudFormation\'s tags it equals the JSON template', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'VPC' } },
      Resources: {
        Td: {
          Type: 'AWS::ECS::TaskDefinition',
          DependsOn: ['Ns'],
          Properties: {
            ExecutionRoleArn: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/ecsTaskExecutionRole' },
            ContainerDefinitions: [{ Name: 'x: y # not a comment', Cpu: 256, Essential: true, Command: ['CMD-SHELL', "curl -f http://localhost:5000/ || exit 1"] }],
            Select: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
            Sub: { 'Fn::Sub': ['${A}-x', { A: cfnRef('VpcId') }] },
            Import: { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-Id' } },
          },
        },
      },
    };
    assert.deepEqual(readCfnYaml(cfnTemplateYaml(template)), template);
  });

  test('refuses a value that is not a template object, naming what it got', () => {
    assert.throws(() => cfnTemplateYaml([] as unknown as object), /a template must be an object, got: an array/);
  });
});
