import type { CliHost, LocalFile, ParseArgs, ToolHost } from "./host";
import { runCli } from "./run";

// The few Node APIs the CLI uses, typed here: this directory is type-checked with the Workers types
// (tsconfig.json includes batch/), which declare `process` as `any` and no `node:` modules.
interface NodeBlob extends Blob {}
interface NodeFs {
	/** A file-backed Blob: its stream() and slices read the file in chunks, never whole. */
	openAsBlob(path: string): Promise<NodeBlob>;
	promises: {
		stat(path: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean }>;
		readFile(path: string, encoding: "utf8"): Promise<string>;
		writeFile(path: string, text: string): Promise<void>;
		rename(from: string, to: string): Promise<void>;
		rm(path: string, options: { force: true }): Promise<void>;
		mkdir(path: string, options: { recursive: true }): Promise<unknown>;
		readdir(path: string): Promise<string[]>;
	};
}
interface NodeHash {
	update(data: Uint8Array): NodeHash;
	digest(encoding: "hex"): string;
}
interface NodeProcess {
	argv: string[];
	env: Record<string, string | undefined>;
	exitCode: number | undefined;
	pid: number;
	stdout: { write(text: string): boolean; isTTY?: boolean };
	stderr: { write(text: string): boolean };
	getBuiltinModule(id: "node:fs"): NodeFs;
	getBuiltinModule(id: "node:crypto"): { createHash(algorithm: "md5"): NodeHash };
	getBuiltinModule(id: "node:util"): { parseArgs: ParseArgs };
	getBuiltinModule(id: "node:path"): { dirname(path: string): string };
}

export async function main(): Promise<void> {
	const node: NodeProcess = process;
	const fs = node.getBuiltinModule("node:fs");
	const host: CliHost = {
		open: async (path) => (await fs.openAsBlob(path)).stream(),
		out: (text) => void node.stdout.write(text),
		err: (text) => void node.stderr.write(text),
		env: (name) => node.env[name],
		tools: nodeTools(node, fs),
	};
	// exitCode, not exit(): a piped stdout is flushed before the process ends.
	node.exitCode = await runCli(node.argv.slice(2), host);
}

function nodeTools(node: NodeProcess, fs: NodeFs): ToolHost {
	const crypto = node.getBuiltinModule("node:crypto");
	const path = node.getBuiltinModule("node:path");
	return {
		async openFile(file): Promise<LocalFile> {
			const stat = await fs.promises.stat(file);
			if (!stat.isFile()) throw new Error(`${file} is not a file`);
			const blob = await fs.openAsBlob(file);
			return { size: stat.size, modifiedMs: Math.trunc(stat.mtimeMs), slice: (start, end) => blob.slice(start, end) };
		},
		readText: (file) =>
			fs.promises.readFile(file, "utf8").catch((err: { code?: string }) => {
				if (err.code === "ENOENT") return null;
				throw err;
			}),
		async writeText(file, text) {
			await fs.promises.mkdir(path.dirname(file), { recursive: true });
			const temporary = `${file}.${node.pid}.tmp`;
			await fs.promises.writeFile(temporary, text);
			await fs.promises.rename(temporary, file);
		},
		remove: (file) => fs.promises.rm(file, { force: true }),
		list: (dir) => fs.promises.readdir(dir),
		async md5(stream) {
			const hash = crypto.createHash("md5");
			for await (const chunk of stream) hash.update(chunk);
			return hash.digest("hex");
		},
		interactive: node.stdout.isTTY === true,
		now: () => Date.now(),
		sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
		parseArgs: node.getBuiltinModule("node:util").parseArgs,
	};
}
