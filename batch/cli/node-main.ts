import { type CliHost, runCli } from "./run";

// The few Node APIs the CLI uses, typed here: this directory is type-checked with the Workers types
// (tsconfig.json includes batch/), which declare `process` as `any` and no `node:` modules.
interface NodeFs {
	/** A file-backed Blob: its stream() reads the file in chunks, never whole. */
	openAsBlob(path: string): Promise<{ stream(): ReadableStream<Uint8Array> }>;
}
interface NodeProcess {
	argv: string[];
	env: Record<string, string | undefined>;
	exitCode: number | undefined;
	stdout: { write(text: string): boolean };
	stderr: { write(text: string): boolean };
	getBuiltinModule(id: "node:fs"): NodeFs;
}

export async function main(): Promise<void> {
	const node: NodeProcess = process;
	const fs = node.getBuiltinModule("node:fs");
	const host: CliHost = {
		open: async (path) => (await fs.openAsBlob(path)).stream(),
		out: (text) => void node.stdout.write(text),
		err: (text) => void node.stderr.write(text),
		env: (name) => node.env[name],
	};
	// exitCode, not exit(): a piped stdout is flushed before the process ends.
	node.exitCode = await runCli(node.argv.slice(2), host);
}
