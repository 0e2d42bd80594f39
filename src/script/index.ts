/**
 * Helpers for Deno-style ecskit scripts: shared flags and step-by-step output.
 *
 * @module
 */
export { parseScriptFlags, UsageError, type ScriptFlags, type ScriptOption, type ScriptUsage } from './flags.js';
export {
  confirmTarget,
  describeTarget,
  ignoredEnvNote,
  targetLine,
  TargetNotConfirmedError,
  type ConfirmTargetOptions,
  type DescribedTarget,
  type PromptInput,
  type TargetDescription,
} from './confirm-target.js';
export {
  createReporter,
  StepError,
  type NoteEvent,
  type OutputStream,
  type Reporter,
  type ReporterOptions,
  type ScriptEvent,
  type StepEvent,
  type SummaryEvent,
} from './reporter.js';
