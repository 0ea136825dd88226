// The import rules of ARCHITECTURE.md, checked by `npm run check:layers` (part of `npm run check`).
// Three layers that only point down: core/ (shared by everything in the Worker) ← batch/ (pipelines)
// ← worker/ (the entry, HTTP routes, queue and cron handlers). Inside worker/, the app that mounts the
// routes sits above them and the shared HTTP pieces (worker/http/) below them.
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: "core-imports-only-core",
			comment:
				"core/ is the bottom layer (configuration, input errors, encoding and crypto, the partner directory, the ID-graph store, UUIDs): it may not import batch/, worker/ or tag/.",
			severity: "error",
			from: { path: "^core/" },
			to: { path: "^(batch|worker|tag|test|bench|scripts)/" },
		},
		{
			name: "batch-imports-only-core",
			comment:
				"batch/ (inbound, outbound, segments, receipts, the CLI) may import core/ and itself, never worker/: HTTP routes, queue and cron handlers sit above it.",
			severity: "error",
			from: { path: "^batch/" },
			to: { path: "^(worker|tag|test|bench|scripts)/" },
		},
		{
			name: "tag-stands-alone",
			comment:
				"The browser tag is its own program: it imports nothing of the edge, and the edge only its build output.",
			severity: "error",
			from: { path: "^tag/" },
			to: { path: "^(core|batch|worker)/" },
		},
		{
			name: "edge-uses-built-tag-only",
			comment: "The Worker serves dist/tag.js; it never imports the tag's sources.",
			severity: "error",
			from: { path: "^(core|batch|worker)/" },
			to: { path: "^tag/" },
		},
		{
			name: "http-pieces-below-routes",
			comment:
				"worker/http/ (errors, types, limits, the pixel, rate limits) sits below every route: it imports core/ and itself only.",
			severity: "error",
			from: { path: "^worker/http/" },
			to: { path: "^(worker/(?!http/)|batch/)" },
		},
		{
			name: "routes-are-mounted-not-imported",
			comment:
				"A route module (routes.ts / routes.tsx) is imported only by the module that mounts it: worker/app.ts, worker/admin/index.ts or worker/dashboard/routes.tsx.",
			severity: "error",
			from: { path: "^(core|batch|worker)/", pathNot: "^worker/(app\\.ts|admin/index\\.ts|dashboard/routes\\.tsx)$" },
			to: { path: "^worker/.+/routes\\.tsx?$" },
		},
		{
			name: "app-is-the-top",
			comment: "Only the entry (worker/index.ts) imports the app that wires the routes.",
			severity: "error",
			from: { path: "^(core|batch|worker)/", pathNot: "^worker/index\\.ts$" },
			to: { path: "^worker/app\\.ts$" },
		},
		{
			name: "no-module-cycles",
			comment: "Modules that import each other in a loop.",
			severity: "error",
			from: { path: "^(core|batch|worker)/" },
			to: { circular: true },
		},
		{
			name: "no-folder-cycles",
			comment: "Folders that import each other (e.g. pairs/ ↔ stats/): one of them belongs lower.",
			severity: "error",
			scope: "folder",
			from: { path: "^(core|batch|worker)/" },
			to: { circular: true },
		},
	],
	options: {
		doNotFollow: { path: "node_modules" },
		// The generated Env declares the Workflow bindings' payloads with a type-only import of the entry.
		exclude: { path: "(^|/)env\\.generated\\.d\\.ts$|^dist/" },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: "tsconfig.json" },
		enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".d.ts"] },
		reporterOptions: { text: { highlightFocused: true } },
	},
};
