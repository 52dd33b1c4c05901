#!/usr/bin/env node
// The pool agent as an installed command; the code is what `npm run build` writes.
import '../out/main/rbees-pool.js';
