/**
 * Helpers for Deno-style ecskit scripts: shared flags and step-by-step output.
 *
 * @module
 */
export { helpText, parseScriptFlags, UsageError, type ScriptFlags, type ScriptUsage } from './flags.js';
export { createReporter, StepError, type Reporter, type ReporterOptions, type ScriptEvent } from './reporter.js';
