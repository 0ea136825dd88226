import { z } from "zod";
import type { SampleMember } from "./preview";

const ids = z.array(z.number().int().min(1)).max(500).default([]);

/**
 * A sample member to preview a template with, as the admin API and the vendor CLI take it: the partner's
 * ID, optionally the edgesync UUID and all of its IDs, segment and trait ids, and one time (Unix ms).
 */
export const SampleSchema = z
	.object({
		dpuuid: z.string().min(1).max(512),
		uuid: z.string().max(512).default(""),
		dpuuids: z.array(z.string().min(1).max(512)).max(50).optional(),
		segments: ids,
		removed: ids,
		traits: ids,
		at: z.number().int().min(0).optional(),
	})
	.strict();

export const SamplesSchema = z.array(SampleSchema).max(20);

/** A parsed sample with its defaults: its only ID, and the file's time. */
export function sampleMember(s: z.infer<typeof SampleSchema>, at: number): SampleMember {
	return { ...s, dpuuids: s.dpuuids ?? [s.dpuuid], at: s.at ?? at };
}
