#!/usr/bin/env node
/**
 * The `ecskit` command line (see `ecskit --help`).
 *
 * @internal
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
