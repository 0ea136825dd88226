import { z } from "zod";
import { templateProblem } from "../outbound/template/check";
import { AAM_DEFAULT_TEMPLATE } from "../outbound/template/defaults";
import type { FileFacts } from "../outbound/template/macros";
import { defaultSamples, type Preview, previewTemplate } from "../outbound/template/preview";
import { SamplesSchema, sampleMember } from "../outbound/template/sample-schema";
import { CliFailure, EXIT } from "./edge-client";

export interface TemplateOptions {
	/** The line template; AAM's default when not given. */
	template: string | undefined;
	header: string | null;
	/** JSON text of the sample members (SampleSchema); two made-up members when not given. */
	samples: string | null;
	mode: FileFacts["mode"];
	dpid: number;
	destinationId: number;
	timestamp: number;
}

/**
 * An output template rendered offline with the edge's own template modules (batch/outbound/template/),
 * exactly as the admin API's preview renders it: the same checks, the same default samples.
 */
export function previewOffline(options: TemplateOptions): Preview {
	const line = options.template ?? AAM_DEFAULT_TEMPLATE;
	const lineProblem = templateProblem(line, "line");
	if (lineProblem) throw new CliFailure(`template: ${lineProblem}`, EXIT.refused);
	const headerProblem = options.header ? templateProblem(options.header, "header") : null;
	if (headerProblem) throw new CliFailure(`header: ${headerProblem}`, EXIT.refused);
	const file: FileFacts = {
		dpid: options.dpid,
		destinationId: options.destinationId,
		pidAlias: null,
		mode: options.mode,
		syncType: "R2",
		timestamp: options.timestamp,
	};
	const samples =
		options.samples === null
			? defaultSamples([], file.timestamp)
			: parseSamples(options.samples).map((s) => sampleMember(s, file.timestamp));
	return previewTemplate({ line, header: options.header, mode: options.mode }, file, samples);
}

function parseSamples(text: string) {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new CliFailure("--samples: not JSON", EXIT.refused);
	}
	const parsed = SamplesSchema.safeParse(json);
	if (!parsed.success) throw new CliFailure(`--samples: ${z.prettifyError(parsed.error)}`, EXIT.refused);
	return parsed.data;
}

/** The file's first lines as they would be written (warnings go to stderr). */
export function renderPreview(p: Preview): string {
	return `${[...p.header, ...p.lines].join("\n")}\n`;
}
