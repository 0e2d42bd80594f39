/**
 * Reads a CloudFormation YAML template back into its JSON (long) form, the
 * way CloudFormation reads the short-form tags. Test helper.
 */
import { parse, type Tags } from 'yaml';

/** CloudFormation's short forms, read back into their JSON (long) form. */
const CFN_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
  { tag: '!ImportValue', resolve: (value: string) => ({ 'Fn::ImportValue': value }) },
  { tag: '!Sub', collection: 'seq', resolve: (seq: { toJSON(): unknown }) => ({ 'Fn::Sub': seq.toJSON() }) },
  { tag: '!Join', collection: 'seq', resolve: (seq: { toJSON(): unknown }) => ({ 'Fn::Join': seq.toJSON() }) },
  { tag: '!Select', collection: 'seq', resolve: (seq: { toJSON(): unknown }) => ({ 'Fn::Select': seq.toJSON() }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (seq: { toJSON(): unknown }) => ({ 'Fn::GetAtt': seq.toJSON() }) },
] as unknown as Tags;

/** Parses `text` as a CloudFormation YAML template. */
export const readCfnYaml = (text: string): unknown => parse(text, { customTags: CFN_TAGS, version: '1.1' });
