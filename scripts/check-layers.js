#!/usr/bin/env node
// Keeps the layers apart (DESIGN.md): the emulator imports nothing from VS Code, DAP, the
// adapter or the extension; the adapter never imports VS Code; the extension reaches the
// adapter only through DAP (no imports of adapter/ or emulator/ code).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const rules = [
  { dir: 'emulator', banned: [/^vscode$/, /^@vscode\//, /^vscode-/, /(^|\/)adapter\//, /(^|\/)extension\//] },
  { dir: 'adapter', banned: [/^vscode$/, /^vscode-languageclient/, /(^|\/)extension\//] },
  { dir: 'extension', banned: [/(^|\/)emulator\//, /(^|\/)adapter\//] },
];
const importRe = /(?:import\s[^'"]*?from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
let bad = 0;
function walk(dir, rule) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, rule);
    else if (/\.ts$/.test(e.name)) {
      const text = fs.readFileSync(p, 'utf8');
      for (const m of text.matchAll(importRe)) {
        if (rule.banned.some((re) => re.test(m[1]))) {
          console.error(`${path.relative(root, p)}: imports '${m[1]}', which ${rule.dir}/ must not use`);
          bad++;
        }
      }
    }
  }
}
for (const r of rules) walk(path.join(root, r.dir), r);
if (bad) process.exit(1);
console.log('layers: ok');
