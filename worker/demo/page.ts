import { Hono } from "hono";
import type { AppEnv } from "../http/types";

/** The /demo page that embeds the tag (only when DEMO is on). */
export const demoPageRoutes = new Hono<AppEnv>();
