// Property: iter files are exactly the changes. A partner that starts from nothing and applies every
// iter file (each line replaces that ID's segments; an ID with none left is dropped) holds, after each
// run, what a full file of the same moment lists — whatever the history of trait changes and opt-outs,
// and whatever output template writes the lines, as long as it carries the ID and both segment lists.

import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { outboundLines, runAt, seedDestination, seedSegments, traitsChange } from "./support/outbound";
import { seedPartner } from "./support/partners";

const USERS = 5;
const MIN = 60_000;
const change = fc.record({ user: fc.nat(USERS - 1), trait: fc.integer({ min: 1, max: 3 }), add: fc.boolean() });
const epoch = fc.record({
	changes: fc.uniqueArray(change, { maxLength: 8, selector: (c) => `${c.user}/${c.trait}` }),
	// An opt-out from this partner only, or from everything (`global`).
	optOut: fc.option(fc.record({ user: fc.nat(USERS - 1), global: fc.boolean() }), { freq: 4 }),
});

/**
 * An output template that carries what a partner needs to apply iter files (the ID, the segments, the
 * removed segments), in one of the shapes AAM's macros allow, and how a partner reads its lines back.
 */
interface Layout {
	template: string;
	header: string | null;
	read: (line: string) => [id: string, current: string[]];
}
/** How the template writes a separator, and the character it becomes. */
interface Separator {
	written: string;
	text: string;
}
const FIELD_SEPARATORS: Separator[] = [
	{ written: "<TAB>", text: "\t" },
	{ written: " ", text: " " },
	{ written: "|", text: "|" },
	{ written: "<ASCII_SOH>", text: "\u0001" },
];
const LIST_SEPARATORS: Separator[] = [
	{ written: '","', text: "," },
	{ written: '";"', text: ";" },
	{ written: "TAB", text: "\t" },
];
const HEADER = "<ORDER_ID><TAB><SYNC_MODE><TAB><TIMESTAMP><NEW_LINE>id<TAB>segments<TAB>removed";
const delimited = fc
	.record({
		field: fc.constantFrom(...FIELD_SEPARATORS),
		list: fc.constantFrom(...LIST_SEPARATORS),
		leading: fc.subarray(["<PID>", "<SET_ATTRIBUTES>", "<ORDER_ID>", "<SYNC_MODE>"]),
		conditionalRemovals: fc.boolean(),
		header: fc.boolean(),
	})
	.filter(({ field, list }) => field.text !== list.text)
	.map(({ field, list, leading, conditionalRemovals, header }): Layout => {
		const [f, fText, l, lText] = [field.written, field.text, list.written, list.text];
		const removed = `<REMOVED_SEGMENT_LIST; separator=${l}>`;
		const fields = [...leading, "<DP_UUID>", `<SEGMENT_LIST; separator=${l}>`];
		const body = fields.join(f);
		return {
			template: conditionalRemovals
				? `${body}<if(REMOVED_SEGMENT_LIST)>${f}${removed}<endif>`
				: `${body}${f}${removed}`,
			header: header ? HEADER : null,
			read: (line) => {
				const parts = line.split(fText).slice(leading.length);
				return [parts[0] ?? "", (parts[1] ?? "").split(lText).filter(Boolean)];
			},
		};
	});
// AAM's Trade Desk example: one JSON object per line, removals with a zero TTL.
const json = fc.constant<Layout>({
	template:
		'{"TDID":"<DP_UUID>","Data":[<SEGMENT_LIST:{seg|<OPEN_CURLY_BRACKET>"Name":"<seg.sid>"<CLOSE_CURLY_BRACKET>}; separator=",">' +
		"<if(SEGMENT_LIST && REMOVED_SEGMENT_LIST)><COMMA><endif>" +
		'<REMOVED_SEGMENT_LIST:{seg|<OPEN_CURLY_BRACKET>"Name":"<seg.sid>","TtlInMinutes":0<CLOSE_CURLY_BRACKET>}; separator=",">]}',
	header: null,
	read: (line) => {
		const parsed = JSON.parse(line) as { TDID: string; Data: Array<{ Name: string; TtlInMinutes?: number }> };
		return [parsed.TDID, parsed.Data.filter((d) => d.TtlInMinutes === undefined).map((d) => d.Name)];
	},
});
const layouts = fc.oneof(delimited, json);

function parse(lines: string[], layout: Layout): Map<string, string[]> {
	const data = layout.header === null ? lines : lines.slice(layout.header.split("<NEW_LINE>").length);
	return new Map(data.map(layout.read));
}

describe("property: iter files add up to the full file", () => {
	it("holds for any history of trait changes and opt-outs, and any template that carries the three fields", async () => {
		await seedSegments();
		let k = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(epoch, { minLength: 1, maxLength: 4 }), layouts, async (epochs, layout) => {
				k++;
				// Each case gets its own partner, users and destinations, so cases never see each other.
				const dpid = 5000 + k;
				await seedPartner({ dpid });
				const uuid = (u: number) => `${k}`.padStart(19, "0") + `${u}`.padStart(19, "0");
				const id = (u: number) => `p${k}-${u}`;
				await pairStoreOf(env).upsert(
					Array.from({ length: USERS }, (_, u) => ({ dpid, dpuuid: id(u), uuid: uuid(u), at: 1 })),
					1,
				);
				const [iter, full] = [2 * k + 100, 2 * k + 101];
				const { template, header } = layout;
				await seedDestination(iter, { dpid, mode: "iter", template, header });
				await seedDestination(full, { dpid, mode: "full", template, header });
				const held = new Map<string, string[]>();
				let t = 1_800_000_000_000 + k * 1_000_000_000;
				for (const e of epochs) {
					t += 10 * MIN;
					const byUser: Record<string, { add: number[]; remove: number[] }> = {};
					for (const c of e.changes) {
						const entry = byUser[uuid(c.user)] ?? { add: [], remove: [] };
						(c.add ? entry.add : entry.remove).push(c.trait);
						byUser[uuid(c.user)] = entry;
					}
					if (e.changes.length > 0) await traitsChange(t, byUser);
					const out = e.optOut;
					if (out?.global) await pairStoreOf(env).forgetVisitor(uuid(out.user), t + MIN);
					else if (out) await pairStoreOf(env).forgetPartnerId(dpid, id(out.user), t + MIN);
					const at = t + 5 * MIN;
					const iterRun = await runAt(iter, at);
					for (const [line, current] of parse(await outboundLines(iterRun.files[0]?.name ?? "", dpid), layout)) {
						if (current.length > 0) held.set(line, current);
						else held.delete(line);
					}
					const fullRun = await runAt(full, at);
					expect(held).toEqual(parse(await outboundLines(fullRun.files[0]?.name ?? "", dpid), layout));
				}
			}),
			{ numRuns: 25 },
		);
		// Each case runs up to eight workflows: seconds, not the default 5 s.
	}, 60_000);
});
