/**
 * CloudFormation templates as YAML, the format the AWS docs and the lab use:
 * intrinsics in their short form (`!Ref VpcId`, `!GetAtt X.Arn`, `!Sub '…'`).
 *
 * @module
 */
import { Document, isMap, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { isCfnIntrinsic } from './cfn-value.js';

const SHORT_TAGS: Readonly<Record<string, string>> = {
  Ref: '!Ref',
  'Fn::GetAtt': '!GetAtt',
  'Fn::Sub': '!Sub',
  'Fn::ImportValue': '!ImportValue',
  'Fn::Join': '!Join',
  'Fn::Select': '!Select',
};

/** One value as a YAML node, intrinsics replaced by their short-form tags. */
function toNode(doc: Document, value: unknown): Node {
  if (isCfnIntrinsic(value)) {
    const [name, argument] = Object.entries(value)[0] as [string, unknown];
    const tag = SHORT_TAGS[name] as string;
    // `!GetAtt X.Arn` is the short form CloudFormation documents for a literal pair.
    const getAtt = name === 'Fn::GetAtt' && Array.isArray(argument) && argument.every((a) => typeof a === 'string');
    const node = getAtt ? new Scalar((argument as string[]).join('.')) : toNode(doc, argument);
    // A node has one tag: `!ImportValue !Sub …` is not YAML, so an intrinsic
    // whose argument is itself an intrinsic keeps the long form, as the AWS docs advise.
    if (node.tag) {
      const map = new YAMLMap();
      map.items.push(new Pair(new Scalar(name), node));
      return map;
    }
    node.tag = tag;
    if (isSeq(node)) node.flow = true;
    return node;
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const item of value) seq.items.push(toNode(doc, item));
    return seq;
  }
  if (value !== null && typeof value === 'object') {
    const map = new YAMLMap();
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) map.items.push(new Pair(new Scalar(key), toNode(doc, item)));
    }
    return map;
  }
  return doc.createNode(value) as Node;
}

/**
 * Renders a CloudFormation template (its JSON form, as the builders'
 * `.toCloudFormation()` pieces make it) as YAML with short-form intrinsics.
 * CloudFormation reads the result exactly as it reads the JSON.
 *
 * @example
 * ```ts
 * cfnTemplateYaml({
 *   AWSTemplateFormatVersion: '2010-09-09',
 *   Resources: { Ns: privateDnsNamespace('local').vpc(cfnRef('VpcId')).toCloudFormation() },
 * });
 * // AWSTemplateFormatVersion: '2010-09-09'
 * // Resources:
 * //   Ns:
 * //     Type: AWS::ServiceDiscovery::PrivateDnsNamespace
 * //     Properties:
 * //       Name: local
 * //       Vpc: !Ref VpcId
 * ```
 */
export function cfnTemplateYaml(template: object): string {
  // The YAML 1.1 schema quotes every string a 1.1 parser would read as something
  // else ('2010-09-09' as a date, 'yes'/'on' as booleans); no directive is printed.
  const doc = new Document(undefined, { version: '1.1' });
  const root = toNode(doc, template);
  if (!isMap(root)) throw new TypeError(`cfnTemplateYaml: a template must be an object, got: ${Array.isArray(template) ? 'an array' : typeof template}`);
  doc.contents = root;
  // No line folding: long `!Sub` strings and ARNs stay on one line, as in the lab.
  return doc.toString({ lineWidth: 0, singleQuote: true });
}
