#!/usr/bin/env node
// The `iseg` command: runs the built CLI (npm run iseg builds it first).
import '../dist/electron/cli.js';
