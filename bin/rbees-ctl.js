#!/usr/bin/env node
// The operator CLI (also `llorch`) as an installed command; the code is what `npm run build` writes.
import '../out/main/rbees-ctl.js';
