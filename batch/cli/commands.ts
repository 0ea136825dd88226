import { UPLOAD_PARTS } from "../../core/inbound-limits";
import type { InboundIdType } from "../inbound/parse";
import { CliFailure, EXIT, edgeClient } from "./edge-client";
import type { CliHost, ToolHost } from "./host";
import { listReceipts, waitForReceipt } from "./receipt";
import { previewOffline, renderPreview } from "./template";
import { uploadFile } from "./upload";
import { type CommandName, RECEIPT_USAGE, RECEIPTS_USAGE, TEMPLATE_USAGE, UPLOAD_USAGE, VERIFY_USAGE } from "./usage";
import { verifyDir } from "./verify";

type Values = Record<string, string | boolean | undefined>;
type Spec = Record<string, { type: "string" | "boolean"; short?: string }>;
type Command = (host: CliHost, tools: ToolHost, values: Values, positionals: string[]) => Promise<number>;

const EDGE: Spec = { edge: { type: "string" } };
const HELP: Spec = { help: { type: "boolean", short: "h" } };

/** The commands beyond validate: their options (util.parseArgs, strict), help and handler. */
export const COMMANDS: Record<CommandName, { usage: string; options: Spec; run: Command }> = {
	upload: {
		usage: UPLOAD_USAGE,
		options: {
			...EDGE,
			"part-size": { type: "string" },
			"state-dir": { type: "string" },
			force: { type: "boolean" },
			"id-type": { type: "string" },
		},
		async run(host, tools, values, files) {
			if (files.length === 0) throw usage("give one or more files");
			const partBytes = count(values["part-size"], "--part-size", 16) * 1024 * 1024;
			if (partBytes < UPLOAD_PARTS.minPartBytes || partBytes > UPLOAD_PARTS.maxPartBytes) {
				throw usage(`--part-size is ${UPLOAD_PARTS.minPartBytes >> 20} to ${UPLOAD_PARTS.maxPartBytes >> 20} (MiB)`);
			}
			const edge = edgeClient(host, text(values.edge));
			const idType = text(values["id-type"]) ?? "partner";
			if (idType !== "partner" && idType !== "uuid") throw usage("--id-type is partner or uuid");
			const options = {
				edge,
				partBytes,
				stateDir: text(values["state-dir"]) ?? ".edgesync-uploads",
				force: values.force === true,
				idType: idType as InboundIdType,
			};
			let worst: number = EXIT.ok;
			for (const file of files) {
				try {
					await uploadFile(host, tools, file, options);
				} catch (err) {
					if (!(err instanceof CliFailure)) throw err;
					host.err(`edgesync: ${err.message}\n`);
					worst = Math.max(worst, err.exitCode);
				}
			}
			return worst;
		},
	},
	receipt: {
		usage: RECEIPT_USAGE,
		options: { ...EDGE, timeout: { type: "string" }, interval: { type: "string" }, json: { type: "boolean" } },
		run(host, tools, values, [delivery, ...extra]) {
			if (delivery === undefined || extra.length > 0) throw usage("give one delivery id or file name");
			return waitForReceipt(host, tools, edgeClient(host, text(values.edge)), delivery, {
				timeoutMs: seconds(values.timeout, "--timeout", 1800),
				intervalMs: Math.max(seconds(values.interval, "--interval", 15), 100),
				json: values.json === true,
			});
		},
	},
	receipts: {
		usage: RECEIPTS_USAGE,
		options: {
			...EDGE,
			watch: { type: "boolean" },
			timeout: { type: "string" },
			interval: { type: "string" },
			limit: { type: "string" },
		},
		run(host, tools, values, extra) {
			if (extra.length > 0) throw usage("receipts takes no arguments");
			return listReceipts(host, tools, edgeClient(host, text(values.edge)), {
				watch: values.watch === true,
				timeoutMs: seconds(values.timeout, "--timeout", 0),
				intervalMs: Math.max(seconds(values.interval, "--interval", 15), 100),
				limit: Math.min(count(values.limit, "--limit", 20), 500),
			});
		},
	},
	verify: {
		usage: VERIFY_USAGE,
		options: {},
		run(host, tools, _values, [dir, ...extra]) {
			if (dir === undefined || extra.length > 0) throw usage("give one directory");
			return verifyDir(host, tools, dir);
		},
	},
	template: {
		usage: TEMPLATE_USAGE,
		options: {
			template: { type: "string" },
			"template-file": { type: "string" },
			header: { type: "string" },
			samples: { type: "string" },
			mode: { type: "string" },
			dpid: { type: "string" },
			json: { type: "boolean" },
		},
		async run(host, tools, values, [sub, ...extra]) {
			if (sub !== "preview" || extra.length > 0) throw usage("the template command is `template preview`");
			if (values.template !== undefined && values["template-file"] !== undefined)
				throw usage("give --template or --template-file, not both");
			const mode = text(values.mode) ?? "full";
			if (mode !== "full" && mode !== "iter") throw usage("--mode is full or iter");
			const fileText = async (option: string) => {
				const path = text(values[option]);
				if (path === undefined) return undefined;
				const content = await tools.readText(path);
				if (content === null) throw usage(`--${option}: no such file ${path}`);
				return content;
			};
			const preview = previewOffline({
				template: text(values.template) ?? (await fileText("template-file"))?.replace(/\r?\n$/, ""),
				header: text(values.header) ?? null,
				samples: (await fileText("samples")) ?? null,
				mode,
				dpid: count(values.dpid, "--dpid", 1000),
				destinationId: 0,
				timestamp: tools.now(),
			});
			host.out(values.json === true ? `${JSON.stringify(preview, null, 2)}\n` : renderPreview(preview));
			for (const warning of preview.warnings) host.err(`warning: ${warning}\n`);
			return EXIT.ok;
		},
	},
};

