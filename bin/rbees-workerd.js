#!/usr/bin/env node
// The inference worker as an installed command; the code is the bundle that `npm run build` writes.
import '../out/main/workerd.js';
