import { Hono } from "hono";
import type { AppEnv } from "../http/types";

/** Serves the built browser tag at /tag.js. */
export const tagScriptRoutes = new Hono<AppEnv>();