/** Runs a command of COMMANDS: parses its options, answers --help, turns failures into messages and codes. */
export async function runCommand(name: CommandName, args: string[], host: CliHost, tools: ToolHost): Promise<number> {
	const command = COMMANDS[name];
	try {
		const { values, positionals } = parse(tools, args, { ...command.options, ...HELP });
		if (values.help === true) {
			host.out(command.usage);
			return EXIT.ok;
		}
		return await command.run(host, tools, values, positionals);
	} catch (err) {
		// Anything else is a file or the system failing under the command (a directory where a file was
		// listed, a disk that is full): said in one line, with the code of "cannot be used", not a stack.
		if (!(err instanceof CliFailure)) {
			host.err(`edgesync ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
			return EXIT.refused;
		}
		const help = err.usage ? `\n\n${command.usage}` : "\n";
		host.err(`edgesync ${name}: ${err.message}${help}`);
		return err.exitCode;
	}
}

function parse(tools: ToolHost, args: string[], options: Spec) {
	try {
		return tools.parseArgs({ args, options, allowPositionals: true, strict: true });
	} catch (err) {
		throw usage(err instanceof Error ? err.message : String(err));
	}
}

function usage(message: string): CliFailure {
	const failure = new CliFailure(message, EXIT.refused);
	failure.usage = true;
	return failure;
}

const text = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);

/** A whole number option (at least `min`), or its default. */
function count(v: string | boolean | undefined, option: string, fallback: number): number {
	const min = 1;
	if (v === undefined) return fallback;
	const n = Number(v);
	if (typeof v !== "string" || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min)
		throw usage(`${option} is a whole number of at least ${min}`);
	return n;
}

/** Seconds given as a number (fractions allowed), in ms. */
function seconds(v: string | boolean | undefined, option: string, fallback: number): number {
	if (v === undefined) return fallback * 1000;
	const n = Number(v);
	if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || n < 0)
		throw usage(`${option} is a number of seconds`);
	return n * 1000;
}
