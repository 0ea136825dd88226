// Property: iter files are exactly the changes. A partner that starts from nothing and applies every
// iter file (each line replaces that ID's segments; an ID with none left is dropped) holds, after each
// run, what a full file of the same moment lists — whatever the history of trait changes and opt-outs.

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

function parse(lines: string[]): Map<string, string[]> {
	return new Map(
		lines.map((l) => l.split("\t")).map(([id, current]) => [id ?? "", (current ?? "").split(",").filter(Boolean)]),
	);
}

describe("property: iter files add up to the full file", () => {
	it("holds for any history of trait changes and opt-outs", async () => {
		await seedSegments();
		let k = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(epoch, { minLength: 1, maxLength: 4 }), async (epochs) => {
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
				await seedDestination(iter, { dpid, mode: "iter" });
				await seedDestination(full, { dpid, mode: "full" });
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
					for (const [line, current] of parse(await outboundLines(iterRun.files[0]?.name ?? "", dpid))) {
						if (current.length > 0) held.set(line, current);
						else held.delete(line);
					}
					const fullRun = await runAt(full, at);
					expect(held).toEqual(parse(await outboundLines(fullRun.files[0]?.name ?? "", dpid)));
				}
			}),
			{ numRuns: 25 },
		);
		// Each case runs up to eight workflows: seconds, not the default 5 s.
	}, 60_000);
});
