import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_SIGNALS_PER_LINE, type InboundIdType } from "../inbound/parse";
import { renderJson, renderText } from "./render";
import { type ExitCode, validateFile } from "./validate";

/** What the CLI needs from its runtime; Node provides it in edgesync.ts, tests provide their own. */
export interface CliHost {
	/** Opens a local file as a byte stream; rejects when it cannot be opened. */
	open(path: string): Promise<ReadableStream<Uint8Array>>;
	out(text: string): void;
	err(text: string): void;
}

export const USAGE = `Usage: edgesync validate <file> [--id-type partner|uuid] [--json]
                         [--max-signals-per-line N] [--max-file-bytes N]

Checks an inbound file (ftp_dpm_… or adobe_id_…, plain or .gz) the way the edge parses it and prints
the receipt's format counts with sample lines. Nothing is uploaded or stored.

  --id-type   whose IDs the file's first column holds: "partner" (your own IDs, the default)
              or "uuid" (edgesync's 38-digit UUIDs), as configured for your DPID
  --json      print the result as JSON
  --max-signals-per-line, --max-file-bytes
              the edge's caps, if its operator changed them from ${DEFAULT_MAX_SIGNALS_PER_LINE} and
              ${DEFAULT_MAX_FILE_BYTES} (bytes after gunzip)

Exit code: 0 valid, 1 some lines would be skipped or not read, 2 bad name or file that cannot be read.
`;

export async function runCli(args: readonly string[], host: CliHost): Promise<ExitCode> {
	const [command, ...rest] = args;
	if (command === "--help" || command === "-h" || command === "help") {
		host.out(USAGE);
		return 0;
	}
	if (command !== "validate") return usageError(host, command ? `unknown command ${command}` : "no command");

	let json = false;
	let idType: InboundIdType = "partner";
	const caps: { maxSignalsPerLine?: number; maxFileBytes?: number } = {};
	const files: string[] = [];
	for (let i = 0; i < rest.length; i++) {
		const arg = rest[i] ?? "";
		if (arg === "--json") json = true;
		else if (arg === "--id-type" || arg.startsWith("--id-type=")) {
			const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : rest[++i];
			if (value !== "partner" && value !== "uuid") return usageError(host, "--id-type is partner or uuid");
			idType = value;
		} else if (CAP_OPTIONS.some((o) => arg === o || arg.startsWith(`${o}=`))) {
			const option = arg.split("=")[0] ?? "";
			const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : rest[++i];
			const n = Number(value);
			if (!/^[1-9]\d*$/.test(value ?? "") || !Number.isSafeInteger(n)) {
				return usageError(host, `${option} is a positive whole number`);
			}
			caps[option === "--max-file-bytes" ? "maxFileBytes" : "maxSignalsPerLine"] = n;
		} else if (arg.startsWith("-") && arg !== "-") return usageError(host, `unknown option ${arg}`);
		else files.push(arg);
	}
	const [file] = files;
	if (file === undefined || files.length > 1) return usageError(host, "give exactly one file");

	const validation = await validateFile(file, host.open, { idType, ...caps });
	host.out(json ? renderJson(validation) : renderText(validation));
	return validation.exitCode;
}

const CAP_OPTIONS = ["--max-signals-per-line", "--max-file-bytes"];

function usageError(host: CliHost, problem: string): ExitCode {
	host.err(`edgesync: ${problem}\n\n${USAGE}`);
	return 2;
}
