#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';
import { processContext } from '../dist/src/cli/context.js';

process.exitCode = await main(process.argv.slice(2), processContext());
