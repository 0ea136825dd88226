#!/usr/bin/env node
// `npx edgesync validate <file>`: the vendor CLI, run by Node as TypeScript. The edge's modules import
// each other without file extensions, so the resolve hook that adds them goes in first (named with its
// extension, since nothing resolves it yet); then everything else is imported.
const { registerLocalImports } = await import("./local-imports.ts");
registerLocalImports();

const { main } = await import("./node-main");
await main();

// A module (not a script), for top-level await.
export {};
