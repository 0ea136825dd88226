import { z } from "@hono/zod-openapi";
import type { SegmentRule } from "../../core/graph/memberships/segment-rule";

/** A segment as the admin API shows it: a rule over traits, as written. */
export const SegmentSchema = z
	.object({
		id: z.number().int().min(1),
		name: z.string().trim().min(1).max(200),
		rule: z.string().min(1).max(4_000).openapi({ example: "T101 AND (T102 OR NOT T103)" }),
		createdAt: z.number(),
		updatedAt: z.number(),
	})
	.openapi("Segment");
export type SegmentView = z.infer<typeof SegmentSchema>;

/** Create or replace: the id comes from the path, the timestamps from the edge. */
export const SegmentInput = SegmentSchema.pick({ name: true, rule: true }).strict().openapi("SegmentInput");

/** A segment as the pipelines use it: as stored, with its rule parsed. */
export type Segment = SegmentView & { tree: SegmentRule };

export function viewOf({ tree: _tree, ...segment }: Segment): SegmentView {
	return segment;
}
