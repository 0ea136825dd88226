import { z } from "zod";
import { CliFailure, EXIT } from "./edge-client";
import type { CliHost, ToolHost } from "./host";

/**
 * The `.info` transfer-control file's fields verify reads (batch/outbound/runs/info.ts writes them,
 * with AAM's keys). Parsed strictly enough to say what is wrong with a damaged one.
 */
const InfoSchema = z.object({
	Files: z.array(
		z.object({
			FileByteSize: z.number().int().min(0),
			FileLineCount: z.number().int().min(0),
			FileName: z.string().min(1),
			FileSequenceNumber: z.number().int().min(1),
			md5: z.string().regex(/^[0-9a-f]{32}$/),
		}),
	),
	Totals: z.object({
		FileName: z.string(),
		TotalByteSize: z.number(),
		TotalNumberFiles: z.number(),
		TotalNumberLines: z.number(),
	}),
});
type Info = z.infer<typeof InfoSchema>;

/**
 * Checks every run in `dir` against its `.info`: each data file present, its bytes, MD5 and lines (after
 * gunzip) as listed, sequence numbers 1…n with none missing, the totals adding up, and no file of the
 * run's name left out of the `.info`. Offline: reads local files only. Exit 0 when all match, 1 otherwise.
 */
export async function verifyDir(host: CliHost, tools: ToolHost, dir: string): Promise<number> {
	const names = await tools.list(dir).catch((err: unknown) => {
		throw new CliFailure(`cannot read ${dir}: ${err instanceof Error ? err.message : String(err)}`, EXIT.refused);
	});
	const infos = names.filter((n) => n.endsWith(".info")).sort();
	if (infos.length === 0) throw new CliFailure(`no .info file in ${dir}`, EXIT.refused);
	let problems = 0;
	for (const infoName of infos) {
		const found = await verifyRun(tools, dir, infoName, names);
		problems += found.length;
		if (found.length === 0) host.out(`OK ${infoName}\n`);
		for (const problem of found) host.out(`MISMATCH ${infoName}: ${problem}\n`);
	}
	return problems === 0 ? EXIT.ok : EXIT.dataProblem;
}

async function verifyRun(tools: ToolHost, dir: string, infoName: string, names: string[]) {
	const text = (await tools.readText(`${dir}/${infoName}`)) ?? "";
	let info: Info;
	try {
		const parsed = InfoSchema.safeParse(JSON.parse(text));
		if (!parsed.success) return [`not a transfer-control file: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`];
		info = parsed.data;
	} catch {
		return ["not JSON"];
	}
	const problems = [...sequenceProblems(info), ...totalsProblems(info)];
	const stem = infoName.slice(0, -".info".length);
	const listed = new Set(info.Files.map((f) => f.FileName));
	for (const name of names) {
		if (name.startsWith(stem) && name !== infoName && !listed.has(name)) problems.push(`${name} is not in the .info`);
	}
	for (const f of info.Files) {
		if (!names.includes(f.FileName)) {
			problems.push(`${f.FileName} is missing`);
			continue;
		}
		problems.push(...(await fileProblems(tools, `${dir}/${f.FileName}`, f)));
	}
	return problems;
}

function sequenceProblems(info: Info): string[] {
	const seen = info.Files.map((f) => f.FileSequenceNumber).sort((a, b) => a - b);
	const expected = Array.from({ length: info.Totals.TotalNumberFiles }, (_, i) => i + 1);
	if (seen.join() === expected.join()) return [];
	return [`sequence numbers ${seen.join(", ") || "none"}, expected 1 to ${info.Totals.TotalNumberFiles}`];
}

function totalsProblems(info: Info): string[] {
	const bytes = info.Files.reduce((n, f) => n + f.FileByteSize, 0);
	const lines = info.Files.reduce((n, f) => n + f.FileLineCount, 0);
	const out: string[] = [];
	if (bytes !== info.Totals.TotalByteSize)
		out.push(`TotalByteSize ${info.Totals.TotalByteSize}, files add up to ${bytes}`);
	if (lines !== info.Totals.TotalNumberLines)
		out.push(`TotalNumberLines ${info.Totals.TotalNumberLines}, files add up to ${lines}`);
	return out;
}

/** `FileLineCount` counts every line of the file, a template's header lines included (runs/write-files.ts). */
async function fileProblems(tools: ToolHost, path: string, f: Info["Files"][number]) {
	const file = await tools.openFile(path);
	const problems: string[] = [];
	if (file.size !== f.FileByteSize)
		problems.push(`${f.FileName}: ${file.size} bytes, the .info says ${f.FileByteSize}`);
	const [forHash, forLines] = file.slice(0, file.size).stream().tee();
	const content = f.FileName.endsWith(".gz") ? forLines.pipeThrough(new DecompressionStream("gzip")) : forLines;
	const [md5, lines] = await Promise.all([tools.md5(forHash), countLines(content).catch(() => null)]);
	if (md5 !== f.md5) problems.push(`${f.FileName}: MD5 ${md5}, the .info says ${f.md5}`);
	if (lines === null) problems.push(`${f.FileName}: not a readable gzip file`);
	else if (lines !== f.FileLineCount) problems.push(`${f.FileName}: ${lines} lines, the .info says ${f.FileLineCount}`);
	return problems;
}

async function countLines(stream: ReadableStream<Uint8Array>): Promise<number> {
	let lines = 0;
	for await (const chunk of stream) for (const byte of chunk) if (byte === 0x0a) lines++;
	return lines;
}
