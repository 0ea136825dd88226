import type { TraitChange } from "../memberships/types";

/**
 * A visitor shard's part of a trait change as it crosses to the shard: the effects as two parallel
 * lists, `traits[i]` positive to add trait `traits[i]` to `uuids[i]`, negative to remove it (trait IDs
 * start at 1). Structured clone copies a list of strings and a list of numbers about six times faster
 * than as many `{ uuid, trait, add }` objects (100,000 effects: ~20 ms against ~125 ms in Node), and an
 * inbound group hands over one effect per realized trait.
 */
export interface TraitPart {
	key: string;
	source: number;
	cleared: TraitChange["cleared"];
	uuids: string[];
	traits: number[];
}

export function packTraitPart(change: TraitChange): TraitPart {
	const uuids = new Array<string>(change.effects.length);
	const traits = new Array<number>(change.effects.length);
	change.effects.forEach((e, i) => {
		uuids[i] = e.uuid;
		traits[i] = e.add ? e.trait : -e.trait;
	});
	return { key: change.key, source: change.source, cleared: change.cleared, uuids, traits };
}

export function unpackTraitPart(part: TraitPart): TraitChange {
	const effects = part.traits.map((t, i) => ({ uuid: part.uuids[i] as string, trait: Math.abs(t), add: t > 0 }));
	return { key: part.key, source: part.source, cleared: part.cleared, effects };
}
