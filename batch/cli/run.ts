import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_SIGNALS_PER_LINE, type InboundIdType } from "../inbound/parse";
import { type PgpKey, type PgpKeySource, readPgpKey } from "../inbound/parse/pgp";
import type { CliHost } from "./host";
import { renderJson, renderText } from "./render";
import { isCommandName, OVERVIEW } from "./usage";
import { type ExitCode, validateFile } from "./validate";

export type { CliHost } from "./host";

/** Where `--pgp-key`'s passphrase comes from: never the command line, where `ps` and shell history see it. */
export const PGP_PASSPHRASE_VARIABLE = "EDGESYNC_PGP_PASSPHRASE";

export const USAGE = `Usage: edgesync validate <file> [--id-type partner|uuid] [--json]
                         [--max-signals-per-line N] [--max-file-bytes N] [--pgp-key <file>]

Checks an inbound file (ftp_dpm_… or adobe_id_…, plain, .gz, or PGP-encrypted .pgp/.gpg) the way the
edge parses it and prints the receipt's format counts with sample lines. Nothing is uploaded or stored.

  --id-type   whose IDs the file's first column holds: "partner" (your own IDs, the default)
              or "uuid" (edgesync's 38-digit UUIDs), as configured for your DPID
  --json      print the result as JSON
  --max-signals-per-line, --max-file-bytes
              the edge's caps, if its operator changed them from ${DEFAULT_MAX_SIGNALS_PER_LINE} and
              ${DEFAULT_MAX_FILE_BYTES} (bytes after gunzip)
  --pgp-key   an ASCII-armored private key to decrypt a .pgp/.gpg file with; its passphrase, if it has
              one, from the ${PGP_PASSPHRASE_VARIABLE} environment variable. Without it an encrypted
              file is not read: the CLI says which key it is encrypted to and exits 2. Vendors (who
              have the operator's public key only) validate the file before encrypting it.

Exit code: 0 valid, 1 some lines would be skipped or not read, 2 bad name or file that cannot be read
(an encrypted file without --pgp-key included).
`;

export async function runCli(args: readonly string[], host: CliHost): Promise<number> {
	const [command, ...rest] = args;
	if (command === "--help" || command === "-h" || command === "help") {
		host.out(OVERVIEW);
		return 0;
	}
	if (isCommandName(command)) {
		if (!host.tools) return usageError(host, `${command} needs the CLI's Node host`);
		// Imported when used: `validate` (the common case, and its tests) loads none of the other commands.
		const { runCommand } = await import("./commands");
		return runCommand(command, [...rest], host, host.tools);
	}
	if (command !== "validate") {
		host.err(`edgesync: ${command ? `unknown command ${command}` : "no command"}\n\n${OVERVIEW}`);
		return 2;
	}
	if (rest.includes("--help") || rest.includes("-h")) {
		host.out(USAGE);
		return 0;
	}

	let json = false;
	let idType: InboundIdType = "partner";
	const caps: { maxSignalsPerLine?: number; maxFileBytes?: number } = {};
	const files: string[] = [];
	let keyFile: string | undefined;
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
		} else if (arg === "--pgp-key" || arg.startsWith("--pgp-key=")) {
			keyFile = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : rest[++i];
			if (!keyFile) return usageError(host, "--pgp-key names a private key file");
		} else if (arg.startsWith("-") && arg !== "-") return usageError(host, `unknown option ${arg}`);
		else files.push(arg);
	}
	const [file] = files;
	if (file === undefined || files.length > 1) return usageError(host, "give exactly one file");

	let pgpKey: PgpKeySource | undefined;
	if (keyFile !== undefined) {
		let armored: string;
		try {
			armored = await new Response(await host.open(keyFile)).text();
		} catch (err) {
			return usageError(host, `cannot read --pgp-key ${keyFile}: ${err instanceof Error ? err.message : String(err)}`);
		}
		const passphrase = host.env?.(PGP_PASSPHRASE_VARIABLE) || null;
		let key: Promise<PgpKey> | null = null;
		pgpKey = () => {
			key ??= readPgpKey(armored, passphrase, { key: `--pgp-key ${keyFile}`, passphrase: PGP_PASSPHRASE_VARIABLE });
			return key;
		};
	}
	const validation = await validateFile(file, host.open, { idType, ...caps, pgpKey });
	host.out(json ? renderJson(validation) : renderText(validation));
	return validation.exitCode;
}

const CAP_OPTIONS = ["--max-signals-per-line", "--max-file-bytes"];

function usageError(host: CliHost, problem: string): ExitCode {
	host.err(`edgesync: ${problem}\n\n${USAGE}`);
	return 2;
}
