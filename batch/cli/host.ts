/**
 * What the vendor CLI needs from its runtime, so its commands stay plain functions over an interface:
 * Node provides it (node-main.ts); the validate tests in workerd provide an in-memory one.
 */
export interface CliHost {
	/** Opens a local file as a byte stream; rejects when it cannot be opened. */
	open(path: string): Promise<ReadableStream<Uint8Array>>;
	out(text: string): void;
	err(text: string): void;
	/** An environment variable (EDGESYNC_PGP_PASSPHRASE, EDGESYNC_URL, EDGESYNC_KEY), or undefined. */
	env?(name: string): string | undefined;
	/** What the commands beyond `validate` need: files, a clock, the terminal, an argument parser. */
	tools?: ToolHost;
}

/** A local file opened for reading in slices (a part of an upload is one slice). */
export interface LocalFile {
	size: number;
	/** Last modification, Unix ms: an upload resumes only over the same file, unchanged. */
	modifiedMs: number;
	slice(start: number, end: number): Blob;
}

export interface ToolHost {
	openFile(path: string): Promise<LocalFile>;
	/** A text file's content, or null when it does not exist. */
	readText(path: string): Promise<string | null>;
	/** Writes `text` whole (to a temporary file renamed over the target: never half a state file). */
	writeText(path: string, text: string): Promise<void>;
	remove(path: string): Promise<void>;
	/** The names of the files in a directory. */
	list(dir: string): Promise<string[]>;
	/** Hex MD5 of a stream (Node's crypto; the Web Crypto API has no MD5). */
	md5(stream: ReadableStream<Uint8Array>): Promise<string>;
	/** True when stdout is a terminal: progress is then one bar redrawn in place, plain lines otherwise. */
	interactive: boolean;
	now(): number;
	sleep(ms: number): Promise<void>;
	parseArgs: ParseArgs;
}

/** The part of Node's `util.parseArgs` the commands use (strict, with positionals). */
export type ParseArgs = (config: {
	args: string[];
	options: Record<string, { type: "string" | "boolean"; short?: string }>;
	allowPositionals: true;
	strict: true;
}) => { values: Record<string, string | boolean | undefined>; positionals: string[] };
