#!/usr/bin/env node
// ecskit command line (see `ecskit --help`).
export {};
