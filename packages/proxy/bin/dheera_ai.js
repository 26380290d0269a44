#!/usr/bin/env node
// The `dheera_ai` command. A file outside dist/ so that package managers can link the command
// before the package is built (a workspace clone); the program is dist/cli.js.
import "../dist/cli.js";
