// dist/tag.js is bundled into the Worker as text (wrangler.toml [[rules]] type = "Text"), so the
// edge serves exactly the bytes `npm run build:tag` wrote.
declare module "*/dist/tag.js" {
	const source: string;
	export default source;
}

// The same file as Vite's `?raw` import, for tests comparing the served bytes with the build.
declare module "*/dist/tag.js?raw" {
	const source: string;
	export default source;
}
