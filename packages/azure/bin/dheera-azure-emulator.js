#!/usr/bin/env node
// The `dheera-azure-emulator` command. A file outside dist/ so that package managers can link the
// command before the package is built (a workspace clone); the program is dist/testing/emulator-cli.js.
import "../dist/testing/emulator-cli.js";
