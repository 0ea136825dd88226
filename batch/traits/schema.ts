import { z } from "zod";

/**
 * A trait: an id a data source (DPID) can set on visitors, with an optional key-value rule. The admin
 * API shows this schema and derives its input from it; the pipeline uses the inferred type.
 */
export const traitSchema = z.object({
	id: z
		.number()
		.int()
		.min(1)
		.max(2 ** 53 - 1),
	dpid: z.number().int().min(1).max(2_147_483_647),
	name: z.string().trim().min(1).max(200),
	/** Key-value rule, e.g. `ic == "52"`; checked by parseTraitRule where traits are written. */
	rule: z.string().max(1_000).nullable().default(null),
	/**
	 * Key-value rules compare keys and values without regard to case, as AAM's FAQ says key-value data
	 * is; true compares them exactly (`Color=Red` then no longer matches `color == "red"`).
	 */
	exactMatch: z.boolean().default(false),
	createdAt: z.number(),
	updatedAt: z.number(),
});

export type Trait = z.infer<typeof traitSchema>;
