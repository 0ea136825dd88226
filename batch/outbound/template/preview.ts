import { byCodePoint } from "../../../core/graph/key-order";
import { compileTemplate } from "./compile";
import type { FileFacts, LineFacts } from "./macros";

/** A member to render in a preview: segment and trait ids with one time for all (Unix ms). */
export interface SampleMember {
	dpuuid: string;
	uuid: string;
	dpuuids: string[];
	segments: number[];
	removed: number[];
	traits: number[];
	at: number;
}

export interface Preview {
	header: string[];
	lines: string[];
	warnings: string[];
}

/**
 * What a destination's files would hold for `samples`: the header's lines and one line per member the
 * template writes (a member written as nothing gets none, as in a run). Templates are checked first
 * (template/check.ts); `warnings` name what the chosen mode needs and the template leaves out.
 */
export function previewTemplate(
	t: { line: string; header: string | null; mode: FileFacts["mode"] },
	file: FileFacts,
	samples: readonly SampleMember[],
): Preview {
	const line = compileTemplate(t.line, "line");
	const header = t.header ? compileTemplate(t.header, "header").render(file, null) : "";
	const written = samples.map((s) => line.writeLine(file, factsOf(s)));
	const lines = written.flatMap((w) => (w.text === null || w.text === "" ? [] : [w.text]));
	const warnings: string[] = [];
	const unwritable = written.reduce((n, w) => n + w.unwritableIds, 0);
	if (unwritable > 0)
		warnings.push(
			`${unwritable} of the samples' partner IDs cannot be written in this layout (they hold a character the template writes around them, a " or a \\): a run leaves them out and counts them`,
		);
	if (!line.names.has("SEGMENT_LIST")) warnings.push("the template names no segments (SEGMENT_LIST)");
	if (t.mode === "iter" && !line.names.has("REMOVED_SEGMENT_LIST"))
		warnings.push(
			"an iter file written with this template cannot tell the partner which segments a member left (REMOVED_SEGMENT_LIST)",
		);
	return { header: header === "" ? [] : header.split("\n"), lines, warnings };
}

function factsOf(s: SampleMember): LineFacts {
	const ascending = (ids: number[]) => [...ids].sort((a, b) => a - b);
	return {
		dpuuid: s.dpuuid,
		uuid: s.uuid,
		dpuuids: [...s.dpuuids].sort(byCodePoint),
		segments: ascending(s.segments).map((id) => ({ id, enteredAt: s.at, changedAt: s.at })),
		removed: ascending(s.removed).map((id) => ({ id, enteredAt: s.at, changedAt: s.at })),
		traits: ascending(s.traits).map((id) => ({ id, realizedAt: s.at })),
	};
}

/** Members that show every list: one in two segments and out of a third, one only out of a segment. */
export function defaultSamples(segments: readonly number[], at: number): SampleMember[] {
	const [a = 1, b = a, c = b] = segments;
	const uuid = "0795526165288603295014370250589427";
	return [
		{ dpuuid: "partner-user-1", uuid, dpuuids: ["partner-user-1"], segments: [a, b], removed: [c], traits: [], at },
		{
			dpuuid: "partner-user-2",
			uuid: `${uuid}99`,
			dpuuids: ["partner-user-2"],
			segments: [],
			removed: [a],
			traits: [],
			at,
		},
	].map((s) => ({
		...s,
		segments: [...new Set(s.segments)],
		removed: s.removed.filter((id) => !s.segments.includes(id)),
	}));
}
