#!/usr/bin/env node
// The daemon as an installed command; the code is the bundle that `npm run build` writes.
import '../out/main/serve.js';
